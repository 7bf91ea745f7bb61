-- How much was published: articles per Asia/Shanghai day, site, channel and source.
DROP VIEW IF EXISTS articles_per_day CASCADE;
CREATE VIEW articles_per_day AS
SELECT (published_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       site,
       channel,
       source,
       count(*)        AS articles,
       sum(char_count) AS characters
  FROM articles
 GROUP BY 1, 2, 3, 4;

COMMENT ON VIEW articles_per_day IS 'Articles per day (Asia/Shanghai), site, channel and source, with their total characters.';
