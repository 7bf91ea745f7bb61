-- One row per story, however many times it ran: the portal copy and the print copies of a
-- story share articles.story_id (processing/dedup.py). Pick a story's articles with
-- `JOIN articles a ON a.story_id = s.story_id`.
DROP VIEW IF EXISTS stories CASCADE;
CREATE VIEW stories AS
SELECT a.story_id,
       (array_agg(a.title ORDER BY (a.site = 'portal') DESC, a.published_at, a.id))[1] AS title,
       min(a.published_at)                                      AS first_published_at,
       count(*)                                                 AS copies,
       array_agg(DISTINCT a.site ORDER BY a.site)               AS sites,
       array_agg(a.id ORDER BY a.published_at, a.id)            AS article_ids
  FROM articles a
 WHERE a.story_id IS NOT NULL
 GROUP BY a.story_id;

COMMENT ON VIEW stories IS 'One row per story: the portal title when there is one, first publication, number of copies, sites, article ids.';
