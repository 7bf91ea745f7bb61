"""The portal spider crawling the replica over real HTTP into a real PostgreSQL."""

from datetime import date

import psycopg
import pytest

from processing.urls import canonical_url
from wxrb import jobs


def stored_urls(dsn) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return sorted(url for (url,) in conn.execute("SELECT url FROM raw_pages"))


def expected_urls(replica, manifest, since: date, until: date) -> list[str]:
    return sorted(
        canonical_url(replica.base_url + a["url"])
        for a in manifest["articles"]
        if since <= date.fromisoformat(a["date"]) <= until
    )


def test_window_crawl_stores_exactly_the_articles_of_the_window(replica, manifest, crawl_env):
    since, until = date(2026, 11, 15), date(2026, 11, 17)
    report = jobs.crawl("portal", since, until)
    assert report.status == "finished"
    expected = expected_urls(replica, manifest, since, until)
    assert len(expected) >= 10
    assert stored_urls(crawl_env) == expected
    assert report.stats["pages_new"] == len(expected)


def article_requests(counter) -> int:
    return sum(n for path, n in counter.items() if path.startswith("/doc/"))


def test_incremental_recrawl_fetches_list_pages_only(replica, manifest, crawl_env):
    since, until = date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])
    first = jobs.crawl("portal", since, until)
    assert stored_urls(crawl_env) == expected_urls(replica, manifest, since, until)
    assert first.stats["requests_per_new_article"] <= 1.3  # lists and robots.txt on top of articles

    before = replica.requests.copy()
    second = jobs.crawl("portal", since, until)
    assert article_requests(replica.requests - before) == 0
    assert second.stats["pages_new"] == 0
    assert second.stats["articles_skipped_stored"] == first.stats["pages_new"]
    assert second.stats["requests_per_new_article"] is None
    assert len(stored_urls(crawl_env)) == first.stats["pages_new"]


def test_robots_txt_is_obeyed(replica, crawl_env):
    before = replica.requests.copy()  # the replica is shared by the whole session
    jobs.crawl("portal", date(2026, 11, 20), date(2026, 11, 21))
    during = replica.requests - before
    assert during["/robots.txt"] >= 1
    assert during["/"] >= 1
    assert not [path for path in during if path.startswith(("/search/", "/member/"))]


def test_stored_page_keeps_bytes_and_encodings(replica, crawl_env):
    jobs.crawl("portal", date(2026, 11, 21), date(2026, 11, 21))
    with psycopg.connect(crawl_env) as conn:
        url, body, declared, used, sha, headers, status = conn.execute(
            "SELECT url, body, declared_encoding, used_encoding, body_sha256, headers, http_status"
            " FROM raw_pages LIMIT 1"
        ).fetchone()
    import hashlib
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        assert bytes(body) == response.read()
    assert sha == hashlib.sha256(bytes(body)).hexdigest()
    assert (declared, used, status) == ("utf-8", "utf-8", 200)
    assert headers["Content-Type"].startswith("text/html")


def test_crawl_run_records_stats_for_ops(crawl_env):
    report = jobs.crawl("portal", date(2026, 11, 21), date(2026, 11, 21))
    with psycopg.connect(crawl_env) as conn:
        status, stats, since, until = conn.execute(
            "SELECT status, stats, window_since, window_until FROM crawl_runs WHERE id = %s",
            [report.crawl_run_id],
        ).fetchone()
    assert status == "finished"
    assert (since, until) == (date(2026, 11, 21), date(2026, 11, 21))
    assert stats["requests"] > stats["pages_new"] > 0
    assert stats["responses_by_status"]["200"] > 0
    assert stats["blocked"] is False


def test_dead_site_fails_fast_with_a_hint(dsn, monkeypatch):
    import socket
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("WXRB_PORTAL_URL", f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(jobs.SiteUnreachable, match="make demo"):
        jobs.crawl("portal", date(2026, 11, 21), date(2026, 11, 21))
    assert time.monotonic() - started < 15
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("unreachable",)]
