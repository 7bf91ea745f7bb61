-- Run report, headline: articles per site published on the day and over the window
-- [since, day] (Asia/Shanghai), every site listed even when it has none.
SELECT s.site,
       count(a.id) FILTER (WHERE a.published_at >= %(day)s::timestamp AT TIME ZONE 'Asia/Shanghai') AS on_day,
       count(a.id) AS in_window
  FROM unnest(ARRAY['portal', 'epaper_wxrb', 'epaper_jnwb']) WITH ORDINALITY AS s(site, n)
  LEFT JOIN articles a
         ON a.site = s.site
        AND a.published_at >= %(since)s::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND a.published_at < (%(day)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
 GROUP BY s.site, s.n
 ORDER BY s.n;
