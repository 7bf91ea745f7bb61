-- One row per crawl: who ran, over which window, how it ended, and what it counted.
CREATE TABLE crawl_runs (
    id           bigserial PRIMARY KEY,
    spider       text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text        NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'finished', 'failed', 'blocked', 'unreachable')),
    base_url     text,
    window_since date,
    window_until date,
    run_key      text,
    stats        jsonb       NOT NULL DEFAULT '{}'::jsonb
);

COMMENT ON TABLE crawl_runs IS 'One row per crawl of one spider over one date window.';
COMMENT ON COLUMN crawl_runs.spider IS 'Source crawled: portal, epaper_wxrb, epaper_jnwb or epaper_old.';
COMMENT ON COLUMN crawl_runs.status IS 'running, finished, failed (error or killed), blocked (the site refused us), unreachable (no connection).';
COMMENT ON COLUMN crawl_runs.window_since IS 'First URL/edition date the crawl looked for (Asia/Shanghai).';
COMMENT ON COLUMN crawl_runs.window_until IS 'Last URL/edition date the crawl looked for (inclusive).';
COMMENT ON COLUMN crawl_runs.run_key IS 'Who asked for the crawl, e.g. the Airflow run id; null from the CLI.';
COMMENT ON COLUMN crawl_runs.stats IS 'Counters at the end of the crawl: requests, responses by status, pages new/unchanged, bytes, duration.';

CREATE INDEX crawl_runs_started_at_idx ON crawl_runs (started_at DESC);
