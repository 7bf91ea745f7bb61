"""``make demo``: the daily job through Airflow against the bundled replica, then a summary.

1. the embedded PostgreSQL (or DATABASE_URL), migrated;
2. the replica of www.wxrb.com on 127.0.0.1:8765 (a fixed port, so a second demo sees the
   same URLs and adds no rows);
3. ``airflow dags test wxrb_daily`` over the replica's whole date range (params since/until);
4. ``airflow dags test wxrb_maintenance``: corpus IDF, retention, VACUUM ANALYZE;
5. the summary of what is in the database.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from wxrb import airflow_env, config, db, jobs, pools, summary

# Lines of the Airflow run worth showing live; everything goes to the log file.
SHOW = re.compile(
    r"\[DAG TEST\] (starting|end) task|\[wxrb\.jobs\]|\[processing\.stage\]|DagRun Finished"
    r"|\bERROR\b|\[error|Traceback|Exception|failed", re.IGNORECASE,
)
TIMESTAMP = re.compile(r"^\S+Z \[\w+\s*\] ")
LOCATION = re.compile(r"\s+\[[\w.]+\]\s+loc=\S+.*$")
TASK_EDGE = re.compile(r"\[DAG TEST\] (?P<what>starting|end task) task_id=(?P<task>[\w.]+).*")


def run(days: int | None = None) -> int:
    from replica.server import ReplicaServer

    started = time.monotonic()
    dsn = db.database_url()
    print(f"database: {db.redact(dsn)}", flush=True)
    jobs.migrate()
    port = int(os.environ.get("WXRB_REPLICA_PORT", config.DEFAULT_REPLICA_PORT))
    try:
        replica = ReplicaServer(port=port).start()
    except OSError as exc:
        print(f"cannot start the replica on 127.0.0.1:{port} ({exc}); free the port or set WXRB_REPLICA_PORT",
              file=sys.stderr)
        return 1
    try:
        site = replica.site
        since = site.end_date - timedelta(days=days - 1) if days else site.start_date
        print(f"replica of www.wxrb.com: {replica.base_url} ({len(site.articles)} articles, "
              f"{site.start_date}..{site.end_date})", flush=True)
        code = run_dag(replica.base_url, since, site.end_date)
    finally:
        replica.stop()
    if code:
        return code
    print("\n" + summary.render(dsn))
    print(f"\nAirflow UI with this run: make airflow   (demo took {time.monotonic() - started:.0f} s)")
    return 0


def run_dag(base_url: str, since: date, until: date) -> int:
    """wxrb_daily over [since, until], then wxrb_maintenance, both through Airflow."""
    env = airflow_env.environment({
        "WXRB_PORTAL_URL": base_url,  # the replica serves the portal and both e-papers
        "WXRB_EPAPER_URL": base_url,
        "WXRB_OLD_EPAPER_URL": base_url,
        "WXRB_CRAWL_PROFILE": "replica",
        "WXRB_RETRY_DELAY_S": os.environ.get("WXRB_RETRY_DELAY_S", "5"),
    })
    print("preparing Airflow's metadata database...", flush=True)
    airflow_env.ensure_migrated(env)
    log_path = config.state_dir() / "logs" / "demo-airflow.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("", encoding="utf-8")  # this demo's runs only
    logical_date = f"{until + timedelta(days=1)}T06:00:00+08:00"
    conf = json.dumps({"since": str(since), "until": str(until)})
    print(f"running DAG wxrb_daily through Airflow for {since}..{until} (full log: {log_path})", flush=True)
    code = dags_test(env, log_path, "wxrb_daily", logical_date, "--conf", conf)
    if not code:
        print("running DAG wxrb_maintenance (corpus IDF for keywords, retention, VACUUM ANALYZE)", flush=True)
        code = dags_test(env, log_path, "wxrb_maintenance", logical_date)
    return code


def dags_test(env: dict, log_path: Path, *args: str) -> int:
    """``airflow dags test ARGS``, its log appended to ``log_path``, the task edges shown live."""
    command = [pools.airflow_command(), "dags", "test", *args]
    with open(log_path, "a", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, errors="replace")
        for line in process.stdout:
            log.write(line)
            if SHOW.search(line) and "[scrapy]" not in line:
                print("  " + _tidy(line), flush=True)
        code = process.wait()
    if code:
        print(f"\nthe Airflow run of {args[0]} failed (exit {code}); the end of {log_path}:", file=sys.stderr)
        print("".join(log_path.read_text(encoding="utf-8").splitlines(keepends=True)[-40:]), file=sys.stderr)
    return code


def _tidy(line: str) -> str:
    """An Airflow log line as a short progress line."""
    text = LOCATION.sub("", TIMESTAMP.sub("", line.rstrip()))
    edge = TASK_EDGE.search(text)
    if edge:
        return f"task {edge['task']}: {'started' if edge['what'] == 'starting' else 'done'}"
    finished = re.search(r"DagRun Finished: .*?state=(\w+)", text)
    if finished:
        return f"DAG run finished: {finished[1]}"
    return "  " + text[:200]
