-- Which parser last processed each raw page and what came of it, so processing picks up
-- only pages not yet seen by the current parser version and a re-run changes nothing.
CREATE TABLE raw_page_processing (
    raw_page_id    bigint      PRIMARY KEY REFERENCES raw_pages (id) ON DELETE CASCADE,
    parser         text        NOT NULL,
    parser_version text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('loaded', 'skipped')),
    article_id     bigint      REFERENCES articles (id) ON DELETE SET NULL,
    message        text,
    processed_at   timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE raw_page_processing IS 'Outcome of the last processing of each raw page.';
COMMENT ON COLUMN raw_page_processing.status IS 'loaded: an article row was written; skipped: the page gave no article (message says why).';
