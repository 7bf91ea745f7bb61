-- What the paper covered each week: the keywords of the most articles, ranked within the week.
DROP VIEW IF EXISTS top_keywords_per_week CASCADE;
CREATE VIEW top_keywords_per_week AS
SELECT week, keyword, method, articles, total_weight,
       rank() OVER (PARTITION BY week, method ORDER BY articles DESC, total_weight DESC) AS rank_in_week
  FROM (SELECT date_trunc('week', a.published_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
               k.keyword, k.method,
               count(DISTINCT a.id) AS articles,
               sum(k.weight)        AS total_weight
          FROM article_keywords k
          JOIN articles a ON a.id = k.article_id
         GROUP BY 1, 2, 3) per_week;

COMMENT ON VIEW top_keywords_per_week IS 'Keywords per ISO week (Monday, Asia/Shanghai) and method: in how many articles, summed weight, rank within the week (1 = most articles).';
