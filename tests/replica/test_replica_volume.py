"""The replica's volume options (days, articles a day, pinned list items) and its keep-alive latency;
the stock site must not change with them."""

import datetime as dt
import http.client
import math
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest

from replica import content
from replica.content import (
    ARTICLES_PER_DAY,
    ARTICLES_PER_PAGE,
    DAYS,
    LIVE_ARTICLES_PER_DAY,
    build_site,
    manifest,
)
from replica.server import ReplicaServer
from replica.templates import build_routes


@pytest.fixture(scope="module")
def busy_site():
    return build_site(days=6, articles_per_day=LIVE_ARTICLES_PER_DAY, pinned=2)


def test_default_arguments_give_the_stock_site_byte_for_byte():
    stock, explicit = build_site(), build_site(days=DAYS, articles_per_day=ARTICLES_PER_DAY, pinned=0)
    assert manifest(stock) == manifest(explicit)
    stock_routes, explicit_routes = build_routes(stock), build_routes(explicit)
    assert stock_routes.keys() == explicit_routes.keys()
    assert all(stock_routes[path].body == explicit_routes[path].body for path in stock_routes)


def test_days_default_is_read_at_call_time(monkeypatch):
    """bench/e2e.py's bigger_replica patches replica.content.DAYS while the site is built."""
    monkeypatch.setattr(content, "DAYS", 14)
    assert (build_site().end_date - build_site().start_date).days == 13


def test_live_volume_site(busy_site):
    per_day = Counter(a.date for a in busy_site.articles)
    assert len(per_day) == 6 and busy_site.end_date == busy_site.start_date + dt.timedelta(days=5)
    assert all(LIVE_ARTICLES_PER_DAY[0] <= n <= LIVE_ARTICLES_PER_DAY[1] for n in per_day.values())
    ids = [a.doc_id for a in busy_site.articles]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len({a.title for a in busy_site.articles}) == len(busy_site.articles)
    for channel in busy_site.channels:
        count = len(busy_site.channel_articles(channel.name))
        assert channel.list_pages == max(1, math.ceil(count / ARTICLES_PER_PAGE))


def test_pinned_items_open_the_first_list_page_only(busy_site):
    for channel in busy_site.channels:
        mine = busy_site.channel_articles(channel.name)
        first = busy_site.list_page(channel.name, 1)
        assert first[:2] == mine[::-1][:2]  # the two oldest, on top
        assert first[2:] == mine[:ARTICLES_PER_PAGE]
        if channel.list_pages > 1:
            assert busy_site.list_page(channel.name, 2) == mine[ARTICLES_PER_PAGE : 2 * ARTICLES_PER_PAGE]


def test_too_few_days_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="days >= 5"):
        build_site(days=3)


def test_server_serves_a_given_site_without_nagle_delays(busy_site):
    """Headers and body are two writes: with Nagle's algorithm each answer on a reused connection
    waited ~40 ms for the client's delayed ACK (60 requests: ~2.6 s)."""
    with ReplicaServer(site=busy_site) as server:
        paths = [a.path for a in busy_site.articles[:60]]
        conn = http.client.HTTPConnection(urlsplit(server.base_url).hostname, server.port, timeout=10)
        try:
            started = time.perf_counter()
            for path in paths:
                conn.request("GET", path)
                response = conn.getresponse()
                assert response.status == 200 and response.read()
            elapsed = time.perf_counter() - started
        finally:
            conn.close()
    assert elapsed < 1.2, f"60 keep-alive requests took {elapsed:.2f} s"
    assert server.requests[paths[0]] == 1
