"""The crawler against a hostile replica (replica/faults.py): every fault has its expected
outcome, and nothing broken, truncated or fake is ever stored."""

from datetime import date

import psycopg
import pytest

from processing.extract import extract
from processing.urls import canonical_url
from replica.faults import FaultPlan
from replica.server import ReplicaServer
from wxrb import jobs

CHALLENGE_TEXT = "正在验证".encode()


@pytest.fixture(scope="module")
def hostile():
    plan = FaultPlan.default(seed=7, slow_delay=1.0, timeout_delay=12.0)
    with ReplicaServer(faults=plan) as server:
        yield server


@pytest.fixture(scope="module")
def clean_site():
    with ReplicaServer() as server:  # same seed: the pages the hostile one should have served
        yield server


def point_at(server, monkeypatch):
    for variable in ("WXRB_PORTAL_URL", "WXRB_EPAPER_URL", "WXRB_OLD_EPAPER_URL"):
        monkeypatch.setenv(variable, server.base_url)
    monkeypatch.setenv("WXRB_CRAWL_PROFILE", "replica")


@pytest.fixture(scope="module")
def crawled(hostile, pg_server, tmp_path_factory):
    """One crawl of the whole range through every fault, into its own database."""
    import os

    name = "faults_db"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = pg_server.replace("/postgres?", f"/{name}?")
    mp = pytest.MonkeyPatch()
    mp.setenv("DATABASE_URL", dsn)
    point_at(hostile, mp)
    jobs.migrate()
    site = hostile.site
    report = jobs.crawl("portal", site.start_date, site.end_date)
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT url, body, used_encoding, declared_encoding FROM raw_pages").fetchall()
    mp.undo()
    assert os.environ.get("DATABASE_URL") != dsn
    return report, {url: (bytes(body), used, declared) for url, body, used, declared in rows}


def url_of(server, path: str) -> str:
    return canonical_url(server.base_url + path)


def test_crawl_finishes_and_stores_exactly_the_servable_articles(hostile, crawled):
    report, pages = crawled
    assert report.status == "finished"
    unreachable = set()
    for kind in ("deleted", "redirect_offsite", "oversize", "robots_disallow"):
        unreachable |= set(hostile.fault_paths(kind))
    expected = {url_of(hostile, a.path) for a in hostile.site.articles if a.path not in unreachable}
    assert set(pages) == expected


def test_5xx_bursts_are_retried_with_backoff(hostile, crawled):
    report, pages = crawled
    for path in hostile.fault_paths("burst_5xx"):
        assert url_of(hostile, path) in pages
        assert hostile.requests[path] == 3  # two 5xx answers, then the page
    assert report.stats["retries"] >= 4
    assert report.stats["retry_backoff_s"] > 0


@pytest.mark.parametrize("kind", ["truncated", "reset", "timeout", "challenge", "redirect", "slow"])
def test_fault_then_the_true_page_is_stored_byte_for_byte(hostile, clean_site, crawled, kind):
    import urllib.request

    _, pages = crawled
    for path in hostile.fault_paths(kind):
        with urllib.request.urlopen(clean_site.base_url + path, timeout=10) as response:
            assert pages[url_of(hostile, path)][0] == response.read(), path


def test_no_challenge_page_is_ever_stored(crawled):
    report, pages = crawled
    assert report.stats["challenge_pages"] >= 1  # its cookie then opens every challenged page
    assert not [url for url, (body, _, _) in pages.items() if CHALLENGE_TEXT in body]


def test_gbk_pages_are_decoded_right_with_and_without_a_declaration(hostile, crawled):
    _, pages = crawled
    plan = hostile.faults
    by_path = {a.path: a for a in hostile.site.articles}
    for path, declared in [(p, "gbk") for p in plan.gbk_declared(hostile.site)] + \
                          [(p, None) for p in plan.gbk_undeclared(hostile.site)]:
        body, used, stored_declared = pages[url_of(hostile, path)]
        assert used in ("gb18030", "gbk")
        assert stored_declared == declared
        article = extract(body, url_of(hostile, path), used)
        assert article.title == by_path[path].title
        assert article.paragraphs == by_path[path].paragraphs


def test_disallowed_deleted_and_offsite_are_never_stored_and_disallowed_never_asked(hostile, crawled):
    _, pages = crawled
    for path in hostile.fault_paths("robots_disallow"):
        assert hostile.requests[path] == 0
    for kind in ("deleted", "redirect_offsite", "oversize"):
        for path in hostile.fault_paths(kind):
            assert hostile.requests[path] >= 1
            assert url_of(hostile, path) not in pages


def test_waf_block_fails_the_crawl_as_blocked(crawl_env, monkeypatch):
    with ReplicaServer(faults=FaultPlan.only(waf_block=True)) as blocked:
        point_at(blocked, monkeypatch)
        with pytest.raises(jobs.CrawlFailed, match="blocked"):
            jobs.crawl("portal", date(2026, 11, 20), date(2026, 11, 21))
    with psycopg.connect(crawl_env) as conn:
        status, stats = conn.execute("SELECT status, stats FROM crawl_runs").fetchone()
        assert conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 0
    assert status == "blocked" and stats["blocked"] is True


def test_endless_challenge_fails_the_crawl_as_blocked(crawl_env, monkeypatch):
    with ReplicaServer(faults=FaultPlan.only(challenge_all=True)) as challenged:
        point_at(challenged, monkeypatch)
        with pytest.raises(jobs.CrawlFailed, match="blocked"):
            jobs.crawl("portal", date(2026, 11, 20), date(2026, 11, 21))
    with psycopg.connect(crawl_env) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchone()[0] == "blocked"
        assert conn.execute("SELECT count(*) FROM raw_pages").fetchone()[0] == 0
