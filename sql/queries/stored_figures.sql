-- Figure rows of stored articles, to compare with a batch's (processing.load).
SELECT article_id, ordinal, what, value, unit, kind, qualifier, raw, display_value, magnitude, sentence
  FROM article_figures
 WHERE article_id = ANY(%(ids)b::bigint[]);
