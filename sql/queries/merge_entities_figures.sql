-- Make the entities and figures of every staged article exactly the staged ones; like the
-- keywords, only the rows that differ are deleted and inserted.
DELETE FROM article_entities e USING articles a
 WHERE e.article_id = a.id AND a.url IN (SELECT url FROM articles_staging)
   AND NOT EXISTS (SELECT FROM entities_staging s
                    WHERE s.url = a.url AND s.kind = e.kind AND s.name = e.name
                      AND s.mentions = e.mentions AND s.role IS NOT DISTINCT FROM e.role);
INSERT INTO article_entities (article_id, kind, name, mentions, role)
SELECT a.id, s.kind, s.name, s.mentions, s.role
  FROM entities_staging s JOIN articles a ON a.url = s.url
    ON CONFLICT (article_id, kind, name) DO NOTHING;
DELETE FROM article_figures f USING articles a
 WHERE f.article_id = a.id AND a.url IN (SELECT url FROM articles_staging)
   AND NOT EXISTS (SELECT FROM figures_staging s
                    WHERE s.url = a.url AND s.ordinal = f.ordinal
                      AND (s.what, s.value, s.unit, s.kind, s.qualifier, s.raw, s.display_value,
                           s.magnitude, s.sentence)
                          IS NOT DISTINCT FROM
                          (f.what, f.value, f.unit, f.kind, f.qualifier, f.raw, f.display_value,
                           f.magnitude, f.sentence));
INSERT INTO article_figures (article_id, ordinal, what, value, unit, kind, qualifier, raw,
                             display_value, magnitude, sentence)
SELECT a.id, s.ordinal, s.what, s.value, s.unit, s.kind, s.qualifier, s.raw, s.display_value,
       s.magnitude, s.sentence
  FROM figures_staging s JOIN articles a ON a.url = s.url
    ON CONFLICT (article_id, ordinal) DO NOTHING;
