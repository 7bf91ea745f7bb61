-- The raw responses, kept as bytes so every later stage can be re-run when a rule improves.
CREATE TABLE raw_pages (
    id                bigserial PRIMARY KEY,
    url               text        NOT NULL,
    final_url         text        NOT NULL,
    fetched_at        timestamptz NOT NULL,
    http_status       integer     NOT NULL,
    headers           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    declared_encoding text,
    used_encoding     text        NOT NULL,
    body              bytea       NOT NULL,
    body_sha256       text        NOT NULL CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
    crawl_run_id      bigint      REFERENCES crawl_runs (id),
    CONSTRAINT raw_pages_url_content_key UNIQUE (url, body_sha256)
);

COMMENT ON TABLE raw_pages IS 'Article pages as fetched: one row per distinct content of a URL.';
COMMENT ON COLUMN raw_pages.url IS 'Canonical URL of the page (https for the live portal, no fragment).';
COMMENT ON COLUMN raw_pages.final_url IS 'URL after redirects, as fetched.';
COMMENT ON COLUMN raw_pages.headers IS 'Response headers, name -> value (first value).';
COMMENT ON COLUMN raw_pages.declared_encoding IS 'Charset the page declared (Content-Type header, else <meta>); null when none.';
COMMENT ON COLUMN raw_pages.used_encoding IS 'Encoding the body was decoded with.';
COMMENT ON COLUMN raw_pages.body_sha256 IS 'Hex SHA-256 of body; the same URL with the same body is stored once.';

CREATE INDEX raw_pages_url_fetched_idx ON raw_pages (url, fetched_at DESC);
CREATE INDEX raw_pages_crawl_run_idx ON raw_pages (crawl_run_id);
