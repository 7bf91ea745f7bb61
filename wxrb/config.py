"""Every setting read from the environment, in one place.

Secrets and DSNs only ever come from the environment; nothing here has a password in it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
DAGS_DIR = PROJECT_ROOT / "dags"

DEFAULT_PORTAL_URL = "https://www.wxrb.com"
DEFAULT_EPAPER_URL = "http://szb.wxrb.com"  # 无锡日报 (/pc/...) and 江南晚报 (/jnwb/pc/...)
DEFAULT_OLD_EPAPER_URL = "http://epaper.wxrb.com"  # the 2018-2019 system (/paper/wxrb/html/...)
# What the daily job crawls, in parallel. The old e-paper (epaper_old) only holds 2018-2019:
# crawl it on demand with `wxrb crawl epaper_old --since ... --until ...`.
DAILY_SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")
SOURCES = (*DAILY_SOURCES, "epaper_old")  # every source `wxrb crawl` knows (jobs.SPIDERS)

# One Airflow pool per site (host): every crawl task of a site takes a slot of its pool, so
# concurrent runs, backfills and manual crawls never put more crawlers on a site than its slots.
# szb.wxrb.com serves both papers: two slots, and each of its crawlers waits twice as long between
# requests (crawl_delay_s), so the site still sees about SITE_REQUESTS_PER_S.
SITE_POOLS = {
    "wxrb_www": {"slots": 1, "sources": ("portal",), "description": "www.wxrb.com (portal crawls)"},
    "wxrb_szb": {"slots": 2, "sources": ("epaper_wxrb", "epaper_jnwb"),
                 "description": "szb.wxrb.com (无锡日报 and 江南晚报 e-paper crawls)"},
    "wxrb_epaper_old": {"slots": 1, "sources": ("epaper_old",),
                        "description": "epaper.wxrb.com (the 2018-2019 e-paper)"},
}
SITE_REQUESTS_PER_S = 1.0  # the request budget of one site, shared by the crawlers of its pool

# The Airflow connection the DAGs reach the article database through (AIRFLOW_CONN_WXRB_ARTICLES).
ARTICLES_CONN_ID = "wxrb_articles"
# The Asset wxrb_daily updates once its articles are loaded, checked and the views refreshed:
# a downstream DAG runs after every daily load with schedule=[Asset(ARTICLES_ASSET_URI)].
ARTICLES_ASSET_NAME = "wxrb_articles"
ARTICLES_ASSET_URI = "wxrb://articles-db/public/articles"
# Port of the replica that `make demo` starts; fixed so that a second demo run sees the
# same URLs and therefore adds no rows.
DEFAULT_REPLICA_PORT = 8765


def state_dir() -> Path:
    """Where local state lives: the embedded database, Airflow's home, reports (git-ignored)."""
    return Path(os.environ.get("WXRB_HOME", PROJECT_ROOT / ".wxrb")).resolve()


def reports_dir() -> Path:
    """Where the HTML run reports go (wxrb/report.py): WXRB_REPORTS_DIR, else <state dir>/reports."""
    explicit = os.environ.get("WXRB_REPORTS_DIR")
    return Path(explicit).resolve() if explicit else state_dir() / "reports"


def portal_url() -> str:
    return os.environ.get("WXRB_PORTAL_URL", DEFAULT_PORTAL_URL).rstrip("/")


def epaper_url() -> str:
    return os.environ.get("WXRB_EPAPER_URL", DEFAULT_EPAPER_URL).rstrip("/")


def old_epaper_url() -> str:
    return os.environ.get("WXRB_OLD_EPAPER_URL", DEFAULT_OLD_EPAPER_URL).rstrip("/")


def pool_of(source: str) -> str:
    """The Airflow pool of the site ``source`` crawls."""
    return next(name for name, pool in SITE_POOLS.items() if source in pool["sources"])


def crawl_delay_s(source: str) -> float:
    """Seconds between requests of one crawler, so that a full pool stays within the site's budget."""
    return SITE_POOLS[pool_of(source)]["slots"] / SITE_REQUESTS_PER_S


def raw_retention_days() -> int:
    """Superseded raw pages older than this are deleted by wxrb_maintenance (WXRB_RAW_RETENTION_DAYS)."""
    return int(os.environ.get("WXRB_RAW_RETENTION_DAYS", "180"))


def process_workers() -> int:
    """Worker processes of the processing stage (WXRB_PROCESS_WORKERS; default: the CPUs this
    process may use). 1 processes in the task's own process, as small runs always do."""
    explicit = os.environ.get("WXRB_PROCESS_WORKERS", "").strip()
    if not explicit:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    workers = int(explicit)
    if workers < 1:
        raise ValueError(f"WXRB_PROCESS_WORKERS must be 1 or more, not {explicit!r}")
    return workers


def drift_settings() -> dict:
    """When a field's fill rate counts as a drop (wxrb_daily's check_drift): today's rate below
    ``ratio`` × the trailing mean, at least ``min_drop`` lower, and less likely than ``max_chance``
    by chance; judged with at least ``min_articles`` articles today and ``min_days`` days of history."""
    return {
        "days": int(os.environ.get("WXRB_DRIFT_DAYS", "14")),
        "ratio": float(os.environ.get("WXRB_DRIFT_RATIO", "0.5")),
        "min_drop": float(os.environ.get("WXRB_DRIFT_MIN_DROP", "0.3")),
        "min_articles": int(os.environ.get("WXRB_DRIFT_MIN_ARTICLES", "5")),
        "min_days": int(os.environ.get("WXRB_DRIFT_MIN_DAYS", "3")),
        "max_chance": float(os.environ.get("WXRB_DRIFT_MAX_CHANCE", "0.001")),
    }


def explicit_database_url() -> str | None:
    """DATABASE_URL when the user chose a server; None means: use the embedded one."""
    return os.environ.get("DATABASE_URL") or None


def task_retries() -> int:
    """Retries of every DAG task (at least 2 in production)."""
    return int(os.environ.get("WXRB_TASK_RETRIES", "2"))


def retry_delay_s() -> int:
    """First retry delay in seconds; crawl tasks back off exponentially from it."""
    return int(os.environ.get("WXRB_RETRY_DELAY_S", "300"))


def alert_webhook_url() -> str | None:
    """Where failure/retry alerts are POSTed as JSON (wxrb/alerts.py); unset: no webhook."""
    return os.environ.get("WXRB_ALERT_WEBHOOK_URL") or None


def alert_email_to() -> list[str]:
    """Who gets failure/retry alerts by mail (comma-separated); empty: no mail."""
    return [a.strip() for a in os.environ.get("WXRB_ALERT_EMAIL_TO", "").split(",") if a.strip()]


def smtp_settings() -> dict:
    """The mail server for alerts. STARTTLS is on unless WXRB_SMTP_STARTTLS is 0/false/no."""
    user = os.environ.get("WXRB_SMTP_USER") or None
    starttls = os.environ.get("WXRB_SMTP_STARTTLS", "1").strip().lower() not in ("0", "false", "no", "off")
    return {
        "host": os.environ.get("WXRB_SMTP_HOST") or None,
        "port": int(os.environ.get("WXRB_SMTP_PORT", "587")),
        "user": user,
        "password": os.environ.get("WXRB_SMTP_PASSWORD") or None,
        "from": os.environ.get("WXRB_SMTP_FROM") or user or "wxrb-alerts@localhost",
        "starttls": starttls,
    }


def airflow_ui_url() -> str:
    """Base of the links in alerts: AIRFLOW__API__BASE_URL (airflow_env sets it from the port), else Airflow's default."""
    return os.environ.get("AIRFLOW__API__BASE_URL", "http://localhost:8080").rstrip("/")


def dag_default_args() -> dict:
    """default_args shared by every DAG: the owner ops see in the UI, retries with backoff, alerts."""
    from datetime import timedelta

    from wxrb import alerts

    return {
        "owner": "wxrb-ops",
        "retries": task_retries(),
        "retry_delay": timedelta(seconds=retry_delay_s()),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
        "execution_timeout": timedelta(hours=1),  # tasks that need longer say so
        "on_failure_callback": alerts.on_failure,
        "on_retry_callback": alerts.on_retry,
    }


@contextlib.contextmanager
def environ(values: dict, restore: tuple = ()):
    """os.environ with ``values`` set, for code that reads its settings from it (the job steps,
    the benchmarks, test fixtures); those keys, and ``restore``, are put back afterwards."""
    saved = {key: os.environ.get(key) for key in [*values, *restore]}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
