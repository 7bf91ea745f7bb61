-- The publication span of the articles that have no story yet.
SELECT min(coalesce(published_at, first_seen_at)), max(coalesce(published_at, first_seen_at))
  FROM articles
 WHERE story_id IS NULL;
