-- The newest raw page of every URL with the parser that last processed it (null: never).
-- Older versions of a page are superseded and not processed again.
SELECT DISTINCT ON (r.url)
       r.id, r.url, p.parser, p.parser_version
  FROM raw_pages r
  LEFT JOIN raw_page_processing p ON p.raw_page_id = r.id
 ORDER BY r.url, r.fetched_at DESC, r.id DESC;
