-- Run report, figures: a sample of the day's figures, the first of each article (view
-- figures_by_topic); total: how many figures the day's articles gave.
SELECT site, channel, what, raw, topic_keywords, title,
       (SELECT count(*) FROM figures_by_topic WHERE day = %(day)s::date) AS total
  FROM (SELECT DISTINCT ON (article_id) *
          FROM figures_by_topic
         WHERE day = %(day)s::date
         ORDER BY article_id, what) first_per_article
 ORDER BY article_id
 LIMIT %(limit)s;
