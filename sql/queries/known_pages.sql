-- Article URLs already stored whose URL matches one of the patterns, with the validators of
-- their newest version (for conditional requests).
SELECT DISTINCT ON (url) url, headers->>'ETag' AS etag, headers->>'Last-Modified' AS last_modified
  FROM raw_pages
 WHERE url LIKE ANY(%(patterns)s)
 ORDER BY url, fetched_at DESC, id DESC;
