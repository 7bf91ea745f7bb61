-- Upsert one gazetteer entry (processing/data/gazetteer.csv).
INSERT INTO places (name, level, parent, ancestors, aliases, version)
VALUES (%(name)s, %(level)s, %(parent)s, %(ancestors)s, %(aliases)s, %(version)s)
    ON CONFLICT (name) DO UPDATE SET
       level = excluded.level, parent = excluded.parent, ancestors = excluded.ancestors,
       aliases = excluded.aliases, version = excluded.version;
