-- Keyword rows of stored articles, to compare with a batch's (processing.load).
SELECT article_id, method, keyword, weight, rank, model_version
  FROM article_keywords
 WHERE article_id = ANY(%(ids)b::bigint[]);
