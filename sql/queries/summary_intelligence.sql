-- What text processing found: entities by kind, figures, stories and those printed more than once.
SELECT (SELECT count(*) FROM article_entities WHERE kind = 'place') AS places,
       (SELECT count(*) FROM article_entities WHERE kind = 'organisation') AS organisations,
       (SELECT count(*) FROM article_entities WHERE kind = 'person') AS people,
       (SELECT count(*) FROM article_figures) AS figures,
       (SELECT count(DISTINCT story_id) FROM articles) AS stories,
       (SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id HAVING count(*) > 1) s) AS multi,
       (SELECT count(*) FROM raw_page_processing WHERE status = 'flagged') AS flagged;
