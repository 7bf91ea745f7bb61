-- Articles published in the window, with what story clustering compares, oldest id first.
SELECT id, story_id, title, paragraphs, minhash
  FROM articles
 WHERE coalesce(published_at, first_seen_at) BETWEEN %(since)s AND %(until)s
 ORDER BY id;
