-- One row per article URL: the extracted fields of its newest raw page.
CREATE TABLE articles (
    id             bigserial PRIMARY KEY,
    url            text        NOT NULL UNIQUE,
    site           text        NOT NULL CHECK (site IN ('portal', 'epaper_wxrb', 'epaper_jnwb')),
    doc_id         text        NOT NULL,
    channel        text,
    title          text        NOT NULL,
    published_at   timestamptz,
    source         text,
    authors        text[]      NOT NULL DEFAULT '{}',
    body           text        NOT NULL,
    paragraphs     text[]      NOT NULL,
    char_count     integer     NOT NULL,
    parser         text        NOT NULL,
    parser_version text        NOT NULL,
    content_hash   text        NOT NULL,
    first_seen_at  timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    raw_page_id    bigint      NOT NULL REFERENCES raw_pages (id)
);

COMMENT ON TABLE articles IS 'One row per article URL, extracted from its newest raw page.';
COMMENT ON COLUMN articles.site IS 'portal (www.wxrb.com), epaper_wxrb (无锡日报 print), epaper_jnwb (江南晚报 print).';
COMMENT ON COLUMN articles.doc_id IS 'The site''s own id, from the URL (463770 in /doc/2026/08/14/463770.shtml).';
COMMENT ON COLUMN articles.channel IS 'Channel from the breadcrumb, e.g. 无锡新闻.';
COMMENT ON COLUMN articles.published_at IS 'Publication time shown on the page (Asia/Shanghai), to the minute.';
COMMENT ON COLUMN articles.source IS '来源: the outlet the page names, e.g. 无锡日报.';
COMMENT ON COLUMN articles.authors IS 'Reporters and correspondents named in the byline.';
COMMENT ON COLUMN articles.body IS 'Clean body text: paragraphs joined by a newline.';
COMMENT ON COLUMN articles.paragraphs IS 'Clean body paragraphs in reading order (1-based in SQL).';
COMMENT ON COLUMN articles.char_count IS 'Characters in body, newlines excluded.';
COMMENT ON COLUMN articles.parser IS 'Parser (page template) that produced the row, e.g. portal.';
COMMENT ON COLUMN articles.parser_version IS 'Version of that parser; a layout change adds a version.';
COMMENT ON COLUMN articles.content_hash IS 'Hex SHA-256 of title and body; changes when the content does.';
COMMENT ON COLUMN articles.first_seen_at IS 'When the crawler first fetched this article.';
COMMENT ON COLUMN articles.updated_at IS 'When the extracted content last changed.';
COMMENT ON COLUMN articles.raw_page_id IS 'The raw page the row was extracted from.';

CREATE INDEX articles_published_at_idx ON articles (published_at);
CREATE INDEX articles_site_channel_idx ON articles (site, channel);
CREATE INDEX articles_content_hash_idx ON articles (content_hash);
