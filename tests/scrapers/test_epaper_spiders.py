"""The e-paper spiders crawling the replica's 无锡日报, 江南晚报 and the old system."""

from datetime import date

import psycopg
import pytest

from processing.urls import canonical_url
from wxrb import jobs

# source -> the replica's name for it in the manifest
SOURCES = {"epaper_wxrb": "epaper_wxrb", "epaper_jnwb": "epaper_jnwb", "epaper_old": "epaper_wxrb_old"}
SINCE, UNTIL = date(2026, 11, 13), date(2026, 11, 14)


def expected(replica, manifest, replica_site: str) -> dict[str, dict]:
    return {
        canonical_url(replica.base_url + a["url"]): a
        for a in manifest["epaper_articles"]
        if a["site"] == replica_site and SINCE <= date.fromisoformat(a["date"]) <= UNTIL
    }


@pytest.mark.parametrize("source", SOURCES)
def test_a_window_stores_exactly_its_edition_with_page_labels(replica, manifest, crawl_env, source):
    want = expected(replica, manifest, SOURCES[source])
    assert len(want) >= 10
    report = jobs.crawl(source, SINCE, UNTIL)
    assert report.status == "finished"
    with psycopg.connect(crawl_env) as conn:
        rows = conn.execute("SELECT url, edition, page_no, page_name FROM raw_pages").fetchall()
    assert {url for url, *_ in rows} == set(want)
    for url, edition, page_no, page_name in rows:
        assert (edition, page_no, page_name) == (want[url]["edition"], want[url]["page_no"], want[url]["page_name"])
    with psycopg.connect(crawl_env) as conn:
        spider = conn.execute("SELECT spider FROM crawl_runs WHERE id = %s", [report.crawl_run_id]).fetchone()[0]
    assert spider == source


@pytest.mark.parametrize("source", SOURCES)
def test_epaper_articles_are_extracted(replica, manifest, crawl_env, source):
    want = expected(replica, manifest, SOURCES[source])
    jobs.crawl(source, SINCE, UNTIL)
    report = jobs.process()
    assert report.loaded == len(want) and report.skipped == 0
    with psycopg.connect(crawl_env) as conn:
        rows = conn.execute("SELECT url, site, title, authors, channel, source,"
                            " (published_at AT TIME ZONE 'Asia/Shanghai')::date FROM articles")
        for url, site, title, authors, channel, paper, day in rows:
            exp = want[url]
            assert site == ("epaper_jnwb" if source == "epaper_jnwb" else "epaper_wxrb")
            assert (title, authors, channel, paper) == (exp["title"], exp["authors"], exp["page_name"], exp["edition"])
            assert str(day) == exp["date"]


def test_incremental_rerun_requests_no_article(replica, crawl_env):
    jobs.crawl("epaper_jnwb", SINCE, UNTIL)
    before = replica.requests.copy()
    again = jobs.crawl("epaper_jnwb", SINCE, UNTIL)
    fetched = replica.requests - before
    assert not [path for path in fetched if "/content/" in path]
    assert again.stats["pages_new"] == 0 and again.stats["list_pages"] > 0


def test_alias_url_is_the_same_article(replica, manifest):
    article = next(a for a in manifest["epaper_articles"] if a["alias_urls"])
    assert canonical_url(replica.base_url + article["alias_urls"][0]) == canonical_url(replica.base_url + article["url"])
