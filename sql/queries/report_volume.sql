-- Run report, volume: articles per day (Asia/Shanghai), site and channel over [since, day].
SELECT (published_at AT TIME ZONE 'Asia/Shanghai')::date AS day, site, coalesce(channel, '(none)') AS channel,
       count(*) AS articles
  FROM articles
 WHERE published_at >= %(since)s::timestamp AT TIME ZONE 'Asia/Shanghai'
   AND published_at < (%(day)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3;
