"""How the portal spider pages through channel lists: only the next page, and only while the page's
last item still reaches the window. Real crawls (wxrb.jobs.crawl) of replicas at live volume with a
pinned old item on top of every first list page, compared with what the replica holds."""

from datetime import date, timedelta

import psycopg
import pytest

from processing.urls import canonical_url
from replica.content import LIVE_ARTICLES_PER_DAY, Site, build_site
from replica.server import ReplicaServer
from replica.templates import list_file
from scrapers.spiders.wxrb_portal import list_page_number, next_list_page
from wxrb import jobs


@pytest.fixture(scope="module")
def busy_replica():
    """Five days at the live portal's 100-150 articles a day; each channel's oldest article pinned."""
    with ReplicaServer(site=build_site(days=5, articles_per_day=LIVE_ARTICLES_PER_DAY, pinned=1)) as server:
        yield server


@pytest.fixture
def busy_env(busy_replica, dsn, monkeypatch) -> str:
    monkeypatch.setenv("WXRB_PORTAL_URL", busy_replica.base_url)
    monkeypatch.setenv("WXRB_CRAWL_PROFILE", "replica")
    return dsn


def stored_urls(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return sorted(url for (url,) in conn.execute("SELECT url FROM raw_pages"))


def window_urls(server: ReplicaServer, since: date, until: date) -> list[str]:
    return sorted(canonical_url(server.base_url + a.path) for a in server.site.articles if since <= a.date <= until)


def list_requests(before, server: ReplicaServer) -> dict[str, int]:
    return {path: n for path, n in (server.requests - before).items() if list_page_number(path)}


def needed_pages(site: Site, since: date) -> set[str]:
    """Per channel, pages 1..k where page k is the first whose last item is older than ``since``."""
    paths = set()
    for channel in site.channels:
        for number in range(1, channel.list_pages + 1):
            paths.add(channel.path + list_file(number))
            items = site.list_page(channel.name, number)
            if not items or items[-1].date < since:
                break
    return paths


def test_next_list_page_is_the_following_page_of_the_same_list():
    base = "http://h/news/wxxw/"
    pager = [base + "index.shtml", base + "index_2.shtml", base + "index_9.shtml", "http://h/life/sh/index_3.shtml"]
    assert next_list_page(base + "index.shtml", pager) == base + "index_2.shtml"
    assert next_list_page(base + "index_2.shtml", pager) == base + "index_9.shtml"
    assert next_list_page(base + "index_9.shtml", pager) is None
    assert next_list_page("http://h/doc/2026/11/14/1.shtml", pager) is None
    assert list_page_number(base + "index.shtml") == 1 and list_page_number(base + "index_12.shtml") == 12


def test_window_past_a_pinned_old_item_is_crawled_completely(busy_replica, busy_env):
    """The window's articles start on page 2 of the busiest channel, below a pinned item older than
    the window: paging must go on, and stop right after the window."""
    site = busy_replica.site
    since, until = site.start_date + timedelta(days=1), site.start_date + timedelta(days=2)
    first_page = site.list_page("无锡新闻", 1)
    assert first_page[0].date < since and first_page[-1].date > until  # the case this test is about

    before = busy_replica.requests.copy()
    report = jobs.crawl("portal", since, until)
    assert report.status == "finished"
    expected = window_urls(busy_replica, since, until)
    assert len(expected) >= 200
    assert stored_urls(busy_env) == expected
    assert set(list_requests(before, busy_replica)) == needed_pages(site, since)
    assert max(list_requests(before, busy_replica).values()) == 1


def test_daily_run_at_live_volume_reads_only_the_pages_it_needs(busy_replica, busy_env):
    site = busy_replica.site
    end = site.end_date
    jobs.crawl("portal", site.start_date, end - timedelta(days=1))
    before = busy_replica.requests.copy()
    report = jobs.crawl("portal", end, end + timedelta(days=1))  # the DAG's 06:00 window
    lists = list_requests(before, busy_replica)
    assert set(lists) == needed_pages(site, end)
    wxxw = site.channel("无锡新闻")
    assert wxxw.path + list_file(wxxw.list_pages) not in lists  # the pager's 尾页 link is not followed
    assert stored_urls(busy_env) == window_urls(busy_replica, site.start_date, end)
    new = report.stats["pages_new"]
    assert new == len(window_urls(busy_replica, end, end))
    assert report.stats["requests"] == 2 + len(lists) + new  # robots.txt, home, lists, new articles
    assert report.stats["requests_per_new_article"] <= 1.2, report.stats


def test_stock_daily_run_reads_each_first_list_page_once(replica, manifest, crawl_env):
    """On the stock replica one day fits on every channel's first page: no second page, no last page."""
    end = date.fromisoformat(manifest["end_date"])
    before = replica.requests.copy()
    report = jobs.crawl("portal", end, end)
    lists = list_requests(before, replica)
    assert sorted(lists) == sorted(channel["path"] + "index.shtml" for channel in manifest["channels"])
    assert set(lists.values()) == {1}
    assert report.stats["pages_new"] == sum(1 for a in manifest["articles"] if a["date"] == end.isoformat())
