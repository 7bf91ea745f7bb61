"""The steps of the daily job, shared by the ``wxrb`` CLI and the Airflow DAGs.

Each step takes plain arguments (dates, ids), returns counts, and is safe to re-run.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date

from psycopg.types.json import Jsonb

from processing import boilerplate
from processing.stage import StageReport, process_pending
from processing.stage import reprocess as stage_reprocess
from wxrb import config, db

log = logging.getLogger(__name__)

# source (CLI argument, DAG task) -> (Scrapy spider, its base URL, spider arguments)
SPIDERS = {
    "portal": ("wxrb_portal", config.portal_url, {}),
    "epaper_wxrb": ("wxrb_epaper", config.epaper_url, {"paper": "wxrb"}),
    "epaper_jnwb": ("wxrb_epaper", config.epaper_url, {"paper": "jnwb"}),
    "epaper_old": ("wxrb_epaper_old", config.old_epaper_url, {}),  # 2018-2019 only
}
REACHABILITY_TIMEOUT_S = 10
ABANDONED_AFTER_H = 6  # a crawl 'running' for longer than any task timeout has died unseen


class JobError(RuntimeError):
    """A step failed; the message says what happened and what to do."""


class SiteUnreachable(JobError):
    pass


class CrawlFailed(JobError):
    pass


class QualityCheckFailed(JobError):
    pass


@dataclass
class CrawlReport:
    crawl_run_id: int
    status: str
    stats: dict

    def __str__(self) -> str:
        s = self.stats
        return (
            f"crawl run {self.crawl_run_id}: {self.status}; {s.get('requests', 0)} requests, "
            f"responses {s.get('responses_by_status', {})}, {s.get('retries', 0)} retries, "
            f"pages new {s.get('pages_new', 0)} / changed {s.get('pages_changed', 0)} / "
            f"unchanged {s.get('pages_unchanged', 0)}, stored articles skipped "
            f"{s.get('articles_skipped_stored', 0)} / not modified {s.get('articles_not_modified', 0)}, "
            f"{s.get('requests_per_new_article')} requests per new article, {s.get('bytes', 0)} bytes "
            f"in {s.get('duration_s', 0)} s"
        )


def migrate() -> list[str]:
    with db.connect(db.database_url()) as conn:
        applied = db.upgrade(conn)
    log.info("database schema up to date (%d migrations applied now)", len(applied))
    return applied


def check_reachable(base_url: str) -> None:
    """Fail within seconds when the site cannot be reached at all."""
    try:
        urllib.request.urlopen(base_url + "/robots.txt", timeout=REACHABILITY_TIMEOUT_S).close()
    except urllib.error.HTTPError:
        return  # the server answered: reachable (robots.txt may simply not exist)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SiteUnreachable(
            f"cannot reach {base_url}: {reason}. Is this machine online? "
            "To try the pipeline without the live site, run `make demo` (bundled replica)."
        ) from exc


def crawl(
    source: str, since: date, until: date, run_key: str | None = None, revalidate: bool = False
) -> CrawlReport:
    """Run one spider as a subprocess (keeps Twisted out of the caller) and report its run.

    Articles already stored are not fetched again; ``revalidate`` re-checks them with
    conditional requests (ETag / Last-Modified) and stores the ones that changed.
    """
    spider, base_url_of, spider_args = SPIDERS[source]
    base_url = base_url_of()
    dsn = db.database_url()
    with db.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE crawl_runs SET status = 'failed', finished_at = now(),"
            " stats = stats || '{\"error\": \"abandoned: the crawler died before recording its end\"}'"
            " WHERE status = 'running' AND started_at < now() - make_interval(hours => %s)",
            [ABANDONED_AFTER_H],
        )
        run_id = conn.execute(
            "INSERT INTO crawl_runs (spider, base_url, window_since, window_until, run_key)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            [source, base_url, since, until, run_key],
        ).fetchone()[0]
        log.info("crawl run %d: %s over %s..%s from %s", run_id, source, since, until, base_url)
        try:
            check_reachable(base_url)
        except SiteUnreachable as exc:
            _finish(conn, run_id, "unreachable", {"error": str(exc)})
            raise
        spider_args = {**spider_args, "since": since, "until": until, "base_url": base_url,
                       "revalidate": int(revalidate)}
        returncode = _run_scrapy(spider, spider_args, run_id, dsn)
        status, stats = conn.execute("SELECT status, stats FROM crawl_runs WHERE id = %s", [run_id]).fetchone()
        if status == "running":  # the crawler died before it could record its end
            status, stats = "failed", {"error": f"scrapy exited with code {returncode}"}
            _finish(conn, run_id, status, stats)
    report = CrawlReport(run_id, status, stats)
    log.info("%s", report)
    if status == "blocked":
        raise CrawlFailed(f"{report}\nThe site blocked the crawler (HTTP 403 / challenge pages).")
    if status != "finished" and stats.get("layout_warnings"):
        raise CrawlFailed(f"{report}\nNo article was found and the site's navigation was missing: "
                          "has the layout changed? See the crawler log above.")
    if status != "finished":
        raise CrawlFailed(f"{report}\nThe crawl did not finish; see the crawler log above.")
    return report


def _run_scrapy(spider: str, spider_args: dict, run_id: int, dsn: str) -> int:
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"WXRB_CRAWL_RUN_ID={run_id}"]
    for name, value in spider_args.items():
        command += ["-a", f"{name}={value}"]
    env = {**os.environ, "DATABASE_URL": dsn, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    process = subprocess.Popen(
        command, cwd=config.PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, errors="replace",
    )
    try:
        for line in process.stdout:  # stream into our log: visible in the Airflow task log
            log.info("[scrapy] %s", line.rstrip())
        return process.wait()
    finally:
        if process.poll() is None:  # we are being stopped: stop the crawler too
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _finish(conn, run_id: int, status: str, stats: dict) -> None:
    conn.execute(
        "UPDATE crawl_runs SET status = %s, finished_at = now(), stats = stats || %s WHERE id = %s",
        [status, Jsonb(stats), run_id],
    )


def process() -> StageReport:
    with db.connect(db.database_url()) as conn:
        report = process_pending(conn)
    log.info("%s", report)
    return report


def compute_idf() -> str | None:
    """A new corpus IDF version from every article (what the DAG wxrb_corpus_idf runs)."""
    from processing import idf

    with db.connect(db.database_url(), autocommit=True) as conn:
        return idf.compute(conn)


def reprocess(since: date | None = None, until: date | None = None, parser: str | None = None,
              version: str | None = None) -> StageReport:
    """Extract stored raw pages again (URL dates in [since, until]); no crawling."""
    with db.connect(db.database_url()) as conn:
        report = stage_reprocess(conn, since, until, parser, version)
    log.info("%s", report)
    return report


def check_quality(crawl_run_ids: list[int]) -> dict:
    """Fail when a crawl stored new pages but nothing was loaded, or a body kept a footer."""
    with db.connect(db.database_url()) as conn:
        per_run = conn.execute(
            "SELECT c.id, c.spider, count(r.id), count(p.raw_page_id) FILTER (WHERE p.status = 'loaded'),"
            " count(p.raw_page_id) FILTER (WHERE p.status = 'flagged')"
            " FROM crawl_runs c LEFT JOIN raw_pages r ON r.crawl_run_id = c.id"
            " LEFT JOIN raw_page_processing p ON p.raw_page_id = r.id"
            " WHERE c.id = ANY(%s) GROUP BY c.id, c.spider ORDER BY c.id",
            [list(crawl_run_ids)],
        ).fetchall()
        dirty = [row[0] for row in conn.execute(
            "SELECT a.url FROM articles a JOIN raw_pages r ON r.id = a.raw_page_id"
            " WHERE r.crawl_run_id = ANY(%s) AND a.body LIKE ANY(%s) ORDER BY a.url LIMIT 5",
            [list(crawl_run_ids), [f"%{m}%" for m in boilerplate.FOOTER_MARKERS]],
        )]
    result = {
        "new_pages": sum(row[2] for row in per_run),
        "articles_loaded": sum(row[3] for row in per_run),
        "pages_flagged": sum(row[4] for row in per_run),
        "by_source": {source: {"new_pages": new, "articles_loaded": loaded, "pages_flagged": flagged}
                      for _, source, new, loaded, flagged in per_run},
        "bodies_with_footer": dirty,
    }
    if result["pages_flagged"]:
        log.warning("%d pages were flagged as garbled and not loaded: see raw_page_processing (status 'flagged')",
                    result["pages_flagged"])
    failing = [f"{source} (crawl run {run_id}: {new} new pages)"
               for run_id, source, new, loaded, _ in per_run if new and not loaded]
    if failing:
        raise QualityCheckFailed(
            f"new pages were stored but no article was loaded from them: {', '.join(failing)}. "
            "Extraction is failing (layout change?); see raw_page_processing.message"
        )
    if dirty:
        raise QualityCheckFailed(f"loaded bodies still contain footer/licence text: {', '.join(dirty)}")
    log.info("quality checks passed: %s", result)
    return result


def write_report(day: date) -> str:
    """The HTML run report of ``day`` and the week before it (wxrb/report.py); returns its path."""
    from wxrb import report

    with db.connect(db.database_url()) as conn:
        path = report.build(conn, day)
    log.info("run report written to %s", path)
    return str(path)
