"""
### wxrb_reprocess: extract stored pages again, without crawling

Manual only. Re-runs extraction on the raw pages already in `raw_pages` whose URL date lies in
the chosen range, e.g. after a parser fix or a new parser version:

1. **migrate**: apply pending `sql/migrations`;
2. **reprocess**: decode, clean and extract each page again with the newest parser version valid
   for its date (or with the `parser` / `parser_version` given), upserting `articles` and
   `article_keywords`. An article whose content changes gets a new row in `article_versions`;
   unchanged content adds no version, so running it twice adds nothing the second time. A run of
   400 pages or more is spread over worker processes (`WXRB_PROCESS_WORKERS`);
3. **refresh_views**: refresh the materialized analyst views; marks the Asset `wxrb_articles`
   updated, like wxrb_daily.

Params: `since` / `until` (YYYY-MM-DD, URL dates, empty = unbounded), `parser` (portal, szb,
epaper_old; empty = all), `parser_version` (empty = the newest valid one).

The returned counts (pages, loaded, skipped, flagged, new versions) are in the task's XCom.
"""

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from wxrb import config
from wxrb.dagtasks import migrate, refresh_views


@dag(
    schedule=None,
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["wxrb", "reprocess", "manual"],
    params={
        "since": Param(None, type=["null", "string"], format="date", description="first URL date"),
        "until": Param(None, type=["null", "string"], format="date", description="last URL date"),
        "parser": Param(None, type=["null", "string"], enum=[None, "portal", "szb", "epaper_old"],
                        description="only pages of this parser (page template)"),
        "parser_version": Param(None, type=["null", "string"], description="use this version of the parser"),
    },
    default_args=config.dag_default_args(),
)
def wxrb_reprocess():
    @task(execution_timeout=pendulum.duration(hours=4))
    def reprocess() -> dict:
        from dataclasses import asdict
        from datetime import date

        from wxrb import dagutil, jobs

        dagutil.use_articles_connection()
        params = get_current_context()["params"]
        since, until = (date.fromisoformat(params[k]) if params.get(k) else None for k in ("since", "until"))
        report = jobs.reprocess(since, until, params.get("parser") or None, params.get("parser_version") or None)
        return asdict(report)

    migrate() >> reprocess() >> refresh_views()


wxrb_reprocess()
