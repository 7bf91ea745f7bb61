-- Replace every keyword of the staged articles (all methods: the TF-IDF method changes from
-- tfidf_jieba to tfidf_corpus once a corpus IDF exists).
DELETE FROM article_keywords k
 USING articles a
 WHERE k.article_id = a.id
   AND a.url IN (SELECT url FROM articles_staging);
INSERT INTO article_keywords (article_id, keyword, weight, method, rank, model_version)
SELECT a.id, s.keyword, s.weight, s.method, s.rank, s.model_version
  FROM keywords_staging s
  JOIN articles a ON a.url = s.url;
