"""wxrb_daily run by real Airflow (`airflow dags test`) against the replica and PostgreSQL."""

import json
import socket

import psycopg
import pytest

from processing.urls import canonical_url
from wxrb import airflow_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def airflow_run(replica, dsn):
    def run(*args, portal_url=None):
        env = airflow_env.environment({
            "DATABASE_URL": dsn,
            "WXRB_PORTAL_URL": portal_url or replica.base_url,
            "WXRB_EPAPER_URL": replica.base_url,
            "WXRB_CRAWL_PROFILE": "replica",
            "WXRB_RETRY_DELAY_S": "1",
        })
        airflow_env.ensure_migrated(env)
        return airflow_env.airflow(["dags", "test", "wxrb_daily", *args], env, capture_output=True, text=True)

    return run


def daily(manifest) -> list[dict]:
    """What wxrb_daily crawls: the portal and the two szb e-papers (not the old system)."""
    return manifest["articles"] + [a for a in manifest["epaper_articles"] if a["site"] in ("epaper_wxrb", "epaper_jnwb")]


def table_counts(dsn) -> dict:
    with psycopg.connect(dsn) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("raw_pages", "articles", "article_keywords", "raw_page_processing")}


def test_scheduled_run_crawls_its_data_interval_and_reruns_add_nothing(airflow_run, dsn, manifest, replica):
    # The run at 2026-11-21 06:00 Shanghai covers [11-20 06:00, 11-21 06:00): URL dates 11-20 and 11-21.
    result = airflow_run("2026-11-21T06:00:00+08:00")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    expected = {canonical_url(replica.base_url + a["url"]) for a in daily(manifest)
                if a["date"] in ("2026-11-20", "2026-11-21")}
    with psycopg.connect(dsn) as conn:
        urls = {url for (url,) in conn.execute("SELECT url FROM articles")}
        windows = set(conn.execute("SELECT window_since::text, window_until::text, run_key FROM crawl_runs"))
    assert len(windows) == 1, windows  # the three crawls of the run share one window
    window = windows.pop()
    assert window[:2] == ("2026-11-20", "2026-11-21")
    assert urls == expected
    assert window[2].startswith("manual__")
    first = table_counts(dsn)

    again = airflow_run("2026-11-21T06:00:00+08:00")
    assert again.returncode == 0, again.stdout[-4000:]
    assert table_counts(dsn) == first


def test_params_widen_the_window_for_a_manual_run(airflow_run, dsn, manifest):
    conf = json.dumps({"since": manifest["start_date"], "until": manifest["end_date"]})
    result = airflow_run("2026-11-22T06:00:00+08:00", "--conf", conf)
    assert result.returncode == 0, result.stdout[-4000:]
    with psycopg.connect(dsn) as conn:
        n_articles, with_footer = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE body ~ '(ICP[备備]|版[权權]所有|新[闻聞]信息服[务務]|Copyright)')"
            " FROM articles"
        ).fetchone()
    assert n_articles == len(daily(manifest))
    assert with_footer == 0

    # The same window with revalidate: every stored article answers 304, nothing is added.
    before = table_counts(dsn)
    revalidate = json.dumps({"since": manifest["start_date"], "until": manifest["end_date"], "revalidate": True})
    result = airflow_run("2026-11-22T06:00:00+08:00", "--conf", revalidate)
    assert result.returncode == 0, result.stdout[-4000:]
    assert table_counts(dsn) == before
    with psycopg.connect(dsn) as conn:
        not_modified = conn.execute(
            "SELECT sum((stats->>'articles_not_modified')::int) FROM crawl_runs"
            " WHERE id > (SELECT min(id) + 2 FROM crawl_runs)"
        ).fetchone()[0]
    assert not_modified == len(daily(manifest))


def test_unreachable_site_fails_the_run_with_the_reason(airflow_run):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = airflow_run("2026-11-20T06:00:00+08:00", portal_url=f"http://127.0.0.1:{port}")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "cannot reach" in output and "make demo" in output
