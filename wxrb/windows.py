"""Which dates a scheduled run crawls: derived from its data interval, never from now()."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def crawl_window(
    interval_start: datetime, interval_end: datetime, since: str | None = None, until: str | None = None
) -> tuple[date, date]:
    """URL dates [since, until] (inclusive) covered by a data interval, in Asia/Shanghai.

    A run for the interval [11-24 06:00, 11-25 06:00) crawls 11-24 and 11-25 (pages put
    online after midnight are caught now and again by the next run: loading is idempotent).
    A run without an interval (start == end, e.g. a manual trigger) crawls the day before.
    ``since``/``until`` (ISO dates, e.g. from DAG params) override either end.
    """
    # Plain datetimes: pendulum's (Airflow's) arithmetic would hand back UTC dates.
    start = datetime.fromtimestamp(interval_start.timestamp(), SHANGHAI)
    end = datetime.fromtimestamp(interval_end.timestamp(), SHANGHAI)
    if end <= start:
        first = last = start.date() - timedelta(days=1)
    else:
        first, last = start.date(), (end - timedelta(microseconds=1)).date()
    first = date.fromisoformat(since) if since else first
    last = date.fromisoformat(until) if until else last
    if first > last:
        raise ValueError(f"crawl window is empty: since {first} is after until {last}")
    return first, last
