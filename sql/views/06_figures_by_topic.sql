-- Figures with their article's context: when, where it ran, and its topic (the channel and the
-- article's three strongest TF-IDF keywords). A story printed twice lists its figures twice:
-- count per story with articles.story_id.
DROP VIEW IF EXISTS figures_by_topic CASCADE;
CREATE VIEW figures_by_topic AS
SELECT (a.published_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       a.site, a.channel,
       (SELECT array_agg(k.keyword ORDER BY k.rank) FROM article_keywords k
         WHERE k.article_id = a.id AND k.method LIKE 'tfidf%' AND k.rank <= 3) AS topic_keywords,
       f.what, f.value, f.unit, f.kind, f.qualifier, f.raw, f.sentence,
       a.id AS article_id, a.title
  FROM article_figures f
  JOIN articles a ON a.id = f.article_id;

COMMENT ON VIEW figures_by_topic IS 'Every figure with the day, site, channel, top three keywords and title of its article.';
