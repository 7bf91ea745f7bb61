"""The processing stage and the quality check against a real PostgreSQL."""

import hashlib
import urllib.request
from datetime import date, datetime

import psycopg
import pytest

from processing.stage import process_pending
from wxrb import jobs


def insert_raw_page(conn, url: str, body: bytes, crawl_run_id=None) -> int:
    return conn.execute(
        "INSERT INTO raw_pages (url, final_url, fetched_at, http_status, headers, used_encoding,"
        " body, body_sha256, crawl_run_id) VALUES (%s, %s, now(), 200, '{}', 'utf-8', %s, %s, %s)"
        " RETURNING id",
        [url, url, body, hashlib.sha256(body).hexdigest(), crawl_run_id],
    ).fetchone()[0]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def counts(conn) -> tuple:
    return conn.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_keywords),"
        " (SELECT count(*) FROM raw_page_processing), (SELECT max(updated_at) FROM articles)"
    ).fetchone()


@pytest.fixture
def loaded(crawl_env):
    """The replica's last three days crawled for real and processed."""
    dsn = crawl_env
    crawl = jobs.crawl("portal", date(2026, 11, 19), date(2026, 11, 21))
    report = jobs.process()
    return dsn, crawl, report


def test_every_crawled_page_becomes_an_article(loaded, manifest, replica):
    dsn, crawl, report = loaded
    expected = {replica.base_url + a["url"]: a for a in manifest["articles"] if a["date"] >= "2026-11-19"}
    assert report.loaded == len(expected) == crawl.stats["pages_new"]
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT url, title, published_at, authors, char_count, body FROM articles").fetchall()
    assert {url for url, *_ in rows} == set(expected)
    for url, title, published_at, authors, char_count, body in rows:
        assert title == expected[url]["title"]
        assert published_at == datetime.fromisoformat(expected[url]["published_at"])
        assert authors == expected[url]["authors"]
        assert char_count == len(body.replace("\n", ""))


def test_keywords_are_stored_ranked(loaded):
    dsn, _, _ = loaded
    with psycopg.connect(dsn) as conn:
        per_article = conn.execute(
            "SELECT a.id, k.method, count(k.*), min(k.rank), bool_and(length(k.keyword) >= 2)"
            " FROM articles a LEFT JOIN article_keywords k ON k.article_id = a.id GROUP BY a.id, k.method"
        ).fetchall()
    assert per_article
    # too few articles for a corpus IDF yet: jieba's bundled table, and TextRank beside it
    assert {method for _, method, *_ in per_article} == {"tfidf_jieba", "textrank_jieba"}
    for _, _, n, top_rank, length_ok in per_article:
        assert n >= 3 and top_rank == 1 and length_ok


def test_second_run_changes_nothing(loaded):
    dsn, _, _ = loaded
    with psycopg.connect(dsn) as conn:
        before = counts(conn)
        report = process_pending(conn)
        assert (report.pending, report.loaded) == (0, 0)
        assert counts(conn) == before


def test_changed_page_updates_the_article_in_place(loaded):
    dsn, _, _ = loaded
    with psycopg.connect(dsn, autocommit=True) as conn:
        url, old_id, title, first_seen, old_hash = conn.execute(
            "SELECT a.url, a.id, a.title, a.first_seen_at, a.content_hash FROM articles a ORDER BY a.url LIMIT 1"
        ).fetchone()
        old_body = bytes(conn.execute(
            "SELECT r.body FROM raw_pages r JOIN articles a ON a.raw_page_id = r.id WHERE a.url = %s", [url]
        ).fetchone()[0])
        new_body = old_body.replace(title.encode(), (title + "（更新）").encode())
        new_raw = insert_raw_page(conn, url, new_body)
        n_before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        report = process_pending(conn)
        assert (report.pending, report.loaded) == (1, 1)
        row = conn.execute(
            "SELECT id, title, raw_page_id, first_seen_at, content_hash FROM articles WHERE url = %s", [url]
        ).fetchone()
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n_before
    assert row == (old_id, title + "（更新）", new_raw, first_seen, row[4])
    assert row[4] != old_hash


def test_page_without_an_article_is_skipped_with_a_reason(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        raw_id = insert_raw_page(conn, "https://www.wxrb.com/doc/2026/11/21/1.shtml", b"<html><body>404</body></html>")
        report = process_pending(conn)
        status, message = conn.execute(
            "SELECT status, message FROM raw_page_processing WHERE raw_page_id = %s", [raw_id]
        ).fetchone()
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert (report.loaded, report.skipped) == (0, 1)
    assert status == "skipped" and "no title" in message


def test_quality_check_passes_on_a_clean_load(loaded):
    _, crawl, _ = loaded
    result = jobs.check_quality([crawl.crawl_run_id])
    assert result["articles_loaded"] == crawl.stats["pages_new"] > 0


def test_quality_check_fails_on_footer_in_a_body(loaded):
    dsn, crawl, _ = loaded
    with psycopg.connect(dsn, autocommit=True) as conn:
        url = conn.execute("SELECT url FROM articles ORDER BY url LIMIT 1").fetchone()[0]
        conn.execute("UPDATE articles SET body = body || '苏ICP备05004020号' WHERE url = %s", [url])
    with pytest.raises(jobs.QualityCheckFailed, match="footer") as failure:
        jobs.check_quality([crawl.crawl_run_id])
    assert url in str(failure.value)


def test_quality_check_fails_when_nothing_was_loaded(dsn):
    with psycopg.connect(dsn, autocommit=True) as conn:
        run_id = conn.execute("INSERT INTO crawl_runs (spider) VALUES ('portal') RETURNING id").fetchone()[0]
        insert_raw_page(conn, "https://www.wxrb.com/doc/2026/11/21/2.shtml", b"<html>changed layout</html>", run_id)
        process_pending(conn)
    with pytest.raises(jobs.QualityCheckFailed, match="no article was loaded"):
        jobs.check_quality([run_id])


def test_many_small_batches_each_commit(crawl_env):
    crawl = jobs.crawl("portal", date(2026, 11, 17), date(2026, 11, 21))
    with psycopg.connect(crawl_env) as conn:
        report = process_pending(conn, batch_size=4)
    assert report.loaded == crawl.stats["pages_new"] > 8  # three batches at least
    with psycopg.connect(crawl_env) as other:  # committed, visible to anyone
        assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == report.loaded
