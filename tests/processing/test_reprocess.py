"""Reprocessing stored raw pages and the article_versions history, against a real PostgreSQL."""

from datetime import date

import psycopg
import pytest

from processing import parsers
from processing.parsers.portal import PortalArticleV1
from processing.stage import process_pending, reprocess
from tests.processing.test_stage import insert_raw_page
from wxrb import jobs

DAY = date(2026, 11, 20)


class PortalArticleTestV2(PortalArticleV1):
    """A stand-in for a layout-change version: it reads the same page, and marks its titles."""

    version = "2-test"
    valid_from = date(2026, 11, 21)

    def title(self):
        return super().title() + "【V2】"


@pytest.fixture
def loaded(crawl_env):
    jobs.crawl("portal", DAY, date(2026, 11, 21))
    jobs.process()
    return crawl_env


def snapshot(dsn) -> dict:
    with psycopg.connect(dsn) as conn:
        return {
            "articles": conn.execute("SELECT url, content_hash, updated_at, parser_version FROM articles"
                                     " ORDER BY url").fetchall(),
            "versions": conn.execute("SELECT article_id, version, content_hash FROM article_versions"
                                     " ORDER BY 1, 2").fetchall(),
        }


def test_first_load_records_version_one_per_article(loaded):
    state = snapshot(loaded)
    assert len(state["articles"]) > 5
    assert [v for _, v, _ in state["versions"]] == [1] * len(state["articles"])


def test_reprocessing_unchanged_content_adds_no_version_and_touches_nothing(loaded):
    before = snapshot(loaded)
    with psycopg.connect(loaded) as conn:
        report = reprocess(conn, DAY, date(2026, 11, 21))
    assert report.pending == len(before["articles"]) and report.loaded == report.pending
    assert report.new_versions == 0
    assert snapshot(loaded) == before


def test_date_range_limits_the_pages(loaded):
    with psycopg.connect(loaded) as conn:
        on_day = conn.execute("SELECT count(*) FROM articles WHERE url LIKE %s",
                              [f"%/doc/{DAY:%Y/%m/%d}/%"]).fetchone()[0]
        report = reprocess(conn, DAY, DAY)
    assert report.pending == on_day > 0


def test_new_parser_version_from_a_date_makes_new_versions_once(loaded, monkeypatch):
    monkeypatch.setitem(parsers.PARSERS, "portal", [PortalArticleV1, PortalArticleTestV2])
    with psycopg.connect(loaded) as conn:
        first = reprocess(conn, parser="portal")
        again = reprocess(conn, parser="portal")
        rows = conn.execute("SELECT a.url, a.title, a.parser_version, max(v.version), count(v.*)"
                            " FROM articles a JOIN article_versions v ON v.article_id = a.id"
                            " GROUP BY a.id ORDER BY a.url").fetchall()
    changed = [r for r in rows if "/2026/11/21/" in r[0]]
    kept = [r for r in rows if "/2026/11/20/" in r[0]]
    assert changed and kept
    # Pages dated from valid_from on are read by the new version, older ones by V1 as before.
    assert all(title.endswith("【V2】") and pv == "2-test" and (last, n) == (2, 2)
               for _, title, pv, last, n in changed)
    assert all(not title.endswith("【V2】") and pv == "1" and (last, n) == (1, 1) for _, title, pv, last, n in kept)
    assert first.new_versions == len(changed) and again.new_versions == 0


def test_forcing_an_old_version_reproduces_its_rows(loaded, monkeypatch):
    monkeypatch.setitem(parsers.PARSERS, "portal", [PortalArticleV1, PortalArticleTestV2])
    with psycopg.connect(loaded) as conn:
        reprocess(conn, parser="portal")
        back = reprocess(conn, parser="portal", version="1")
        versions = conn.execute("SELECT v.version, v.title, v.parser_version FROM article_versions v"
                                " JOIN articles a ON a.id = v.article_id WHERE a.url LIKE '%/2026/11/21/%'"
                                " ORDER BY a.url, v.version LIMIT 3").fetchall()
    assert back.new_versions > 0
    assert [(v, pv) for v, _, pv in versions] == [(1, "1"), (2, "2-test"), (3, "1")]
    assert versions[0][1] == versions[2][1]  # the same content as the first time, as a new version


def test_unknown_parser_or_version_is_a_clear_error(loaded):
    with psycopg.connect(loaded) as conn:
        with pytest.raises(ValueError, match="unknown parser 'nope'"):
            reprocess(conn, parser="nope")
        with pytest.raises(ValueError, match="no version '9'"):
            reprocess(conn, parser="portal", version="9")


def test_garbled_page_is_flagged_not_loaded(dsn):
    # An article page whose body is mostly bytes that do not decode: U+FFFD everywhere.
    junk = ("\ufffd" * 400).encode()
    page = ("<html><head><meta charset='utf-8'></head><body><div class='bigTit'><h1><strong>标题</strong>"
            "</h1></div><div class='ldate'><p><span>2026</span></p><p>11/21</p><p>08:00</p></div>"
            "<div id='zoom'><p>").encode() + junk + "</p><p>正文一段。</p></div></body></html>".encode()
    with psycopg.connect(dsn, autocommit=True) as conn:
        raw_id = insert_raw_page(conn, "https://www.wxrb.com/doc/2026/11/21/3.shtml", page)
        report = process_pending(conn)
        status, message = conn.execute("SELECT status, message FROM raw_page_processing WHERE raw_page_id = %s",
                                       [raw_id]).fetchone()
        n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert (report.flagged, report.loaded, n_articles) == (1, 0, 0)
    assert status == "flagged" and "garble_ratio" in message
