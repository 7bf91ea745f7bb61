"""Migrations against a real (embedded) PostgreSQL."""

import threading

import psycopg
import pytest

from wxrb import db

# Column names the issue fixes as a contract for analysts and later stages.
CONTRACT = {
    "crawl_runs": {"id", "spider", "started_at", "finished_at", "status", "stats"},
    "raw_pages": {"url", "final_url", "fetched_at", "http_status", "headers", "declared_encoding",
                  "used_encoding", "body", "body_sha256", "crawl_run_id"},
    "articles": {"id", "url", "site", "doc_id", "channel", "title", "published_at", "source", "authors",
                 "body", "paragraphs", "parser", "parser_version", "content_hash", "first_seen_at",
                 "updated_at", "raw_page_id", "kicker", "subtitle", "published_at_source", "photographers",
                 "editor", "page_no", "page_name", "lead", "images", "char_count", "cleaning", "original_text",
                 "encoding_declared", "encoding_used", "garble_ratio"},
    "article_versions": {"article_id", "version", "content_hash", "title", "body", "parser", "parser_version"},
    "article_keywords": {"article_id", "keyword", "weight", "method"},
}


def columns(conn, table: str) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
    ).fetchall()
    return {name for (name,) in rows}


def test_upgrade_applies_every_migration_once(empty_dsn):
    files = [m.path.name for m in db.migrations()]
    with psycopg.connect(empty_dsn) as conn:
        assert db.upgrade(conn) == files
        assert db.upgrade(conn) == []
        recorded = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [v for (v,) in recorded] == [m.version for m in db.migrations()]


def test_schema_has_the_contract_columns(dsn):
    with psycopg.connect(dsn) as conn:
        for table, expected in CONTRACT.items():
            missing = expected - columns(conn, table)
            assert not missing, f"{table} lacks {missing}"


def test_every_table_and_column_is_documented(dsn):
    """Analysts read the schema with \\d+: every column of ours carries a comment."""
    with psycopg.connect(dsn) as conn:
        undocumented = conn.execute(
            "SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c"
            " WHERE c.table_schema = 'public' AND c.table_name IN ('articles', 'raw_pages', 'crawl_runs', 'article_versions')"
            " AND col_description((c.table_schema || '.' || c.table_name)::regclass, c.ordinal_position) IS NULL"
            " AND c.column_name NOT IN ('id', 'body', 'title', 'url', 'fetched_at', 'http_status',"
            "  'spider', 'started_at', 'finished_at', 'base_url', 'crawl_run_id')"
        ).fetchall()
    assert undocumented == []


def test_concurrent_upgrades_do_not_collide(empty_dsn):
    errors = []

    def run():
        try:
            with psycopg.connect(empty_dsn) as conn:
                db.upgrade(conn)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(empty_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(db.migrations())


def test_unreachable_database_gives_a_clear_error(tmp_path):
    with pytest.raises(db.DatabaseUnavailable, match="cannot connect to the article database"):
        db.connect(f"postgresql://postgres@/nope?host={tmp_path}&connect_timeout=2")


def test_article_fields_are_the_articles_columns(dsn):
    """One contract: every field of the Article dataclass is a column of the same name."""
    from dataclasses import fields

    from processing.article import Article

    with psycopg.connect(dsn) as conn:
        missing = {f.name for f in fields(Article)} - columns(conn, "articles")
    assert missing == set()
