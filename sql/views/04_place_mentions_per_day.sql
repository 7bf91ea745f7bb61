-- Which places are in the news, and how often, per day. A mention of 鹅湖镇 also counts for
-- 锡山区 and 无锡市 in articles_incl_subplaces (through places.ancestors).
DROP VIEW IF EXISTS place_mentions_per_day CASCADE;
CREATE VIEW place_mentions_per_day AS
WITH mentions AS (
    SELECT (a.published_at AT TIME ZONE 'Asia/Shanghai')::date AS day, a.id AS article_id,
           e.name AS mentioned, e.mentions, p.ancestors
      FROM article_entities e
      JOIN articles a ON a.id = e.article_id
      JOIN places p ON p.name = e.name
     WHERE e.kind = 'place'
), rolled AS (
    SELECT day, article_id, mentioned AS place, mentions, true AS direct FROM mentions
    UNION ALL
    SELECT day, article_id, unnest(ancestors), 0, false FROM mentions
)
SELECT r.day, r.place, p.level, p.parent,
       count(DISTINCT r.article_id) FILTER (WHERE r.direct) AS articles,
       coalesce(sum(r.mentions) FILTER (WHERE r.direct), 0)  AS mentions,
       count(DISTINCT r.article_id)                         AS articles_incl_subplaces
  FROM rolled r
  JOIN places p ON p.name = r.place
 GROUP BY r.day, r.place, p.level, p.parent;

COMMENT ON VIEW place_mentions_per_day IS 'Per day (Asia/Shanghai) and place: articles naming it, mentions, and articles naming it or any place inside it.';
