"""End to end: wall time of a backfill through `wxrb run`, and of a daily run when nothing is new.

Both run the real pipeline as an operator would: the `wxrb run` console script in a subprocess
(migrate, the three daily crawls against the replica, process, checks, views), on a fresh
database of the bench server. The backfill covers the replica's whole range; the issue asks for
10,000 articles, which the stock replica (12 days, ~500 daily-source articles) does not have, so
`make bench` reports the measured backfill and projects it linearly to 10,000 articles. A real
10,000-article backfill needs a 242-day replica: `python -m bench.e2e --days 242` (about 20 min;
figures in docs/performance.md). The nothing-new run is the DAG's own window (the last two URL
dates) once everything is stored, through `wxrb run` and, outside quick mode, through Airflow
(`airflow dags test wxrb_daily`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict

import bench
from wxrb import config

TARGET_ARTICLES = 10_000
TARGET_NOTHING_NEW_S = 60.0
DAILY_SITES = ("portal", "epaper_wxrb", "epaper_jnwb")  # config.DAILY_SOURCES' sites
RUN_TIMEOUT_S = 3600


def run(opts: dict) -> list[dict]:
    base_url = opts["replica_base_url"]
    site = bench.replica_manifest(base_url)
    end = date.fromisoformat(site["end_date"])
    since = end if opts.get("quick") else date.fromisoformat(site["start_date"])
    return measure(opts["dsn_admin"], base_url, since, end, Path(opts["workdir"]),
                   airflow=not opts.get("quick"))


def measure(dsn_admin: str, base_url: str, since: date, until: date, workdir: Path, airflow: bool) -> list[dict]:
    """Backfill since..until into a fresh database, then the nothing-new daily runs; the figures."""
    home = workdir / "e2e-home"
    home.mkdir(parents=True, exist_ok=True)
    daily_since = max(since, until - timedelta(days=1))  # what the DAG's run at `until` 06:00 covers
    with bench.Databases(dsn_admin, "bench_e2e") as databases:
        dsn = databases.new(migrated=False)  # `wxrb run` migrates it, as on a first run
        env = {**os.environ, "DATABASE_URL": dsn, "WXRB_HOME": str(home), "WXRB_PORTAL_URL": base_url,
               "WXRB_EPAPER_URL": base_url, "WXRB_CRAWL_PROFILE": "replica", "PYTHONWARNINGS": "ignore"}
        backfill_s = wxrb_run(env, since, until)
        articles, crawl_s = loaded(dsn)
        nothing_new_s = wxrb_run(env, daily_since, until)
        if loaded(dsn)[0] != articles:
            raise RuntimeError("the nothing-new run loaded articles: the replica changed under the bench")
        airflow_s = airflow_nothing_new(databases.new(migrated=False), dsn, env, until) if airflow else None
    return figures(since, until, articles, backfill_s, crawl_s, nothing_new_s, airflow_s)


def wxrb_run(env: dict, since: date, until: date) -> float:
    """Wall time of `wxrb run --since --until` (the DAG's steps without Airflow); raises on failure."""
    wxrb = Path(sys.executable).parent / "wxrb"
    started = time.perf_counter()
    result = subprocess.run([str(wxrb), "run", "--since", since.isoformat(), "--until", until.isoformat()],
                            env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise RuntimeError(f"wxrb run {since}..{until} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def loaded(dsn: str) -> tuple[int, float]:
    """(articles in the database, seconds the crawl runs took in all)."""
    with psycopg.connect(dsn) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        crawl_s = conn.execute(
            "SELECT coalesce(sum(extract(epoch FROM finished_at - started_at)), 0) FROM crawl_runs"
        ).fetchone()[0]
    return articles, float(crawl_s)


def airflow_nothing_new(metadata_dsn: str, dsn: str, env: dict, until: date) -> float:
    """Wall time of `airflow dags test wxrb_daily` for the run at ``until`` 06:00 (Shanghai), with its
    metadata in ``metadata_dsn`` (an empty database); Airflow's own migration is not timed."""
    from wxrb import airflow_env

    parts = conninfo_to_dict(metadata_dsn)
    meta = f"postgresql+psycopg:///{parts.pop('dbname')}?{urlencode(parts)}"  # libpq keywords as the query
    overrides = {"DATABASE_URL": dsn, "WXRB_HOME": env["WXRB_HOME"], "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta}
    with bench.environ(overrides):
        airflow = airflow_env.environment({**{k: env[k] for k in env if k.startswith("WXRB_")},
                                           "WXRB_RETRY_DELAY_S": "1"})
    airflow_env.ensure_migrated(airflow)
    started = time.perf_counter()
    result = airflow_env.airflow(["dags", "test", "wxrb_daily", f"{until.isoformat()}T06:00:00+08:00"],
                                 airflow, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise RuntimeError(f"airflow dags test wxrb_daily failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def figures(since, until, articles, backfill_s, crawl_s, nothing_new_s, airflow_s) -> list[dict]:
    measured = articles >= TARGET_ARTICLES
    # What a run costs with nothing to fetch (process start-ups, migrate, list pages, checks, views)
    # is paid once; the rest grows with the articles.
    per_article = max(backfill_s - nothing_new_s, 0.0) / articles if articles else float("nan")
    projected = nothing_new_s + per_article * TARGET_ARTICLES
    days = (until - since).days + 1
    result = [
        {"family": "e2e", "name": f"backfill of {TARGET_ARTICLES:,} articles (wxrb run)"
                                  + ("" if measured else ", projected"),
         "value": round(backfill_s if measured else projected, 1), "unit": "s",
         "baseline": "the three crawls alone (crawl_runs durations of the same backfill)",
         "baseline_value": round(crawl_s * (1 if measured else TARGET_ARTICLES / articles), 1),
         "ratio": round(backfill_s / crawl_s, 2) if crawl_s else None, "target": None, "met": None,
         "notes": (f"measured: {articles} articles over {days} replica days ({since}..{until}) in "
                   f"{backfill_s:.1f} s, crawl {crawl_s:.1f} s"
                   + ("" if measured else f"; projected to {TARGET_ARTICLES:,} as the nothing-new run's "
                      f"{nothing_new_s:.1f} s + {per_article * 1000:.0f} ms per article (the replica is "
                      "smaller; `python -m bench.e2e --days 242` measures it)")
                   + "; ratio = whole backfill / crawl alone")},
        {"family": "e2e", "name": "daily run, nothing new (wxrb run)", "value": round(nothing_new_s, 1),
         "unit": "s", "baseline": None, "baseline_value": None, "ratio": round(nothing_new_s / TARGET_NOTHING_NEW_S, 2),
         "target": f"<= {TARGET_NOTHING_NEW_S:.0f} s", "met": nothing_new_s <= TARGET_NOTHING_NEW_S,
         "notes": f"window {max(since, until - timedelta(days=1))}..{until}, every article stored; "
                  "ratio = value / target"},
    ]
    if airflow_s is not None:
        result.append({
            "family": "e2e", "name": "daily run, nothing new (airflow dags test wxrb_daily)",
            "value": round(airflow_s, 1), "unit": "s", "baseline": "the same run through wxrb run",
            "baseline_value": round(nothing_new_s, 1), "ratio": round(airflow_s / TARGET_NOTHING_NEW_S, 2),
            "target": f"<= {TARGET_NOTHING_NEW_S:.0f} s", "met": airflow_s <= TARGET_NOTHING_NEW_S,
            "notes": f"logical date {until} 06:00 Asia/Shanghai, metadata DB already migrated; "
                     "ratio = value / target",
        })
    return result


# --- a real 10,000-article backfill: a bigger replica --------------------------------------------


@contextlib.contextmanager
def bigger_replica(days: int):
    """A ReplicaServer generated over ``days`` days instead of 12 (same generator, same seed)."""
    from replica.content import build_site
    from replica.server import ReplicaServer

    server = ReplicaServer(site=build_site(days=days)).start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=242, help="replica days (242 give ~10,000 articles)")
    parser.add_argument("--no-airflow", action="store_true", help="skip the Airflow nothing-new run")
    args = parser.parse_args(argv)
    from wxrb import db

    workdir = config.state_dir() / "bench-e2e"
    pgdata = workdir / "pgdata"
    admin = db.start_embedded(pgdata).replace(f"/{db.EMBEDDED_DB_NAME}?", "/postgres?")
    try:
        with bigger_replica(args.days) as server:
            site = server.site
            print(f"replica: {args.days} days, {site.start_date}..{site.end_date}", flush=True)
            results = measure(admin, server.base_url, site.start_date, site.end_date, workdir,
                              airflow=not args.no_airflow)
    finally:
        db.stop_embedded(pgdata)
    for figure in results:
        print(json.dumps(figure, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
