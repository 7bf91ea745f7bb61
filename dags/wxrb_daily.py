"""
### wxrb_daily: crawl www.wxrb.com and the two e-papers, extract, check and load into PostgreSQL

Runs every day at 06:00 Asia/Shanghai over the previous day's data interval:

1. **migrate**: apply pending `sql/migrations` (a no-op when the schema is current);
2. **crawl_portal**, **crawl_epaper_wxrb** (无锡日报), **crawl_epaper_jnwb** (江南晚报), in
   parallel, each in the Airflow pool of its site (`wxrb_www`, `wxrb_szb`): Scrapy as a
   subprocess over the window's dates; raw pages land in `raw_pages`, each run and its counters in
   `crawl_runs`. Articles already stored are not fetched again, so a retry resumes;
3. **process**: decode, clean, extract and enrich (keywords, entities, figures, search tokens)
   every raw page the current parser has not seen yet; upserted into `articles` and its tables;
4. **enrich**: articles whose NLP output came from older dictionaries are enriched again, then
   new articles are clustered into stories;
5. **quality** (fails without retrying, naming the check):
   **check_loaded** (a crawl stored new pages but nothing was loaded from them),
   **check_columns** (`url` unique and present, body length within bounds: common.sql column checks),
   **check_days** (per day of the window: null rates of title / published_at / body, footer or
   licence text, U+FFFD replacement characters, one content hash per site: common.sql table
   checks on the view `article_quality_per_day`), **check_drift** (each site's field fill
   rates against the 14 days before: a drop names the site and the field);
6. **refresh_views**: refresh the materialized analyst views; marks the Asset
   `wxrb_articles` updated (downstream DAGs can use `schedule=[Asset("wxrb://articles-db/public/articles")]`);
7. **report**: the HTML run report of the window's last whole day (`WXRB_REPORTS_DIR`, else
   `.wxrb/reports`); its path is in the task log.

Every task is idempotent: clear and re-run any of them. A manual run may widen the window with
the params `since` / `until` (YYYY-MM-DD), and with `revalidate` re-check the articles already
stored with conditional requests, to catch edits. Backfill: `airflow backfill create --dag-id
wxrb_daily --from-date ... --to-date ...` (docs/deploy.md). The article database is the Airflow
connection `wxrb_articles`.
"""

from datetime import timedelta

import pendulum
from airflow.providers.common.sql.operators.sql import SQLColumnCheckOperator, SQLTableCheckOperator
from airflow.sdk import CronDataIntervalTimetable, Param, TaskGroup, dag, get_current_context, task

from wxrb import config
from wxrb.dagtasks import migrate, refresh_views
from wxrb.windows import crawl_window

# The edition day of an article, as in the view article_quality_per_day.
ARTICLE_DAY = ("coalesce((published_at AT TIME ZONE 'Asia/Shanghai')::date,"
               " (first_seen_at AT TIME ZONE 'Asia/Shanghai')::date)")
WINDOW = ("BETWEEN '{{ wxrb_window(data_interval_start, data_interval_end, params)[0] }}'"
          " AND '{{ wxrb_window(data_interval_start, data_interval_end, params)[1] }}'")
MIN_BODY_CHARS, MAX_BODY_CHARS = 20, 100_000


def window() -> tuple:
    """The run's URL dates [since, until], from its data interval or the params."""
    context = get_current_context()
    return crawl_window(context["data_interval_start"], context["data_interval_end"],
                        context["params"]["since"], context["params"]["until"])


def macro_window(start, end, params) -> tuple:
    return crawl_window(start, end, params.get("since"), params.get("until"))


def failing_check(call):
    """Run a quality check; a failed check fails the task at once (retrying cannot fix data)."""
    from airflow.sdk.exceptions import AirflowFailException

    from wxrb.jobs import QualityCheckFailed

    try:
        return call()
    except QualityCheckFailed as exc:
        raise AirflowFailException(str(exc)) from exc


@dag(
    schedule=CronDataIntervalTimetable("0 6 * * *", timezone="Asia/Shanghai"),
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wxrb", "crawl", "daily"],
    params={
        "since": Param(None, type=["null", "string"], format="date", description="first URL date (override)"),
        "until": Param(None, type=["null", "string"], format="date", description="last URL date (override)"),
        "revalidate": Param(False, type="boolean", description="re-check stored articles (conditional GET)"),
    },
    user_defined_macros={"wxrb_window": macro_window},
    default_args=config.dag_default_args(),
)
def wxrb_daily():
    @task(execution_timeout=timedelta(hours=3))
    def crawl(source: str) -> int:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        since, until = window()
        context = get_current_context()
        return jobs.crawl(source, since, until, run_key=context["run_id"],
                          revalidate=bool(context["params"].get("revalidate"))).crawl_run_id

    @task(execution_timeout=timedelta(hours=2))
    def process() -> dict:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        report = jobs.process(cluster=False)
        return {"pending": report.pending, "loaded": report.loaded, "skipped": report.skipped,
                "flagged": report.flagged, "new_versions": report.new_versions}

    @task
    def enrich() -> dict:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        report = jobs.enrich()
        return {"enriched_again": report.loaded, "clustered": report.clustered}

    @task
    def check_loaded(crawl_run_ids: list[int]) -> dict:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        return failing_check(lambda: jobs.check_quality(crawl_run_ids))

    @task
    def check_drift() -> dict:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        since, until = window()
        return failing_check(lambda: jobs.check_drift(since, until))

    @task(execution_timeout=timedelta(minutes=30))
    def report() -> str:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        since, until = window()
        # The last whole day of the window: the 06:00 run of the 21st reports on the 20th.
        day = max(since, until - timedelta(days=1))
        return jobs.write_report(day)  # logs "run report written to <path>"

    crawls = [crawl.override(task_id=f"crawl_{source}", pool=config.pool_of(source))(source)
              for source in config.DAILY_SOURCES]
    with TaskGroup("quality", tooltip="data quality and extraction drift; a failure names the check") as quality:
        check_loaded(crawls)  # the crawls' run ids, by XCom
        SQLColumnCheckOperator(
            task_id="check_columns",
            conn_id=config.ARTICLES_CONN_ID,
            table="articles",
            partition_clause=f"{ARTICLE_DAY} {WINDOW}",
            column_mapping={
                "url": {"null_check": {"equal_to": 0}, "unique_check": {"equal_to": 0}},
                "content_hash": {"null_check": {"equal_to": 0}},
                "char_count": {"min": {"geq_to": MIN_BODY_CHARS}, "max": {"leq_to": MAX_BODY_CHARS}},
            },
            retry_on_failure=False,
        )
        SQLTableCheckOperator(
            task_id="check_days",
            conn_id=config.ARTICLES_CONN_ID,
            table="article_quality_per_day",
            partition_clause=f"day {WINDOW}",
            checks={
                "title_null_rate_is_0": {"check_statement": "title_null_rate = 0"},
                "published_at_null_rate_at_most_5pct": {"check_statement": "published_at_null_rate <= 0.05"},
                "body_null_rate_is_0": {"check_statement": "body_null_rate = 0"},
                "no_footer_or_licence_text": {"check_statement": "bodies_with_footer = 0"},
                "no_replacement_characters": {"check_statement": "texts_with_replacement_char = 0"},
            },
            accept_none=True,  # a day without articles is check_loaded's business
            retry_on_failure=False,
        )
        SQLTableCheckOperator(
            task_id="check_unique_content",
            conn_id=config.ARTICLES_CONN_ID,
            table="articles",
            partition_clause=f"{ARTICLE_DAY} {WINDOW}",
            checks={"one_article_per_content_hash_and_site": {
                "check_statement": "count(*) = count(DISTINCT (site, content_hash))"}},
            accept_none=True,
            retry_on_failure=False,
        )
        check_drift()
    migrate() >> crawls >> process() >> enrich() >> quality >> refresh_views() >> report()


wxrb_daily()
