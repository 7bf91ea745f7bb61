-- Run report, crawls: the crawl runs whose window covers the day, how they ended, and what
-- became of the pages they stored (loaded, skipped: no article, flagged: garbled).
SELECT c.id, c.spider, c.status, c.window_since, c.window_until,
       c.started_at AT TIME ZONE 'Asia/Shanghai' AS started,
       count(r.id) AS pages,
       count(p.raw_page_id) FILTER (WHERE p.status = 'loaded') AS loaded,
       count(p.raw_page_id) FILTER (WHERE p.status = 'skipped') AS skipped,
       count(p.raw_page_id) FILTER (WHERE p.status = 'flagged') AS flagged
  FROM crawl_runs c
  LEFT JOIN raw_pages r ON r.crawl_run_id = c.id
  LEFT JOIN raw_page_processing p ON p.raw_page_id = r.id
 WHERE %(day)s::date BETWEEN c.window_since AND c.window_until
 GROUP BY c.id
 ORDER BY c.id DESC
 LIMIT %(limit)s;
