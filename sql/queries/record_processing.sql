-- Remember what became of each raw page of the batch (one array per column, in the same order).
INSERT INTO raw_page_processing AS p (raw_page_id, parser, parser_version, status, article_id,
                                      message, processed_at)
SELECT s.raw_page_id, s.parser, s.parser_version, s.status, a.id, s.message, now()
  FROM unnest(%(raw_page_ids)b::bigint[], %(parsers)b::text[], %(parser_versions)b::text[],
              %(statuses)b::text[], %(urls)b::text[], %(messages)b::text[])
       AS s (raw_page_id, parser, parser_version, status, url, message)
  LEFT JOIN articles a ON a.url = s.url AND s.status = 'loaded'
    ON CONFLICT (raw_page_id) DO UPDATE SET
       parser = excluded.parser, parser_version = excluded.parser_version,
       status = excluded.status, article_id = excluded.article_id,
       message = excluded.message, processed_at = excluded.processed_at;
