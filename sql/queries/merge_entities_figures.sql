-- Replace the entities and figures of every staged article.
DELETE FROM article_entities e USING articles a
 WHERE e.article_id = a.id AND a.url IN (SELECT url FROM articles_staging);
INSERT INTO article_entities (article_id, kind, name, mentions, role)
SELECT a.id, s.kind, s.name, s.mentions, s.role
  FROM entities_staging s JOIN articles a ON a.url = s.url;
DELETE FROM article_figures f USING articles a
 WHERE f.article_id = a.id AND a.url IN (SELECT url FROM articles_staging);
INSERT INTO article_figures (article_id, ordinal, what, value, unit, kind, qualifier, raw,
                             display_value, magnitude, sentence)
SELECT a.id, s.ordinal, s.what, s.value, s.unit, s.kind, s.qualifier, s.raw, s.display_value,
       s.magnitude, s.sentence
  FROM figures_staging s JOIN articles a ON a.url = s.url;
