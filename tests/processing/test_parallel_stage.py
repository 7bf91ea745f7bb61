"""The processing stage on worker processes: the same rows as in one process, and a killed
worker loses nothing that was committed and duplicates nothing on the rerun."""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from processing import settings, stage
from tests.conftest import REPLICA_END, REPLICA_START, fresh_database
from wxrb import config, db, jobs

SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")

# What a run leaves in the database, ids and clocks left out.
SNAPSHOT = {
    "articles": "SELECT url, content_hash, title, body, published_at, authors, title_tokens, body_tokens,"
                " minhash, nlp_version, parser_version FROM articles",
    "keywords": "SELECT a.url, k.method, k.rank, k.keyword, k.weight FROM article_keywords k"
                " JOIN articles a ON a.id = k.article_id",
    "entities": "SELECT a.url, e.kind, e.name, e.mentions, e.role FROM article_entities e"
                " JOIN articles a ON a.id = e.article_id",
    "figures": "SELECT a.url, f.ordinal, f.raw, f.value FROM article_figures f JOIN articles a ON a.id = f.article_id",
    "processing": "SELECT r.url, p.status, p.parser_version FROM raw_page_processing p"
                  " JOIN raw_pages r ON r.id = p.raw_page_id",
    "versions": "SELECT a.url, v.content_hash FROM article_versions v JOIN articles a ON a.id = v.article_id",
}


@pytest.fixture(scope="module")
def crawled(pg_server, replica):
    """A database holding the whole replica's raw pages, nothing processed: the template of each test."""
    dsn = fresh_database(pg_server, "parallel_src")
    env = {"DATABASE_URL": dsn, "WXRB_PORTAL_URL": replica.base_url, "WXRB_EPAPER_URL": replica.base_url,
           "WXRB_CRAWL_PROFILE": "replica"}
    with config.environ(env):
        jobs.migrate()
        for source in SOURCES:
            jobs.crawl(source, REPLICA_START, REPLICA_END)
    return dsn


def copy_of(pg_server: str, template_dsn: str) -> str:
    template = psycopg.conninfo.conninfo_to_dict(template_dsn)["dbname"]
    target = fresh_database(pg_server, "parallel")
    name = psycopg.conninfo.conninfo_to_dict(target)["dbname"]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return target


def snapshot(dsn: str) -> dict[str, list]:
    with psycopg.connect(dsn) as conn:
        return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in SNAPSHOT.items()}


def process(dsn: str, **kwargs) -> stage.StageReport:
    with db.connect(dsn) as conn:
        return stage.process_pending(conn, **kwargs)


@pytest.fixture(scope="module")
def serial(pg_server, crawled):
    """The replica processed in this process, the reference for the parallel runs."""
    dsn = copy_of(pg_server, crawled)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WXRB_PROCESS_WORKERS", "1")
        report = process(dsn)
    return report, snapshot(dsn)


def test_a_large_run_uses_every_worker_and_a_small_one_none(monkeypatch):
    monkeypatch.setenv("WXRB_PROCESS_WORKERS", "2")
    assert stage.worker_count(settings.PARALLEL_MIN_PAGES - 1) == 1
    assert stage.worker_count(settings.PARALLEL_MIN_PAGES) == 2
    monkeypatch.setenv("WXRB_PROCESS_WORKERS", "0")
    with pytest.raises(ValueError, match="WXRB_PROCESS_WORKERS"):
        stage.worker_count(settings.PARALLEL_MIN_PAGES)


def test_workers_write_exactly_what_one_process_writes(pg_server, crawled, serial, monkeypatch, caplog):
    serial_report, expected = serial
    assert serial_report.loaded > 400
    dsn = copy_of(pg_server, crawled)
    monkeypatch.setenv("WXRB_PROCESS_WORKERS", "2")
    monkeypatch.setattr(settings, "PARALLEL_MIN_PAGES", 1)
    with caplog.at_level(logging.INFO, logger="processing.stage"):
        report = process(dsn, batch_size=100)
    assert "on 2 worker processes" in caplog.text
    assert (report.loaded, report.skipped, report.flagged, report.new_versions) == (
        serial_report.loaded, serial_report.skipped, serial_report.flagged, serial_report.new_versions)
    assert snapshot(dsn) == expected
    assert process(dsn).pending == 0  # nothing left, nothing done twice


def test_a_killed_worker_keeps_the_committed_batches_and_the_rerun_completes(pg_server, crawled, serial,
                                                                            monkeypatch):
    _, expected = serial
    dsn = copy_of(pg_server, crawled)
    monkeypatch.setenv("WXRB_PROCESS_WORKERS", "2")
    monkeypatch.setattr(settings, "PARALLEL_MIN_PAGES", 1)
    batch = 50
    killed: list[int] = []

    def kill_a_worker_after_the_first_batch():
        with psycopg.connect(dsn, autocommit=True) as conn:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if conn.execute("SELECT count(*) FROM raw_page_processing").fetchone()[0] >= batch:
                    workers = [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]
                    if workers:
                        os.kill(workers[0].pid, signal.SIGKILL)
                        killed.append(workers[0].pid)
                        return
                time.sleep(0.05)

    killer = threading.Thread(target=kill_a_worker_after_the_first_batch)
    killer.start()
    try:
        with pytest.raises(RuntimeError, match="worker process died") as failure:
            process(dsn, batch_size=batch)
    finally:
        killer.join()
    assert killed, "no worker process was found to kill"
    assert "WXRB_PROCESS_WORKERS=1" in str(failure.value)
    with psycopg.connect(dsn) as conn:
        done = conn.execute("SELECT count(*) FROM raw_page_processing").fetchone()[0]
        loaded = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    total = len(expected["processing"])
    assert batch <= done < total and done % batch == 0, f"{done} pages recorded: whole batches only"
    assert 0 < loaded <= done

    rerun = process(dsn, batch_size=batch)
    assert rerun.pending == total - done
    assert snapshot(dsn) == expected


def test_workers_exit_when_the_task_process_is_killed(pg_server, crawled):
    """A SIGKILLed task (a timeout, a lost Celery worker) must not leave its workers running."""
    dsn = copy_of(pg_server, crawled)
    env = {**os.environ, "DATABASE_URL": dsn, "WXRB_PROCESS_WORKERS": "2"}
    wxrb = subprocess.Popen([str(Path(sys.executable).parent / "wxrb"), "process"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and wxrb.poll() is None:
            workers = [p for p in psutil.Process(wxrb.pid).children() if "spawn_main" in " ".join(p.cmdline())]
            time.sleep(0.1)
        assert len(workers) == 2, "wxrb process should have started two workers"
        wxrb.kill()
        wxrb.wait(timeout=10)
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"workers left behind: {[p.pid for p in alive]}"
    finally:
        for process in workers:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        if wxrb.poll() is None:
            wxrb.kill()
