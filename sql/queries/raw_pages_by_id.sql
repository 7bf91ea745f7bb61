-- Bodies of one processing batch, with when their URL was first fetched.
SELECT r.id, r.url, r.body, r.declared_encoding,
       (SELECT min(f.fetched_at) FROM raw_pages f WHERE f.url = r.url) AS first_seen_at
  FROM raw_pages r
 WHERE r.id = ANY(%(ids)s)
 ORDER BY r.id;
