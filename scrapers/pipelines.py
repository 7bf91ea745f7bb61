"""Store raw pages in PostgreSQL, in batches, and the crawl's outcome in ``crawl_runs``.

Each batch is one COPY into a temporary table and one ``INSERT ... ON CONFLICT DO NOTHING``
on (url, body_sha256): a page whose content is already stored is not stored again, and a
crash between batches loses at most one batch, which the next run fetches again.
"""

from __future__ import annotations

import hashlib
import json
import time

from psycopg.types.json import Jsonb
from scrapy import signals

from scrapers.items import RawPageItem
from wxrb import db

RAW_PAGE_COLUMNS = (
    "url", "final_url", "fetched_at", "http_status", "headers",
    "declared_encoding", "used_encoding", "body", "body_sha256", "edition", "page_no", "page_name",
)


class PostgresRawPagePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("WXRB_PIPELINE_BATCH_SIZE", 50)
        self.crawl_run_id = crawler.settings.getint("WXRB_CRAWL_RUN_ID") or None
        self.buffer: list[RawPageItem] = []
        self.conn = None
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.conn = db.connect(autocommit=True)
        if self.crawl_run_id is None:  # a bare `scrapy crawl`: record the run ourselves
            spider = spider or self.crawler.spider
            self.crawl_run_id = self.conn.execute(
                "INSERT INTO crawl_runs (spider, base_url, window_since, window_until)"
                " VALUES (%s, %s, %s, %s) RETURNING id",
                [spider.source, spider.base_url, spider.since, spider.until],
            ).fetchone()[0]
        self.stats.set_value("wxrb/crawl_run_id", self.crawl_run_id)

    def process_item(self, item, spider=None):
        if isinstance(item, RawPageItem):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self, spider=None):
        self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        with self.conn.transaction():
            urls = [item.url for item in batch]
            known = {row[0] for row in self.conn.execute(
                "SELECT DISTINCT url FROM raw_pages WHERE url = ANY(%s)", [urls])}
            self.conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS raw_pages_staging ON COMMIT DELETE ROWS AS"
                f" SELECT {', '.join(RAW_PAGE_COLUMNS)} FROM raw_pages WITH NO DATA"
            )
            with self.conn.cursor().copy(
                f"COPY raw_pages_staging ({', '.join(RAW_PAGE_COLUMNS)}) FROM STDIN"
            ) as copy:
                for item in batch:
                    copy.write_row(_row(item))
            inserted = {row[0] for row in self.conn.execute(
                f"INSERT INTO raw_pages ({', '.join(RAW_PAGE_COLUMNS)}, crawl_run_id)"
                f" SELECT {', '.join(RAW_PAGE_COLUMNS)}, %s FROM raw_pages_staging"
                " ON CONFLICT (url, body_sha256) DO NOTHING RETURNING url",
                [self.crawl_run_id],
            )}
        self.stats.inc_value("wxrb/pages_new", len(inserted - known))
        self.stats.inc_value("wxrb/pages_changed", len(inserted & known))
        self.stats.inc_value("wxrb/pages_unchanged", len(batch) - len(inserted))

    def spider_closed(self, spider, reason):
        stats = crawl_stats(self.stats.get_stats(), reason, time.monotonic() - self.started)
        status = crawl_status(stats)
        stats["blocked"] = status == "blocked"
        stats["requests_per_new_article"] = requests_per_new_article(stats)
        self.conn.execute(
            "UPDATE crawl_runs SET finished_at = now(), status = %s, stats = %s WHERE id = %s",
            [status, Jsonb(stats), self.crawl_run_id],
        )
        self.conn.close()


def _row(item: RawPageItem) -> tuple:
    return (
        item.url, item.final_url, item.fetched_at, item.http_status, json.dumps(item.headers),
        item.declared_encoding, item.used_encoding, item.body, hashlib.sha256(item.body).hexdigest(),
        item.edition, item.page_no, item.page_name,
    )


def crawl_stats(raw: dict, reason: str, duration: float) -> dict:
    """The counters ops read in crawl_runs.stats, from Scrapy's stats."""
    prefix = "downloader/response_status_count/"
    return {
        "finish_reason": reason,
        "duration_s": round(duration, 1),
        "requests": raw.get("downloader/request_count", 0),
        "responses_by_status": {k[len(prefix):]: v for k, v in raw.items() if k.startswith(prefix)},
        "retries": raw.get("retry/count", 0),
        "download_errors": raw.get("downloader/exception_count", 0),
        "bytes": raw.get("downloader/response_bytes", 0),
        "list_pages": raw.get("wxrb/list_pages", 0),
        "article_pages": raw.get("wxrb/article_pages", 0),
        "pages_new": raw.get("wxrb/pages_new", 0),
        "pages_changed": raw.get("wxrb/pages_changed", 0),
        "pages_unchanged": raw.get("wxrb/pages_unchanged", 0),
        "articles_already_stored": raw.get("wxrb/articles_already_stored", 0),
        "articles_skipped_stored": raw.get("wxrb/articles_skipped_stored", 0),
        "articles_not_modified": raw.get("wxrb/articles_not_modified", 0),
        "challenge_pages": raw.get("wxrb/challenge_pages", 0),
        "challenge_unpassed": raw.get("wxrb/challenge_unpassed", 0),
        "retry_backoff_s": round(raw.get("wxrb/retry_backoff_s", 0), 1),
        "layout_warnings": raw.get("wxrb/layout_warnings", 0),
        "errors_logged": raw.get("log_count/ERROR", 0),
        "scale_out_job": raw.get("scale_out/job"),
    }


def requests_per_new_article(stats: dict) -> float | None:
    """Crawl efficiency: every request made (lists, robots.txt, retries) per new or changed page."""
    stored = stats["pages_new"] + stats["pages_changed"]
    return round(stats["requests"] / stored, 2) if stored else None


def crawl_status(stats: dict) -> str:
    by_status = stats["responses_by_status"]
    ok = sum(v for k, v in by_status.items() if k.startswith("2"))
    if not by_status and stats["download_errors"]:
        return "unreachable"
    if not ok and by_status.get("403"):
        return "blocked"
    if stats["challenge_unpassed"] and not stats["article_pages"]:
        return "blocked"  # every page we got was a WAF challenge
    if stats["layout_warnings"] and not stats["article_pages"]:
        return "failed"  # the page structure we rely on is gone: never report "0 new articles"
    if stats["finish_reason"] == "finished" and not stats["requests"] and stats["scale_out_job"]:
        return "finished"  # joined a shared crawl whose other workers already held all the work
    if stats["finish_reason"] != "finished" or not ok:
        return "failed"
    return "finished"
