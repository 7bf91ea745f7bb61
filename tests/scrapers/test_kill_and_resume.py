"""A crawler killed with SIGKILL mid-run, then run again: no duplicates, no gaps."""

import os
import signal
import subprocess
import sys
import time
from datetime import date

import psycopg

from processing.urls import canonical_url
from wxrb import config, jobs


def count_pages(dsn) -> tuple[int, int]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT url) FROM raw_pages").fetchone()


def test_kill_9_mid_crawl_then_rerun(replica, manifest, crawl_env):
    dsn = crawl_env
    since, until = date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])
    slow = [  # one request at a time, small batches: the kill lands between two batches
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.05", "-s", "WXRB_PIPELINE_BATCH_SIZE=5",
    ]
    crawler = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "wxrb_portal", "-a", f"since={since}", "-a", f"until={until}",
         *slow],
        cwd=config.PROJECT_ROOT, env={**os.environ, "DATABASE_URL": dsn},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while count_pages(dsn)[0] < 10 and time.monotonic() < deadline and crawler.poll() is None:
        time.sleep(0.1)
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    stored_before, _ = count_pages(dsn)
    assert 10 <= stored_before < len(manifest["articles"]), "the kill must land mid-crawl"

    report = jobs.crawl("portal", since, until)
    total, distinct = count_pages(dsn)
    expected = {canonical_url(replica.base_url + a["url"]) for a in manifest["articles"]}
    with psycopg.connect(dsn) as conn:
        urls = {url for (url,) in conn.execute("SELECT url FROM raw_pages")}
    assert urls == expected  # no gaps
    assert total == distinct == len(expected)  # no duplicates
    assert report.stats["pages_new"] == len(expected) - stored_before
    assert report.stats["articles_skipped_stored"] == stored_before
