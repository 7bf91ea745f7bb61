-- Every field of the extraction contract (processing/article.py, README "Article fields"),
-- with the evidence of how the text was decoded and repaired; processing can now flag a page.
ALTER TABLE articles
    ADD COLUMN kicker              text,
    ADD COLUMN subtitle            text,
    ADD COLUMN published_at_source text CHECK (published_at_source IN ('page', 'page_date', 'url')),
    ADD COLUMN photographers       text[] NOT NULL DEFAULT '{}',
    ADD COLUMN editor              text,
    ADD COLUMN page_no             text,
    ADD COLUMN page_name           text,
    ADD COLUMN lead                text,
    ADD COLUMN images              jsonb  NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN cleaning            jsonb  NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN original_text       text,
    ADD COLUMN encoding_declared   text,
    ADD COLUMN encoding_used       text,
    ADD COLUMN garble_ratio        real   NOT NULL DEFAULT 0;

COMMENT ON COLUMN articles.channel IS 'Portal channel from the breadcrumb (e.g. 无锡新闻); for print pages the page name (e.g. 要闻).';
COMMENT ON COLUMN articles.published_at IS 'Publication time (Asia/Shanghai): to the minute when the page shows a time, else midnight of the shown or URL date; see published_at_source.';
COMMENT ON COLUMN articles.source IS '来源: the outlet the page names (e.g. 无锡日报, 新华社); for print pages the edition.';
COMMENT ON COLUMN articles.authors IS 'Reporters and correspondents named in the byline, in order; photographers are apart.';
COMMENT ON COLUMN articles.content_hash IS 'Hex SHA-256 of kicker, title, subtitle and body; changes when the content a reader sees does (article_versions).';
COMMENT ON COLUMN articles.kicker IS '引题: the line printed above the title (print pages); null when none.';
COMMENT ON COLUMN articles.subtitle IS '副题: the line printed below the title (print pages); null when none.';
COMMENT ON COLUMN articles.published_at_source IS 'Which signal gave published_at: page (date and time shown), page_date (a date shown, no time), url (the URL date).';
COMMENT ON COLUMN articles.photographers IS 'Names in a photo credit such as （吕枫 摄）.';
COMMENT ON COLUMN articles.editor IS '责任编辑 named on the page; the line is not part of body.';
COMMENT ON COLUMN articles.page_no IS '版次 of a print article, e.g. A02; null for the portal.';
COMMENT ON COLUMN articles.page_name IS '版名 of a print article, e.g. 区域新闻; null for the portal.';
COMMENT ON COLUMN articles.lead IS 'The opening paragraph after a dateline (本报讯, 新华社…电), dateline and byline cut; equals paragraphs[1]. Null when the article has no dateline.';
COMMENT ON COLUMN articles.images IS 'Pictures in the article: JSON array of {"src": absolute URL, "caption": text or null}.';
COMMENT ON COLUMN articles.cleaning IS 'What cleaning repaired or dropped: counts of pinyin notes, mojibake repaired and dropped characters, dropped lines, script conversion.';
COMMENT ON COLUMN articles.original_text IS 'The decoded body text before pinyin/mojibake repair and traditional-to-simplified conversion, when those changed it; else null.';
COMMENT ON COLUMN articles.encoding_declared IS 'Charset the page declared (HTTP header, BOM or <meta>); null when none.';
COMMENT ON COLUMN articles.encoding_used IS 'Encoding the page was decoded with (declared, else detected).';
COMMENT ON COLUMN articles.garble_ratio IS 'Share of the text that is replacement characters or unrepaired mojibake; pages above the threshold are flagged, not loaded.';

ALTER TABLE raw_page_processing DROP CONSTRAINT raw_page_processing_status_check;
ALTER TABLE raw_page_processing ADD CONSTRAINT raw_page_processing_status_check
    CHECK (status IN ('loaded', 'skipped', 'flagged'));
COMMENT ON COLUMN raw_page_processing.status IS 'loaded: an article row was written; skipped: the page gave no article; flagged: an article was extracted but its text is too garbled to load (message gives the ratio).';
