"""
### wxrb_corpus_idf: recompute the corpus IDF table that weights keywords

Every Monday at 05:00 Asia/Shanghai, before the daily run:

1. **migrate**: apply pending `sql/migrations`;
2. **compute_idf**: count in how many articles each jieba token occurs and store
   `ln(articles / df)` as a new version in `corpus_idf` (`corpus_idf_versions` lists them; the
   three newest are kept). From then on `process` weights TF-IDF keywords with it (method
   `tfidf_corpus`, the version in `article_keywords.model_version`). Until the corpus holds 50
   articles nothing is computed and keywords keep jieba's bundled table.

Existing keywords keep the version that made them; run `wxrb_reprocess` to recompute them.
"""

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, task

from wxrb import config


@dag(
    schedule=CronTriggerTimetable("0 5 * * 1", timezone="Asia/Shanghai"),
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wxrb", "keywords", "weekly"],
    default_args=config.dag_default_args(),
)
def wxrb_corpus_idf():
    @task
    def migrate() -> list[str]:
        from wxrb import jobs

        return jobs.migrate()

    @task
    def compute_idf() -> str | None:
        from wxrb import jobs

        return jobs.compute_idf()

    migrate() >> compute_idf()


wxrb_corpus_idf()
