"""wxrb_reprocess run by real Airflow (`airflow dags test`) on pages already stored."""

import json
from datetime import date

import psycopg
import pytest

from wxrb import airflow_env, jobs

pytestmark = pytest.mark.e2e

DAY = date(2026, 11, 20)


def processed_at(dsn) -> dict[str, object]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute(
            "SELECT r.url, p.processed_at FROM raw_page_processing p JOIN raw_pages r ON r.id = p.raw_page_id"
        ).fetchall())


def test_reprocess_dag_reextracts_only_the_chosen_pages_and_adds_no_version(crawl_env, replica):
    jobs.crawl("portal", DAY, DAY)
    jobs.crawl("epaper_wxrb", DAY, date(2026, 11, 21))
    jobs.process()
    before = processed_at(crawl_env)
    with psycopg.connect(crawl_env) as conn:
        versions_before = conn.execute("SELECT count(*), max(version) FROM article_versions").fetchone()

    env = airflow_env.environment({"DATABASE_URL": crawl_env, "WXRB_RETRY_DELAY_S": "1"})
    airflow_env.ensure_migrated(env)
    conf = json.dumps({"since": str(DAY), "until": str(DAY), "parser": "szb"})
    result = airflow_env.airflow(["dags", "test", "wxrb_reprocess", "--conf", conf], env,
                                 capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    after = processed_at(crawl_env)
    moved = {url for url in after if after[url] != before[url]}
    szb_on_day = {url for url in before if "/pc/content/202611/20/" in url}
    assert szb_on_day and moved == szb_on_day  # not the portal, not the next day's edition
    with psycopg.connect(crawl_env) as conn:
        assert conn.execute("SELECT count(*), max(version) FROM article_versions").fetchone() == versions_before
