-- Make the keywords of the staged articles exactly the staged ones (all methods: the TF-IDF method
-- changes from tfidf_jieba to tfidf_corpus once a corpus IDF exists). Only what differs is deleted
-- and inserted: a re-run with unchanged keywords writes nothing (no dead rows, no index churn).
DELETE FROM article_keywords k
 USING articles a
 WHERE k.article_id = a.id
   AND a.url IN (SELECT url FROM articles_staging)
   AND NOT EXISTS (SELECT FROM keywords_staging s
                    WHERE s.url = a.url AND s.method = k.method AND s.keyword = k.keyword
                      AND s.weight = k.weight AND s.rank = k.rank
                      AND s.model_version IS NOT DISTINCT FROM k.model_version);
INSERT INTO article_keywords (article_id, keyword, weight, method, rank, model_version)
SELECT a.id, s.keyword, s.weight, s.method, s.rank, s.model_version
  FROM keywords_staging s
  JOIN articles a ON a.url = s.url
    ON CONFLICT (article_id, method, keyword) DO NOTHING;
