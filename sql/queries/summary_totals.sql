SELECT (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM raw_pages) AS raw_pages,
       (SELECT count(*) FROM article_keywords) AS keywords,
       (SELECT count(*) FROM crawl_runs) AS crawl_runs,
       (SELECT count(*) FROM raw_page_processing WHERE status = 'skipped') AS skipped_pages;
