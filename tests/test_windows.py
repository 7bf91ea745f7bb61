from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wxrb.windows import crawl_window

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def test_daily_interval_covers_both_shanghai_dates():
    start = datetime(2026, 11, 24, 6, 0, tzinfo=SH)
    end = datetime(2026, 11, 25, 6, 0, tzinfo=SH)
    assert crawl_window(start, end) == (date(2026, 11, 24), date(2026, 11, 25))


def test_interval_given_in_utc_is_read_in_shanghai():
    # 2026-11-23 22:00 UTC is 11-24 06:00 in Shanghai
    start = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    end = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
    assert crawl_window(start, end) == (date(2026, 11, 24), date(2026, 11, 25))


def test_interval_ending_at_midnight_excludes_the_next_day():
    start = datetime(2026, 11, 24, 0, 0, tzinfo=SH)
    end = datetime(2026, 11, 25, 0, 0, tzinfo=SH)
    assert crawl_window(start, end) == (date(2026, 11, 24), date(2026, 11, 24))


def test_manual_run_without_interval_crawls_the_day_before():
    at = datetime(2026, 11, 24, 15, 30, tzinfo=SH)
    assert crawl_window(at, at) == (date(2026, 11, 23), date(2026, 11, 23))


def test_params_override_and_validate():
    at = datetime(2026, 11, 24, 15, 30, tzinfo=SH)
    assert crawl_window(at, at, "2026-11-10", "2026-11-21") == (date(2026, 11, 10), date(2026, 11, 21))
    with pytest.raises(ValueError, match="empty"):
        crawl_window(at, at, "2026-11-22", "2026-11-21")


def test_pendulum_datetimes_from_airflow_give_shanghai_dates():
    import pendulum

    start, end = pendulum.parse("2026-11-19T22:00:00Z"), pendulum.parse("2026-11-20T22:00:00Z")
    assert crawl_window(start, end) == (date(2026, 11, 20), date(2026, 11, 21))
