-- What the paper covered each week: the keywords of the most articles, ranked within the week.
-- Materialized (it aggregates every keyword row): wxrb_daily's refresh_views task refreshes it
-- after each load (so do `wxrb run` and `wxrb maintenance`).
DO $$
BEGIN  -- it was a plain view before 2026-11: DROP VIEW refuses a materialized one and vice versa
    IF EXISTS (SELECT FROM pg_class WHERE oid = to_regclass('top_keywords_per_week') AND relkind = 'v') THEN
        DROP VIEW top_keywords_per_week CASCADE;
    END IF;
END
$$;
DROP MATERIALIZED VIEW IF EXISTS top_keywords_per_week CASCADE;
CREATE MATERIALIZED VIEW top_keywords_per_week AS
SELECT week, keyword, method, articles, total_weight,
       rank() OVER (PARTITION BY week, method ORDER BY articles DESC, total_weight DESC) AS rank_in_week
  FROM (SELECT date_trunc('week', a.published_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
               k.keyword, k.method,
               count(DISTINCT a.id) AS articles,
               sum(k.weight)        AS total_weight
          FROM article_keywords k
          JOIN articles a ON a.id = k.article_id
         GROUP BY 1, 2, 3) per_week;

COMMENT ON MATERIALIZED VIEW top_keywords_per_week IS 'Keywords per ISO week (Monday, Asia/Shanghai) and method: in how many articles, summed weight, rank within the week (1 = most articles).';

-- REFRESH ... CONCURRENTLY (readers are never blocked) needs a unique index.
CREATE UNIQUE INDEX top_keywords_per_week_key ON top_keywords_per_week (week, keyword, method);
