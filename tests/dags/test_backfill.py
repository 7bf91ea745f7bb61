"""Airflow's own backfill of wxrb_daily, run by a real scheduler against the replica."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from processing.urls import canonical_url
from tests.dags import airflow_api
from tests.dags.conftest import airflow_processes, free_port
from tests.dags.test_airflow_standalone import alive
from wxrb import airflow_env

pytestmark = pytest.mark.e2e
WXRB = str(Path(sys.executable).parent / "wxrb")


class Airflow:
    """`wxrb airflow standalone` on a free port, with a logged-in API client."""

    def __init__(self, env: dict, log: Path):
        self.env, self.base = env, f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}"
        self.process = subprocess.Popen([WXRB, "airflow", "standalone"], env=env, start_new_session=True,
                                        stdout=open(log, "a"), stderr=subprocess.STDOUT)
        self.token = None

    def wait_up(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/api/v2/monitor/health", timeout=3).close()
                user, password = airflow_env.login()
                self.token = self.call("POST", "/auth/token", {"username": user, "password": password})["access_token"]
                return
            except (urllib.error.URLError, OSError):
                time.sleep(2)
        pytest.fail("Airflow did not come up")

    def call(self, method: str, path: str, body: dict | None = None):
        return airflow_api.call(self.base, method, path, body, self.token)

    def cli(self, *args):
        return subprocess.run([WXRB, "airflow", *args], env=self.env, capture_output=True, text=True, timeout=300)

    def backfill_runs(self):
        return self.call("GET", "/api/v2/dags/wxrb_daily/dagRuns?run_type=backfill&limit=100")["dag_runs"]

    def stop(self):
        started = airflow_processes(self.process.pid)
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)
        time.sleep(1)
        assert alive(started) == []


@pytest.fixture
def airflow_db(pg_server, request) -> str:
    """Airflow metadata of its own per test: backfills of one DAG must not meet across tests."""
    name = f"airflow_{request.node.name[:40].lower()}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.replace("postgresql://", "postgresql+psycopg://").replace("/postgres?", f"/{name}?")


def daily_articles(manifest, replica, days):
    published = manifest["articles"] + [a for a in manifest["epaper_articles"]
                                        if a["site"] in ("epaper_wxrb", "epaper_jnwb")]
    return {canonical_url(replica.base_url + a["url"]) for a in published if a["date"] in days}


def test_backfill_creates_one_run_per_interval_and_loads_exactly_their_windows(
    replica, manifest, dsn, airflow_db, tmp_path
):
    env = {**os.environ, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_db, "AIRFLOW__API__PORT": str(free_port()), "WXRB_CRAWL_PROFILE": "replica",
           "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the backfill's runs, no scheduled one
           "WXRB_RETRY_DELAY_S": "2", **{v: replica.base_url for v in
                                          ("WXRB_PORTAL_URL", "WXRB_EPAPER_URL", "WXRB_OLD_EPAPER_URL")}}
    airflow = Airflow(env, tmp_path / "airflow.log")
    try:
        airflow.wait_up()
        assert airflow.cli("dags", "unpause", "wxrb_daily").returncode == 0  # a paused DAG is not backfilled
        # Logical dates 11-19 06:00 and 11-20 06:00: data intervals ending 11-20 and 11-21 06:00.
        created = airflow.cli("backfill", "create", "--dag-id", "wxrb_daily",
                              "--from-date", "2026-11-19T06:00:00+08:00", "--to-date", "2026-11-20T06:00:00+08:00",
                              "--max-active-runs", "1")
        assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-2000:]
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline:
            runs = airflow.backfill_runs()
            if len(runs) == 2 and all(r["state"] in ("success", "failed") for r in runs):
                break
            time.sleep(5)
        assert sorted(r["state"] for r in runs) == ["success", "success"], runs
    finally:
        airflow.stop()

    with psycopg.connect(dsn) as conn:
        urls = [url for (url,) in conn.execute("SELECT url FROM articles")]
        windows = set(conn.execute("SELECT window_since::text, window_until::text FROM crawl_runs"))
    assert windows == {("2026-11-19", "2026-11-20"), ("2026-11-20", "2026-11-21")}
    assert len(urls) == len(set(urls))
    assert set(urls) == daily_articles(manifest, replica, {"2026-11-19", "2026-11-20", "2026-11-21"})


def kill_everything(airflow: Airflow) -> None:
    """SIGKILL every Airflow process, task runners included (they sit in process groups of
    their own): what a power cut or an OOM kill of the whole machine looks like."""
    for proc in airflow_processes(airflow.process.pid) + [__import__("psutil").Process(airflow.process.pid)]:
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
    airflow.process.wait(timeout=30)


def test_backfill_killed_mid_way_completes_after_a_restart(replica, manifest, dsn, airflow_db, tmp_path):
    env = {**os.environ, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_db, "AIRFLOW__API__PORT": str(free_port()), "WXRB_CRAWL_PROFILE": "replica",
           "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
           "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "10",  # adopt a dead scheduler's tasks soon
           "WXRB_RETRY_DELAY_S": "2", **{v: replica.base_url for v in
                                          ("WXRB_PORTAL_URL", "WXRB_EPAPER_URL", "WXRB_OLD_EPAPER_URL")}}
    airflow = Airflow(env, tmp_path / "airflow.log")
    try:
        airflow.wait_up()
        assert airflow.cli("dags", "unpause", "wxrb_daily").returncode == 0
        created = airflow.cli("backfill", "create", "--dag-id", "wxrb_daily", "--max-active-runs", "1",
                              "--from-date", "2026-11-15T06:00:00+08:00", "--to-date", "2026-11-17T06:00:00+08:00")
        assert created.returncode == 0, created.stderr[-2000:]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # wait until the first run is done and the next has started
            states = sorted(r["state"] for r in airflow.backfill_runs())
            if "success" in states and "running" in states:
                break
            time.sleep(1)
        else:
            pytest.fail(f"the backfill never got going: {states}")
    finally:
        kill_everything(airflow)

    airflow = Airflow(env, tmp_path / "airflow.log")  # the same database: the backfill is still there
    try:
        airflow.wait_up()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            runs = airflow.backfill_runs()
            if len(runs) == 3 and all(r["state"] in ("success", "failed") for r in runs):
                break
            time.sleep(5)
        assert sorted(r["state"] for r in runs) == ["success"] * 3, runs
    finally:
        airflow.stop()

    with psycopg.connect(dsn) as conn:
        stored = [url for (url,) in conn.execute("SELECT url FROM raw_pages")]
        urls = [url for (url,) in conn.execute("SELECT url FROM articles")]
    assert len(stored) == len(set(stored)) and len(urls) == len(set(urls))  # no duplicates
    assert set(urls) == daily_articles(manifest, replica, {f"2026-11-{d}" for d in range(15, 19)})  # no gaps
