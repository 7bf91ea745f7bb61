-- The stored articles among a batch's URLs, with every value merge_articles compares (same order
-- as processing.load._compared, the jsonb ones last) and the content hash of the newest version:
-- processing.load writes only the articles where one of them differs.
SELECT a.url, a.id, a.first_seen_at,
       (SELECT v.content_hash FROM article_versions v
         WHERE v.article_id = a.id ORDER BY v.version DESC LIMIT 1) AS newest_version_hash,
       a.content_hash, a.parser, a.parser_version, a.raw_page_id, a.channel, a.page_no, a.page_name,
       a.published_at, a.published_at_source, a.source, a.authors, a.photographers, a.editor, a.lead,
       a.encoding_declared, a.encoding_used, a.garble_ratio, a.tokens_version, a.title_tokens,
       a.body_tokens, a.nlp_version, a.images, a.cleaning
  FROM articles a
 WHERE a.url = ANY(%(urls)b::text[]);
