-- Replace the keywords of every staged article for the staged method(s).
DELETE FROM article_keywords k
 USING articles a
 WHERE k.article_id = a.id
   AND a.url IN (SELECT url FROM articles_staging)
   AND k.method IN (SELECT DISTINCT method FROM keywords_staging);
INSERT INTO article_keywords (article_id, keyword, weight, method, rank)
SELECT a.id, s.keyword, s.weight, s.method, s.rank
  FROM keywords_staging s
  JOIN articles a ON a.url = s.url;
