-- Run report, stories: a sample of the stories first published over [since, day] that ran
-- more than once (portal and print copies), most copies first; total: how many there are.
SELECT title, first_published_at AT TIME ZONE 'Asia/Shanghai' AS first_published, copies, sites,
       count(*) OVER () AS total
  FROM stories
 WHERE copies > 1
   AND first_published_at >= %(since)s::timestamp AT TIME ZONE 'Asia/Shanghai'
   AND first_published_at < (%(day)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
 ORDER BY copies DESC, first_published_at DESC, title
 LIMIT %(limit)s;
