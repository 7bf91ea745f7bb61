-- Remember what became of each raw page of the batch.
INSERT INTO raw_page_processing AS p (raw_page_id, parser, parser_version, status, article_id,
                                      message, processed_at)
SELECT s.raw_page_id, s.parser, s.parser_version, s.status, a.id, s.message, now()
  FROM processing_staging s
  LEFT JOIN articles a ON a.url = s.url AND s.status = 'loaded'
    ON CONFLICT (raw_page_id) DO UPDATE SET
       parser = excluded.parser, parser_version = excluded.parser_version,
       status = excluded.status, article_id = excluded.article_id,
       message = excluded.message, processed_at = excluded.processed_at;
