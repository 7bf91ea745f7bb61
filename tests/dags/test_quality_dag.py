"""The quality checks, the Asset and wxrb_maintenance, run by real Airflow on the loaded replica:
a check fails the task naming what failed; a daily run marks the articles Asset updated."""

import json

import psycopg
import pytest

from tests.conftest import REPLICA_END, REPLICA_START, fresh_database
from wxrb import airflow_env, config

pytestmark = pytest.mark.e2e
RUN = "2026-11-21T06:00:00+08:00"
# The checks are then re-run alone, in a run of their own (a run's conf would override the task
# params), over the last two days, with 10 days of history before them.
CHECK_RUN = "2026-11-22T06:17:00+08:00"  # a date no other test runs (a run of that date would be reused)
LAST_DAYS = ("--task-params", json.dumps({"since": "2026-11-20", "until": "2026-11-21"}))


def metadata() -> psycopg.Connection:
    return psycopg.connect(airflow_env.metadata_url().replace("postgresql+psycopg://", "postgresql://"))


@pytest.fixture(scope="module")
def airflow(pg_server, replica):
    dsn = fresh_database(pg_server, "quality_dag")
    env = airflow_env.environment({
        "DATABASE_URL": dsn,
        "WXRB_PORTAL_URL": replica.base_url,
        "WXRB_EPAPER_URL": replica.base_url,
        "WXRB_CRAWL_PROFILE": "replica",
        "WXRB_RETRY_DELAY_S": "1",
    })
    airflow_env.ensure_migrated(env)

    def run(*args):
        """(exit code, output); for `tasks test`, whose exit code is 0 whatever happened (and whose
        temporary run is deleted afterwards), 1 unless its log shows the task ending in success."""
        result = airflow_env.airflow(list(args), env, capture_output=True, text=True)
        output = result.stdout + result.stderr
        code = result.returncode
        if args[:2] == ("tasks", "test") and "new_state=success" not in output:
            code = code or 1
        return code, output

    conf = json.dumps({"since": REPLICA_START.isoformat(), "until": REPLICA_END.isoformat()})
    code, output = run("dags", "test", "wxrb_daily", RUN, "--conf", conf)
    assert code == 0, output[-5000:]
    return dsn, run


def test_every_check_ran_and_passed_on_the_replica(airflow):
    with metadata() as conn:
        states = dict(conn.execute(
            "SELECT task_id, state FROM task_instance WHERE dag_id = 'wxrb_daily' AND run_id = ("
            " SELECT run_id FROM dag_run WHERE dag_id = 'wxrb_daily' ORDER BY id DESC LIMIT 1)"))
    checks = {t: s for t, s in states.items() if t.startswith("quality.")}
    assert len(checks) == 5 and set(checks.values()) == {"success"}, states


def test_a_daily_run_marks_the_articles_asset_updated(airflow):
    with metadata() as conn:
        events = conn.execute(
            "SELECT e.source_dag_id, e.source_task_id FROM asset_event e JOIN asset a ON a.id = e.asset_id"
            " WHERE a.uri = %s", [config.ARTICLES_ASSET_URI]).fetchall()
    assert ("wxrb_daily", "refresh_views") in events


def test_a_body_with_footer_text_fails_check_days_naming_the_check(airflow):
    dsn, run = airflow
    with psycopg.connect(dsn) as conn:
        article_id, body = conn.execute(
            "SELECT id, body FROM articles WHERE (published_at AT TIME ZONE 'Asia/Shanghai')::date = '2026-11-21'"
            " ORDER BY id LIMIT 1").fetchone()
        conn.execute("UPDATE articles SET body = body || '\n版权所有 无锡日报社' WHERE id = %s", [article_id])
    try:
        code, output = run("tasks", "test", "wxrb_daily", "quality.check_days", CHECK_RUN, *LAST_DAYS)
        passed_elsewhere, _ = run("tasks", "test", "wxrb_daily", "quality.check_columns", CHECK_RUN, *LAST_DAYS)
    finally:
        with psycopg.connect(dsn) as conn:
            conn.execute("UPDATE articles SET body = %s WHERE id = %s", [body, article_id])
    assert code != 0
    assert "no_footer_or_licence_text" in output
    assert passed_elsewhere == 0


def test_a_field_a_redesign_empties_fails_check_drift_naming_site_and_field(airflow):
    dsn, run = airflow
    with psycopg.connect(dsn) as conn:
        saved = conn.execute(
            "SELECT id, authors FROM articles WHERE site = 'portal'"
            " AND (published_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '2026-11-20' AND '2026-11-21'").fetchall()
        conn.execute("UPDATE articles SET authors = '{}' WHERE id = ANY(%s)", [[i for i, _ in saved]])
    try:
        code, output = run("tasks", "test", "wxrb_daily", "quality.check_drift", CHECK_RUN, *LAST_DAYS)
    finally:
        with psycopg.connect(dsn) as conn:
            for article_id, authors in saved:
                conn.execute("UPDATE articles SET authors = %s WHERE id = %s", [authors, article_id])
    assert code != 0, output[-3000:]
    assert f"portal: authors filled in 0% of {len(saved)} articles of 2026-11-20..2026-11-21" in output
    code, output = run("tasks", "test", "wxrb_daily", "quality.check_drift", CHECK_RUN, *LAST_DAYS)
    assert code == 0, output[-3000:]


def test_maintenance_dag_runs_green(airflow):
    dsn, run = airflow
    code, output = run("dags", "test", "wxrb_maintenance", "2026-11-23T05:00:00+08:00")
    assert code == 0, output[-5000:]
    with psycopg.connect(dsn) as conn:
        versions = conn.execute("SELECT count(*) FROM corpus_idf_versions").fetchone()[0]
    assert versions == 1
    assert "VACUUM (ANALYZE) done on" in output and "retention:" in output
