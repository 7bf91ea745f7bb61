"""wxrb_maintenance's steps on a real database: raw-page retention never loses a page an article
needs, VACUUM ANALYZE reaches every table."""

from datetime import UTC, datetime, timedelta
from hashlib import sha256

import psycopg
import pytest

from wxrb import jobs

NOW = datetime.now(UTC)


def raw_page(conn, url: str, age_days: int, content: str) -> int:
    body = f"<html><body>{content}</body></html>".encode()
    return conn.execute(
        "INSERT INTO raw_pages (url, final_url, fetched_at, http_status, used_encoding, body, body_sha256)"
        " VALUES (%s, %s, %s, 200, 'utf-8', %s, %s) RETURNING id",
        [url, url, NOW - timedelta(days=age_days), body, sha256(body).hexdigest()],
    ).fetchone()[0]


def article(conn, url: str, raw_id: int, older_raw_ids: tuple[int, ...] = ()) -> int:
    """An article on ``raw_id`` whose earlier versions came from ``older_raw_ids``."""
    article_id = conn.execute(
        "INSERT INTO articles (url, site, doc_id, title, body, paragraphs, char_count, parser, parser_version,"
        " content_hash, first_seen_at, raw_page_id)"
        " VALUES (%s, 'portal', 'd', '标题', '正文', '{正文}', 2, 'portal', '1', 'h', now(), %s) RETURNING id",
        [url, raw_id],
    ).fetchone()[0]
    for version, version_raw in enumerate((*older_raw_ids, raw_id), start=1):
        conn.execute(
            "INSERT INTO article_versions (article_id, version, content_hash, title, body, parser,"
            " parser_version, raw_page_id) VALUES (%s, %s, %s, '标题', '正文', 'portal', '1', %s)",
            [article_id, version, f"h{version}", version_raw],
        )
    return article_id


@pytest.fixture
def pages(dsn):
    """Raw pages of four URLs in every situation retention must tell apart."""
    with psycopg.connect(dsn) as conn:
        ids = {
            "a_old_unreferenced": raw_page(conn, "https://www.wxrb.com/a", 400, "a1"),
            "a_old_version": raw_page(conn, "https://www.wxrb.com/a", 300, "a2"),
            "a_current": raw_page(conn, "https://www.wxrb.com/a", 200, "a3"),
            # the newer fetch of b gave no article (flagged, say): the article stays on the old page
            "b_old_current": raw_page(conn, "https://www.wxrb.com/b", 400, "b1"),
            "b_newer_unused": raw_page(conn, "https://www.wxrb.com/b", 10, "b2"),
            "c_recent_superseded": raw_page(conn, "https://www.wxrb.com/c", 100, "c1"),
            "c_current": raw_page(conn, "https://www.wxrb.com/c", 5, "c2"),
            "d_only_fetch": raw_page(conn, "https://www.wxrb.com/d", 900, "d1"),
        }
        article(conn, "https://www.wxrb.com/a", ids["a_current"], (ids["a_old_version"],))
        article(conn, "https://www.wxrb.com/b", ids["b_old_current"])
        article(conn, "https://www.wxrb.com/c", ids["c_current"])
        conn.execute("INSERT INTO raw_page_processing (raw_page_id, parser, parser_version, status)"
                     " VALUES (%s, 'portal', '1', 'skipped')", [ids["a_old_unreferenced"]])
    return ids


def remaining(dsn, ids: dict) -> set[str]:
    with psycopg.connect(dsn) as conn:
        kept = {row[0] for row in conn.execute("SELECT id FROM raw_pages")}
    return {name for name, raw_id in ids.items() if raw_id in kept}


def test_retention_deletes_only_old_superseded_pages_nothing_points_to(dsn, pages):
    result = jobs.prune_raw_pages(180)
    assert result["deleted"] == 1 and result["bytes"] > 0
    assert remaining(dsn, pages) == set(pages) - {"a_old_unreferenced"}
    with psycopg.connect(dsn) as conn:  # its processing record went with it
        assert conn.execute("SELECT count(*) FROM raw_page_processing").fetchone()[0] == 0

    assert jobs.prune_raw_pages(180)["deleted"] == 0  # re-running deletes nothing more


def test_a_shorter_retention_reaches_younger_pages_but_never_referenced_ones(dsn, pages):
    jobs.prune_raw_pages(30)
    assert remaining(dsn, pages) == set(pages) - {"a_old_unreferenced", "c_recent_superseded"}

    jobs.prune_raw_pages(0)  # even with no retention at all
    assert remaining(dsn, pages) == {"a_old_version", "a_current", "b_old_current", "b_newer_unused",
                                     "c_current", "d_only_fetch"}


def test_vacuum_analyze_reaches_every_table(dsn, pages):
    tables = jobs.vacuum_analyze()
    assert {"articles", "raw_pages", "article_keywords", "crawl_runs"} <= set(tables)
    with psycopg.connect(dsn) as conn:
        never = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
            " AND (last_vacuum IS NULL OR last_analyze IS NULL)", [tables]).fetchall()
    assert never == []


def test_the_maintenance_command_runs_every_step_and_says_what_it_did(dsn, pages, capsys):
    from wxrb import cli

    assert cli.main(["maintenance", "--retention-days", "250"]) == 0
    out = capsys.readouterr().out
    assert "retention: 1 superseded raw pages older than 250 days deleted" in out, out
    assert remaining(dsn, pages) == set(pages) - {"a_old_unreferenced"}
    assert "corpus IDF:" in out and "VACUUM (ANALYZE):" in out and "materialized views refreshed: " in out
    with psycopg.connect(dsn) as conn:
        analyzed = conn.execute("SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL"
                                " FROM pg_stat_user_tables WHERE relname = 'raw_pages'").fetchone()[0]
    assert analyzed
