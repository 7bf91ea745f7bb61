"""
### wxrb_maintenance: keyword model, retention and table upkeep of the article database

Every Monday at 05:00 Asia/Shanghai, before that day's wxrb_daily:

1. **migrate**: apply pending `sql/migrations`;
2. **compute_idf**: count in how many articles each jieba token occurs and store
   `ln(articles / df)` as a new version in `corpus_idf` (`corpus_idf_versions` lists them; the
   three newest are kept). From then on `process` weights TF-IDF keywords with it (method
   `tfidf_corpus`, the version in `article_keywords.model_version`). Until the corpus holds 50
   articles nothing is computed and keywords keep jieba's bundled table. Existing keywords keep
   the version that made them; run `wxrb_reprocess` to recompute them;
3. **prune_raw_pages**: delete raw pages that a later fetch of the same URL superseded and that
   are older than `retention_days` (param; default `WXRB_RAW_RETENTION_DAYS`, 180). A raw page an
   article or an article version points to is never deleted, whatever its age;
4. **vacuum_analyze**: `VACUUM (ANALYZE)` every table, so space is reused and the planner's
   statistics follow the loads.

Every step is safe to re-run; the counts are in each task's XCom and log.
"""

from datetime import timedelta

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from wxrb import config
from wxrb.dagtasks import migrate


@dag(
    schedule=CronTriggerTimetable("0 5 * * 1", timezone="Asia/Shanghai"),
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wxrb", "maintenance", "weekly"],
    params={"retention_days": Param(config.raw_retention_days(), type="integer", minimum=0,
                                    description="keep superseded raw pages younger than this many days")},
    default_args=config.dag_default_args(),
)
def wxrb_maintenance():
    @task(execution_timeout=timedelta(hours=2))
    def compute_idf() -> str | None:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        return jobs.compute_idf()

    @task
    def prune_raw_pages() -> dict:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        return jobs.prune_raw_pages(int(get_current_context()["params"]["retention_days"]))

    @task(execution_timeout=timedelta(hours=2))
    def vacuum_analyze() -> list[str]:
        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        return jobs.vacuum_analyze()

    migrate() >> compute_idf() >> prune_raw_pages() >> vacuum_analyze()


wxrb_maintenance()
