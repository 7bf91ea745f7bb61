"""
### wxrb_daily: crawl www.wxrb.com, extract articles, load them into PostgreSQL

Runs every day at 06:00 Asia/Shanghai over the previous day's data interval:

1. **migrate**: apply pending `sql/migrations` to the article database;
2. **crawl_portal**, **crawl_epaper_wxrb** (无锡日报), **crawl_epaper_jnwb** (江南晚报), in
   parallel: Scrapy as a subprocess over the window's dates; raw pages land in `raw_pages`,
   each run and its counters in `crawl_runs`. Articles already stored are not fetched again;
3. **process**: decode, clean, extract and jieba keywords for every raw page the current
   parser has not seen yet, upserted into `articles` and `article_keywords`;
4. **quality_check**: fails when a crawl stored new pages but no article was loaded from
   them, or when a loaded body still holds footer/licence text;
5. **report**: writes the HTML run report of the window's last whole day and the week before it
   (`wxrb/report.py`; `WXRB_REPORTS_DIR`, else `.wxrb/reports`); its path is in the task log.
   It runs after the data is loaded and checked, so a failed report fails only this task.

Every task is idempotent: clear and re-run any of them. A manual run may widen the window with
the params `since` / `until` (YYYY-MM-DD), and with `revalidate` re-check the articles already
stored with conditional requests, to catch edits. Database: `DATABASE_URL`, else the embedded server.
"""

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task

from wxrb import config


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
    default_args=config.dag_default_args(),
)
def wxrb_daily():
    @task
    def migrate() -> list[str]:
        from wxrb import jobs

        return jobs.migrate()

    @task(execution_timeout=pendulum.duration(hours=3))
    def crawl(source: str) -> int:
        from wxrb import jobs
        from wxrb.windows import crawl_window

        context = get_current_context()
        since, until = crawl_window(
            context["data_interval_start"], context["data_interval_end"],
            context["params"]["since"], context["params"]["until"],
        )
        revalidate = bool(context["params"].get("revalidate"))
        return jobs.crawl(source, since, until, run_key=context["run_id"], revalidate=revalidate).crawl_run_id

    @task(execution_timeout=pendulum.duration(hours=2))
    def process() -> dict:
        from wxrb import jobs

        report = jobs.process()
        return {"pending": report.pending, "loaded": report.loaded, "skipped": report.skipped,
                "flagged": report.flagged, "new_versions": report.new_versions, "clustered": report.clustered}

    @task
    def quality_check(crawl_run_ids: list[int]) -> dict:
        from wxrb import jobs

        return jobs.check_quality(crawl_run_ids)

    @task
    def report() -> str:
        from wxrb import jobs
        from wxrb.windows import crawl_window

        context = get_current_context()
        since, until = crawl_window(
            context["data_interval_start"], context["data_interval_end"],
            context["params"]["since"], context["params"]["until"],
        )
        # The last whole day of the window: the 06:00 run of the 21st reports on the 20th.
        day = max(since, until - pendulum.duration(days=1))
        return jobs.write_report(day)  # logs "run report written to <path>"

    crawls = [crawl.override(task_id=f"crawl_{source}")(source) for source in config.DAILY_SOURCES]
    migrate() >> crawls >> process() >> quality_check(crawls) >> report()


wxrb_daily()
