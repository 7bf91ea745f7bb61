"""Every DAG file imports cleanly and carries what ops rely on."""

import pytest

from wxrb import config


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    import os

    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow-home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(config.DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "wxrb_daily" in dagbag.dags


def test_every_dag_has_tags_owner_doc_retries_and_timeouts(dagbag):
    assert set(dagbag.dags) == {"wxrb_daily", "wxrb_reprocess", "wxrb_maintenance"}
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert dag.doc_md, f"{dag_id} has no doc_md"
        for task in dag.tasks:
            assert task.retries >= 2, f"{dag_id}.{task.task_id} retries {task.retries}"
            assert task.owner and task.owner != "airflow", f"{dag_id}.{task.task_id} has no owner"
            assert task.execution_timeout, f"{dag_id}.{task.task_id} has no execution timeout"
            assert task.on_failure_callback and task.on_retry_callback, f"{dag_id}.{task.task_id} sends no alert"


def test_daily_dag_shape(dagbag):
    dag = dagbag.dags["wxrb_daily"]
    assert dag.catchup is False
    assert str(dag.timezone) == "Asia/Shanghai"
    assert dag.timetable.expression == "0 6 * * *"
    order = {t.task_id: {d.task_id for d in t.upstream_list} for t in dag.tasks}
    crawls = {"crawl_portal", "crawl_epaper_wxrb", "crawl_epaper_jnwb"}
    for crawl in crawls:
        assert order[crawl] == {"migrate"}  # the three sites are crawled in parallel
    assert order["process"] == crawls
    assert order["enrich"] == {"process"}
    checks = {t for t in order if t.startswith("quality.")}
    assert checks == {"quality.check_loaded", "quality.check_columns", "quality.check_days",
                      "quality.check_unique_content", "quality.check_drift"}
    for check in checks:
        assert "enrich" in order[check]  # checks see the enriched data, side by side
    assert order["refresh_views"] == checks
    assert order["report"] == {"refresh_views"}  # a failed report leaves the loaded data checked


def test_crawls_run_in_the_pool_of_their_site_and_back_off(dagbag):
    dag = dagbag.dags["wxrb_daily"]
    pools = {t.task_id: t.pool for t in dag.tasks if t.task_id.startswith("crawl_")}
    assert pools == {"crawl_portal": "wxrb_www", "crawl_epaper_wxrb": "wxrb_szb", "crawl_epaper_jnwb": "wxrb_szb"}
    for name, pool in config.SITE_POOLS.items():
        # a full pool stays within the site's request budget
        slots_times_rate = pool["slots"] / config.crawl_delay_s(pool["sources"][0])
        assert slots_times_rate == pytest.approx(config.SITE_REQUESTS_PER_S), name
    for task in dag.tasks:
        if task.task_id.startswith("crawl_"):
            assert task.retry_exponential_backoff and task.max_retry_delay


def test_quality_checks_do_not_retry_and_use_the_articles_connection(dagbag):
    dag = dagbag.dags["wxrb_daily"]
    sql_checks = [t for t in dag.tasks if t.task_id.startswith("quality.") and hasattr(t, "conn_id")]
    assert len(sql_checks) == 3
    for check in sql_checks:
        assert check.conn_id == config.ARTICLES_CONN_ID
        assert check.retry_on_failure is False


def test_loads_update_the_articles_asset(dagbag):
    for dag_id, task_id in (("wxrb_daily", "refresh_views"), ("wxrb_reprocess", "refresh_views")):
        outlets = dagbag.dags[dag_id].get_task(task_id).outlets
        assert [a.uri for a in outlets] == [config.ARTICLES_ASSET_URI], dag_id


def test_maintenance_dag_shape(dagbag):
    dag = dagbag.dags["wxrb_maintenance"]
    assert dag.timetable.expression == "0 5 * * 1"  # Mondays, before the daily run
    order = {t.task_id: {d.task_id for d in t.upstream_list} for t in dag.tasks}
    assert order == {"migrate": set(), "compute_idf": {"migrate"}, "prune_raw_pages": {"compute_idf"},
                     "vacuum_analyze": {"prune_raw_pages"}}
    assert dag.params["retention_days"] == config.raw_retention_days()


def test_reprocess_dag_is_manual_with_its_params(dagbag):
    dag = dagbag.dags["wxrb_reprocess"]
    assert type(dag.timetable).__name__ == "NullTimetable"  # schedule=None: manual runs only
    assert {"since", "until", "parser", "parser_version"} <= set(dag.params)
    order = {t.task_id: {d.task_id for d in t.upstream_list} for t in dag.tasks}
    assert order == {"migrate": set(), "reprocess": {"migrate"}, "refresh_views": {"reprocess"}}


def test_dag_files_do_no_heavy_imports_at_parse_time():
    """Airflow parses DAG files every few seconds: scrapy, jieba, psycopg stay inside tasks."""
    import ast

    for path in config.DAGS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        names = {(n.module or "") if isinstance(n, ast.ImportFrom) else n.names[0].name for n in top_level}
        assert not names & {"scrapy", "jieba", "psycopg", "processing", "wxrb.jobs"}, path.name


def test_each_crawler_of_a_shared_site_slows_down_to_keep_the_site_budget():
    """The delay reaches Scrapy: two szb crawlers at 2 s each are one request per second together."""
    import os
    import subprocess
    import sys

    probe = "from scrapy.utils.project import get_project_settings as g; print(g().getfloat('DOWNLOAD_DELAY'))"
    for source, expected in (("portal", 1.0), ("epaper_wxrb", 2.0), ("epaper_jnwb", 2.0)):
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings",
               "WXRB_DOWNLOAD_DELAY_S": str(config.crawl_delay_s(source))}
        env.pop("WXRB_CRAWL_PROFILE", None)
        out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, check=True).stdout
        assert float(out) == expected, source
