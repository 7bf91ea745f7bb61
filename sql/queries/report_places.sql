-- Run report, places: every place in the news per day over [since, day] (view
-- place_mentions_per_day; articles_incl_subplaces counts a town's articles for its district).
SELECT day, place, level, parent, articles, mentions, articles_incl_subplaces
  FROM place_mentions_per_day
 WHERE day BETWEEN %(since)s::date AND %(day)s::date
 ORDER BY day, articles_incl_subplaces DESC, place;
