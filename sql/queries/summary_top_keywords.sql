-- Keywords (TF-IDF) found in the most articles.
SELECT keyword, count(*) AS articles, round(sum(weight)::numeric, 2) AS total_weight
  FROM article_keywords
 WHERE method LIKE 'tfidf%%'
 GROUP BY keyword
 ORDER BY count(*) DESC, sum(weight) DESC, keyword
 LIMIT %(limit)s;
