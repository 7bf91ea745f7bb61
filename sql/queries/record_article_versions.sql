-- After the merge: a new version for each staged article whose content hash differs from its
-- newest recorded version (or that has none yet). Same content, no version.
INSERT INTO article_versions (article_id, version, content_hash, kicker, title, subtitle, body,
                              authors, parser, parser_version, raw_page_id)
SELECT a.id, coalesce(v.version, 0) + 1, a.content_hash, a.kicker, a.title, a.subtitle, a.body,
       a.authors, a.parser, a.parser_version, a.raw_page_id
  FROM articles_staging s
  JOIN articles a ON a.url = s.url
  LEFT JOIN LATERAL (SELECT version, content_hash
                       FROM article_versions
                      WHERE article_id = a.id
                      ORDER BY version DESC
                      LIMIT 1) v ON true
 WHERE v.content_hash IS DISTINCT FROM a.content_hash
    ON CONFLICT (article_id, version) DO NOTHING;
