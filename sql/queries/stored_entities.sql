-- Entity rows of stored articles, to compare with a batch's (processing.load).
SELECT article_id, kind, name, mentions, role
  FROM article_entities
 WHERE article_id = ANY(%(ids)b::bigint[]);
