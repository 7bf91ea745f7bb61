-- Run report, keywords: the keywords of the most articles over [since, day], by TF-IDF against
-- the corpus IDF (tfidf_corpus) when the window has it, else jieba's bundled table (tfidf_jieba).
WITH window_articles AS (
    SELECT id FROM articles
     WHERE published_at >= %(since)s::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND published_at < (%(day)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
), chosen AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM article_keywords k JOIN window_articles w ON w.id = k.article_id
                              WHERE k.method = 'tfidf_corpus')
                THEN 'tfidf_corpus' ELSE 'tfidf_jieba' END AS method
)
SELECT k.method, k.keyword, count(*) AS articles
  FROM article_keywords k
  JOIN window_articles w ON w.id = k.article_id
  JOIN chosen c ON c.method = k.method
 GROUP BY k.method, k.keyword
 ORDER BY articles DESC, sum(k.weight) DESC, k.keyword
 LIMIT %(limit)s;
