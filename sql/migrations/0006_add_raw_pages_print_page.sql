-- Where a print e-paper page sat in its edition (版次/版名); null for the portal.
ALTER TABLE raw_pages
    ADD COLUMN edition   text,
    ADD COLUMN page_no   text,
    ADD COLUMN page_name text;

COMMENT ON COLUMN raw_pages.edition IS 'Print edition of an e-paper page: 无锡日报 or 江南晚报; null for the portal.';
COMMENT ON COLUMN raw_pages.page_no IS '版次: the page of the edition the article ran on, e.g. A02.';
COMMENT ON COLUMN raw_pages.page_name IS '版名: the name of that page, e.g. 区域新闻.';
