-- Organisations and people in the news per week, with the role most often given to a person.
DROP VIEW IF EXISTS names_in_the_news CASCADE;
CREATE VIEW names_in_the_news AS
SELECT date_trunc('week', a.published_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
       e.kind, e.name,
       mode() WITHIN GROUP (ORDER BY e.role) AS role,
       count(DISTINCT a.id)                  AS articles,
       sum(e.mentions)                       AS mentions
  FROM article_entities e
  JOIN articles a ON a.id = e.article_id
 WHERE e.kind IN ('organisation', 'person')
 GROUP BY 1, 2, 3;

COMMENT ON VIEW names_in_the_news IS 'Organisations and people per ISO week: articles, mentions, and (people) the role most often given.';
