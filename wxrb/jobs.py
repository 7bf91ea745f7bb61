"""The steps of the daily job, shared by the ``wxrb`` CLI and the Airflow DAGs.

Each step takes plain arguments (dates, ids), returns counts, and is safe to re-run.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
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
        try:
            # the crawlers of one site share its request budget (config.SITE_POOLS)
            returncode, stopped_by = _run_scrapy(spider, spider_args, run_id, dsn, config.crawl_delay_s(source))
        except BaseException as exc:  # e.g. the task's execution timeout: never leave the run 'running'
            _finish(conn, run_id, "failed", {"error": f"crawl interrupted: {type(exc).__name__}: {exc}"})
            raise
        status, stats = conn.execute("SELECT status, stats FROM crawl_runs WHERE id = %s", [run_id]).fetchone()
        if stopped_by:  # Scrapy recorded its counters; say why it ended early
            error = {"error": f"stopped by {stopped_by} (task killed, timed out or worker shutting down)",
                     "stopped_by": stopped_by}
            status, stats = "failed", {**stats, **error}
            _finish(conn, run_id, status, error)
        elif status == "running":  # the crawler died before it could record its end
            status, stats = "failed", {"error": f"scrapy exited with code {returncode}"}
            _finish(conn, run_id, status, stats)
    report = CrawlReport(run_id, status, stats)
    log.info("%s", report)
    if stopped_by:
        raise CrawlFailed(f"{report}\nThe crawl was stopped by {stopped_by}. The pages stored so far are "
                          "kept; the next try fetches only the articles still missing.")
    if status == "blocked":
        raise CrawlFailed(f"{report}\nThe site blocked the crawler (HTTP 403 / challenge pages).")
    if status != "finished" and stats.get("layout_warnings"):
        raise CrawlFailed(f"{report}\nNo article was found and the site's navigation was missing: "
                          "has the layout changed? See the crawler log above.")
    if status != "finished":
        raise CrawlFailed(f"{report}\nThe crawl did not finish; see the crawler log above.")
    return report


def _run_scrapy(spider: str, spider_args: dict, run_id: int, dsn: str,
                delay_s: float = 1.0) -> tuple[int, str | None]:
    """Run Scrapy and return its exit code and the signal that stopped it early (None if none).

    Airflow stops a task with SIGTERM to the task's process group. We pass it on to Scrapy exactly
    once, so that Scrapy shuts down gracefully: it stores the pages it holds and records its end.
    Scrapy has a process group of its own because a second SIGTERM would make it quit at once;
    if this process dies without warning, Scrapy stops by itself (scrapers/extensions.py).
    """
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"WXRB_CRAWL_RUN_ID={run_id}"]
    for name, value in spider_args.items():
        command += ["-a", f"{name}={value}"]
    env = {**os.environ, "DATABASE_URL": dsn, "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
           "WXRB_CRAWL_PARENT_PID": str(os.getpid()), "WXRB_DOWNLOAD_DELAY_S": str(delay_s)}
    process = subprocess.Popen(
        command, cwd=config.PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, errors="replace", process_group=0,
    )
    stopped_by: list[str] = []

    def stop_crawler(signum, frame):
        if not stopped_by:
            stopped_by.append(signal.Signals(signum).name)
            log.warning("%s received: stopping the crawler; it stores the pages it holds", stopped_by[0])
            process.terminate()
        if callable(previous):  # e.g. Airflow's own handler, which calls the operator's on_kill()
            previous(signum, frame)

    # Handlers can only be set from the main thread (elsewhere our caller handles signals), and
    # only replaced when the one in place was set from Python, so that it can be put back.
    previous = signal.getsignal(signal.SIGTERM)
    handle = threading.current_thread() is threading.main_thread() and previous is not None
    if handle:
        signal.signal(signal.SIGTERM, stop_crawler)
    try:
        for line in process.stdout:  # stream into our log: visible in the Airflow task log
            log.info("[scrapy] %s", line.rstrip())
        return process.wait(), (stopped_by[0] if stopped_by else None)
    finally:
        if handle:
            signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:  # we are being stopped (timeout, Ctrl-C): stop the crawler too
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


def process(cluster: bool = True) -> StageReport:
    """Extract and load every raw page not processed yet; ``cluster=False`` leaves stories to enrich()."""
    with db.connect(db.database_url()) as conn:
        report = process_pending(conn, cluster=cluster)
    log.info("%s", report)
    return report


def enrich() -> StageReport:
    """NLP output brought up to date (newer dictionaries), then new articles clustered into stories."""
    from processing.stage import enrich_pending

    with db.connect(db.database_url()) as conn:
        report = enrich_pending(conn)
    log.info("enrich: %d articles enriched again, %d clustered into stories", report.loaded, report.clustered)
    return report


def compute_idf() -> str | None:
    """A new corpus IDF version from every article (what the DAG wxrb_maintenance runs)."""
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


class DriftDetected(QualityCheckFailed):
    pass


# The fields whose fill rate check_drift watches, as named in the view article_quality_per_day.
DRIFT_FIELDS = ("title", "published_at", "body", "authors", "source", "channel", "editor", "kicker",
                "subtitle", "page_no", "lead", "images")


def check_drift(since: date, until: date) -> dict:
    """Compare each site's field fill rates over [since, until] with the trailing days before it.

    A field whose rate drops below ``ratio`` × its trailing mean, by at least ``min_drop``, and
    so far that chance alone would explain it less than ``max_chance`` of the time (binomial, at
    the trailing rate: five articles without images on a day is chance, twenty without authors is
    not), fails the check with the site and the field named: the typical sign of a site redesign
    that the parser no longer follows. Sites with too few articles today or too little history are
    reported and skipped (settings: config.drift_settings()).
    """
    s = config.drift_settings()
    columns = ", ".join(
        f"sum({f}_fill * articles) FILTER (WHERE day >= %(since)s) / nullif(sum(articles) FILTER (WHERE day >= %(since)s), 0),"
        f" avg({f}_fill) FILTER (WHERE day < %(since)s)"
        for f in DRIFT_FIELDS)
    sql = (f"SELECT site, coalesce(sum(articles) FILTER (WHERE day >= %(since)s), 0),"
           f" count(*) FILTER (WHERE day < %(since)s), {columns}"
           " FROM article_quality_per_day"
           " WHERE day BETWEEN %(since)s::date - %(days)s::int AND %(until)s GROUP BY site ORDER BY site")
    with db.connect(db.database_url()) as conn:
        rows = conn.execute(sql, {"since": since, "until": until, "days": s["days"]}).fetchall()
    result, drops = {}, []
    for site, today_articles, history_days, *rates in rows:
        today_articles = int(today_articles)
        fields = {f: (rates[2 * i], rates[2 * i + 1]) for i, f in enumerate(DRIFT_FIELDS)}
        if today_articles < s["min_articles"] or history_days < s["min_days"]:
            result[site] = {"skipped": f"{today_articles} articles in the window, {history_days} days of history"}
            continue
        result[site] = {f: {"now": round(now, 3), "trailing": round(before, 3)}
                        for f, (now, before) in fields.items() if now is not None and before is not None}
        for field, (now, before) in fields.items():
            if now is None or before is None:
                continue
            filled = round(now * today_articles)
            if (now < s["ratio"] * before and before - now >= s["min_drop"]
                    and binomial_cdf(filled, today_articles, before) < s["max_chance"]):
                drops.append(f"{site}: {field} filled in {now:.0%} of {today_articles} articles of "
                             f"{since}..{until}, against {before:.0%} over the {history_days} days before")
    for site, fields in result.items():
        log.info("fill rates of %s: %s", site, fields)
    if drops:
        raise DriftDetected(
            "extraction drift: " + "; ".join(drops)
            + ". A site redesign? Compare a page of these days with its parser (wxrb extract FILE --url URL).")
    judged = [site for site, fields in result.items() if "skipped" not in fields]
    if judged:
        log.info("no extraction drift over %s..%s against the trailing %d days (%s)", since, until, s["days"],
                 ", ".join(judged))
    else:
        log.info("extraction drift not judged over %s..%s: no site has enough articles and history", since, until)
    return result


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p): how likely k or fewer filled out of n at rate p.
    In log space, so that a backfill window of thousands of articles does not overflow."""
    from math import exp, lgamma, log

    if p <= 0 or k >= n:
        return 1.0
    if p >= 1:
        return 0.0
    return min(1.0, sum(exp(lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) + i * log(p) + (n - i) * log(1 - p))
                        for i in range(k + 1)))


def refresh_views() -> list[str]:
    """Refresh every materialized analyst view, concurrently (readers are never blocked)."""
    with db.connect(db.database_url(), autocommit=True) as conn:
        names = [name for (name,) in conn.execute(
            "SELECT matviewname FROM pg_matviews WHERE schemaname = current_schema() ORDER BY 1")]
        for name in names:
            conn.execute(f'REFRESH MATERIALIZED VIEW CONCURRENTLY "{name}"')
            log.info("refreshed materialized view %s", name)
    return names


def prune_raw_pages(older_than_days: int | None = None) -> dict:
    """Delete superseded raw pages fetched more than ``older_than_days`` ago.

    A raw page is superseded when the same URL was fetched again later with another content. It
    is kept, whatever its age, while an article or an article version points to it: the text an
    analyst sees can always be traced to the bytes it came from.
    """
    days = config.raw_retention_days() if older_than_days is None else older_than_days
    with db.connect(db.database_url()) as conn, conn.transaction():
        deleted = conn.execute(
            "DELETE FROM raw_pages r"
            " WHERE r.fetched_at < now() - make_interval(days => %s)"
            "   AND EXISTS (SELECT FROM raw_pages newer WHERE newer.url = r.url AND newer.fetched_at > r.fetched_at)"
            "   AND NOT EXISTS (SELECT FROM articles a WHERE a.raw_page_id = r.id)"
            "   AND NOT EXISTS (SELECT FROM article_versions v WHERE v.raw_page_id = r.id)"
            " RETURNING octet_length(r.body)",
            [days],
        ).fetchall()
    result = {"deleted": len(deleted), "bytes": sum(n for (n,) in deleted), "older_than_days": days}
    log.info("retention: %d superseded raw pages older than %d days deleted (%d bytes)",
             result["deleted"], days, result["bytes"])
    return result


def vacuum_analyze() -> list[str]:
    """VACUUM (ANALYZE) the project's tables, so the planner's statistics follow the daily loads."""
    with db.connect(db.database_url(), autocommit=True) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]
        for table in tables:
            conn.execute(f'VACUUM (ANALYZE) "{table}"')
    log.info("VACUUM (ANALYZE) done on %d tables", len(tables))
    return tables

