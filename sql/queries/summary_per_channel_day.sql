-- Articles per site, channel and publication day (Asia/Shanghai).
SELECT site || ' · ' || coalesce(channel, '(none)') AS channel,
       (published_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       count(*) AS articles
  FROM articles
 GROUP BY 1, 2
 ORDER BY 1, 2;
