-- Every distinct content an article has had, so an edit on the site or a better parser
-- never silently overwrites what analysts saw before. The content hash decides: processing
-- or reprocessing that yields the same content adds no version.
CREATE TABLE article_versions (
    article_id     bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version        integer     NOT NULL CHECK (version >= 1),
    content_hash   text        NOT NULL,
    kicker         text,
    title          text        NOT NULL,
    subtitle       text,
    body           text        NOT NULL,
    authors        text[]      NOT NULL DEFAULT '{}',
    parser         text        NOT NULL,
    parser_version text        NOT NULL,
    raw_page_id    bigint      NOT NULL REFERENCES raw_pages (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, version)
);

COMMENT ON TABLE article_versions IS 'Each distinct content of an article, oldest first; the newest equals the articles row.';
COMMENT ON COLUMN article_versions.article_id IS 'The article (articles.id) this is a version of.';
COMMENT ON COLUMN article_versions.version IS '1 for the first load, then one more each time the content hash changes.';
COMMENT ON COLUMN article_versions.content_hash IS 'articles.content_hash of this version (kicker, title, subtitle and body).';
COMMENT ON COLUMN article_versions.kicker IS '引题 of this version.';
COMMENT ON COLUMN article_versions.subtitle IS '副题 of this version.';
COMMENT ON COLUMN article_versions.authors IS 'Authors of this version.';
COMMENT ON COLUMN article_versions.parser IS 'Parser that produced this version.';
COMMENT ON COLUMN article_versions.parser_version IS 'Version of that parser.';
COMMENT ON COLUMN article_versions.raw_page_id IS 'Raw page this version was extracted from.';
COMMENT ON COLUMN article_versions.created_at IS 'When this version was recorded.';

-- Articles loaded before this table existed get their current content as version 1.
INSERT INTO article_versions (article_id, version, content_hash, kicker, title, subtitle, body,
                              authors, parser, parser_version, raw_page_id, created_at)
SELECT id, 1, content_hash, kicker, title, subtitle, body, authors, parser, parser_version,
       raw_page_id, updated_at
  FROM articles;
