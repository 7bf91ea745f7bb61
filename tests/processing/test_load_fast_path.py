"""processing.load.load_batch against a real PostgreSQL: new articles are COPYed straight into their
tables, stored ones are compared first and only those that differ are merged; the result must be what
the staging-and-merge load always wrote (test_reprocess.py and test_stage.py cover it on the replica)."""

from __future__ import annotations

import copy
import itertools
import os
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql

from processing import load
from processing.article import Article
from processing.entities import Entity
from processing.figures import Figure
from processing.load import PageResult, load_batch
from tests.processing.test_stage import insert_raw_page
from wxrb import db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEN = datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)
IMAGES = [{"src": "https://www.wxrb.com/a.jpg", "caption": None}]
TABLES = {  # what identifies a row of each table the load writes, for comparing row versions (xmin)
    "articles": "url",
    "article_versions": "article_id, version",
    "article_keywords": "article_id, method, keyword",
    "article_entities": "article_id, kind, name",
    "article_figures": "article_id, ordinal",
}
_logins = itertools.count()


@pytest.fixture
def conn(dsn):
    with psycopg.connect(dsn, autocommit=True) as connection:
        yield connection


def page(conn, n: int, **article_fields) -> PageResult:
    """A loaded PageResult for a new raw page of article ``n``, every detail filled in."""
    url = f"https://www.wxrb.com/doc/2026/11/20/{900 + n}.shtml"
    raw_id = insert_raw_page(conn, url, f"<html>{n}</html>".encode())
    fields = dict(url=url, site="portal", doc_id=str(900 + n), title=f"标题{n}",
                  published_at=SEEN - timedelta(hours=n), published_at_source="page", authors=["张三"],
                  channel="无锡新闻", paragraphs=[f"第{n}篇的正文。", "第二段。"], parser="portal",
                  parser_version="1", images=IMAGES, cleaning={"pinyin_notes": 0}, encoding_used="utf-8",
                  garble_ratio=0.013)
    article = Article(**{**fields, **article_fields})
    return PageResult(
        raw_id, url, SEEN, "portal", "1", article,
        keywords=[("tfidf_jieba", "jieba-0.42.1", [("无锡", 0.37), ("滨湖区", 0.1234567)]),
                  ("textrank_jieba", "jieba-0.42.1", [("发展", 1.0), ("无锡", 0.3)])],
        tokens=("t1", f"标题 {n}", f"第 {n} 篇 正文"),
        entities=[Entity("place", "滨湖区", 2), Entity("person", "张三", 1, role="记者")],
        figures=[Figure(Decimal("350000"), "平方米", "area", "厂房", "约", "35万平方米", Decimal("35"),
                        "万", "厂房约35万平方米。", 0, 6)],
        minhash=b"\x01\x02", nlp_version="dict 1 / extractors 1")


def skipped(conn, n: int, flagged: bool = False) -> PageResult:
    url = f"https://www.wxrb.com/doc/2026/11/20/{800 + n}.shtml"
    raw_id = insert_raw_page(conn, url, b"not html")
    return PageResult(raw_id, url, SEEN, "portal", "1", skip_reason="NotHtmlError: x", flagged=flagged)


def row_versions(conn) -> dict:
    """The xmin of every row the load writes: a row rewritten (or deleted and inserted) gets a new one."""
    return {table: dict(conn.execute(f"SELECT ({key})::text, xmin::text FROM {table}").fetchall())
            for table, key in TABLES.items()}


def changed_rows(before: dict, after: dict) -> dict:
    return {table: sorted(key for key in set(before[table]) | set(after[table])
                          if before[table].get(key) != after[table].get(key))
            for table in TABLES if before[table] != after[table]}


def test_a_first_load_writes_every_row(conn):
    results = [page(conn, 1), page(conn, 2), skipped(conn, 3), skipped(conn, 4, flagged=True)]
    assert load_batch(conn, results) == 2
    articles = conn.execute("SELECT url, title, garble_ratio, images, story_id, search_vector IS NOT NULL,"
                            " updated_at > now() - interval '1 minute' FROM articles ORDER BY url").fetchall()
    assert articles == [(results[0].url, "标题1", pytest.approx(0.013), IMAGES, None, True, True),
                        (results[1].url, "标题2", pytest.approx(0.013), IMAGES, None, True, True)]
    versions = conn.execute("SELECT count(*), min(version), max(version) FROM article_versions").fetchone()
    assert versions == (2, 1, 1)
    assert conn.execute("SELECT a.url, k.method, k.keyword, k.rank FROM article_keywords k JOIN articles a"
                        " ON a.id = k.article_id WHERE a.url = %s ORDER BY 2, 4",
                        [results[0].url]).fetchall() == [
        (results[0].url, "textrank_jieba", "发展", 1), (results[0].url, "textrank_jieba", "无锡", 2),
        (results[0].url, "tfidf_jieba", "无锡", 1), (results[0].url, "tfidf_jieba", "滨湖区", 2)]
    assert conn.execute("SELECT count(*) FROM article_entities").fetchone()[0] == 4
    assert conn.execute("SELECT value, display_value, magnitude FROM article_figures").fetchall() == [
        (Decimal("350000"), Decimal("35"), "万")] * 2
    processing = conn.execute("SELECT p.raw_page_id, p.status, a.url, p.message FROM raw_page_processing p"
                              " LEFT JOIN articles a ON a.id = p.article_id ORDER BY 1").fetchall()
    assert processing == [(results[0].raw_page_id, "loaded", results[0].url, None),
                          (results[1].raw_page_id, "loaded", results[1].url, None),
                          (results[2].raw_page_id, "skipped", None, "NotHtmlError: x"),
                          (results[3].raw_page_id, "flagged", None, "NotHtmlError: x")]


def test_loading_unchanged_results_again_writes_no_article_or_detail_row(conn):
    results = [page(conn, 1), page(conn, 2), skipped(conn, 3)]
    load_batch(conn, results)
    before = row_versions(conn)
    processed = conn.execute("SELECT max(processed_at) FROM raw_page_processing").fetchone()[0]
    assert load_batch(conn, copy.deepcopy(results)) == 0
    assert changed_rows(before, row_versions(conn)) == {}
    assert conn.execute("SELECT count(*) FROM raw_page_processing WHERE processed_at > %s",
                        [processed]).fetchone()[0] == 3, "every raw page's status is recorded again"


def _new_title(r):
    r.article.title += "（更新）"


def _new_weight(r):
    r.keywords[0] = (*r.keywords[0][:2], [("无锡", 0.5), ("滨湖区", 0.1234567)])


def _earlier(r):
    r.first_seen_at -= timedelta(days=1)


def _later(r):
    r.first_seen_at += timedelta(days=1)


def _not_compared(r):
    r.article.original_text = "merge_articles does not compare original_text"


def _bool_for_number(r):
    r.article.cleaning = {"pinyin_notes": False}  # jsonb false is not 0


def _nlp_version(r):
    r.nlp_version = "dict 2 / extractors 1"


def _fewer_entities(r):
    r.entities = r.entities[:1]


@pytest.mark.parametrize(("change", "versions", "expected"), [
    (_new_title, 1, {"articles": [()], "article_versions": [(2,)]}),
    (_new_weight, 0, {"article_keywords": [("tfidf_jieba", "无锡")]}),
    (_earlier, 0, {"articles": [()]}),
    (_later, 0, {}),
    (_not_compared, 0, {}),
    (_bool_for_number, 0, {"articles": [()]}),
    (_nlp_version, 0, {"articles": [()]}),
    (_fewer_entities, 0, {"article_entities": [("person", "张三")]}),
], ids=lambda value: getattr(value, "__name__", None))
def test_only_what_differs_is_written(conn, change, versions, expected):
    """``expected``: per table, the keys (after the article's id) of the first article's rows written."""
    results = [page(conn, 1), page(conn, 2)]
    load_batch(conn, results)
    conn.execute("UPDATE articles SET story_id = 7")
    first = conn.execute("SELECT id FROM articles WHERE url = %s", [results[0].url]).fetchone()[0]
    before = row_versions(conn)
    again = copy.deepcopy(results)
    change(again[0])
    assert load_batch(conn, again) == versions
    named = {table: [results[0].url if table == "articles" else f"({','.join(map(str, (first, *key)))})"
                     for key in keys] for table, keys in expected.items()}
    assert changed_rows(before, row_versions(conn)) == named
    story, moved = conn.execute("SELECT story_id, updated_at > (SELECT min(created_at) FROM article_versions)"
                                " FROM articles WHERE id = %s", [first]).fetchone()
    assert (story, moved) == ((None, True) if versions else (7, False)), "content changes reset the story"


def test_a_batch_mixing_new_unchanged_and_changed_articles(conn):
    stored = [page(conn, 1), page(conn, 2)]
    load_batch(conn, stored)
    again = copy.deepcopy(stored)
    again[1].article.paragraphs.append("新增一段。")
    new = page(conn, 3)
    assert load_batch(conn, [*again, new]) == 2
    newest = conn.execute("SELECT a.url, max(v.version) FROM articles a JOIN article_versions v"
                          " ON v.article_id = a.id GROUP BY 1 ORDER BY 1").fetchall()
    assert newest == [(stored[0].url, 1), (stored[1].url, 2), (new.url, 1)]
    assert conn.execute("SELECT count(*) FROM article_keywords").fetchone()[0] == 12


def test_a_key_repeated_within_a_new_article_keeps_the_first_row(conn):
    result = page(conn, 1)
    result.keywords[0] = (*result.keywords[0][:2], [("无锡", 0.37), ("无锡", 0.2)])
    assert load_batch(conn, [result]) == 1
    kept = conn.execute("SELECT keyword, weight, rank FROM article_keywords"
                        " WHERE method = 'tfidf_jieba'").fetchall()
    assert kept == [("无锡", pytest.approx(0.37), 1)]


def test_an_article_stored_meanwhile_by_another_load_is_merged(conn, dsn, monkeypatch):
    """Between the lookup and the COPY another transaction commits the same URL: the merge decides."""
    ours = page(conn, 1)
    theirs = copy.deepcopy(ours)
    theirs.article.title = "另一个进程的标题"
    copy_new = load._copy_new

    def racing(cursor, new):
        monkeypatch.setattr(load, "_copy_new", copy_new)  # the other load copies as usual
        with psycopg.connect(dsn, autocommit=True) as other:
            load_batch(other, [theirs])
        return copy_new(cursor, new)

    monkeypatch.setattr(load, "_copy_new", racing)
    assert load_batch(conn, [ours]) == 1
    assert conn.execute("SELECT a.title, v.version, v.title FROM articles a JOIN article_versions v"
                        " ON v.article_id = a.id ORDER BY 2").fetchall() == [
        ("标题1", 1, "另一个进程的标题"), ("标题1", 2, "标题1")]


def test_a_url_twice_in_one_batch_fails_as_the_merge_always_did(conn):
    first = page(conn, 1)
    second = copy.deepcopy(first)
    second.raw_page_id = insert_raw_page(conn, first.url, b"<html>other</html>")
    with pytest.raises(psycopg.errors.CardinalityViolation):
        load_batch(conn, [first, second])
    assert conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM raw_page_processing)"
                        ).fetchone() == (0, 0), "the batch is one transaction"


def test_the_copy_types_are_the_columns_types(conn):
    for table, columns, types in (
            ("articles", load.ARTICLE_COLUMNS, load.ARTICLE_TYPES),
            ("article_versions", load.VERSION_COLUMNS, load.VERSION_TYPES),
            ("article_keywords", load.KEYWORD_COLUMNS, load.KEYWORD_TYPES),
            ("article_entities", load.ENTITY_COLUMNS, load.ENTITY_TYPES),
            ("article_figures", load.FIGURE_COLUMNS, load.FIGURE_TYPES)):
        assert len(columns) == len(types)
        declared = dict(conn.execute(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = %s::regclass"
            " AND attnum > 0 AND NOT attisdropped", [table]).fetchall())
        meant = [conn.execute("SELECT format_type(%s::regtype, NULL)", [t]).fetchone()[0] for t in types]
        assert [declared[c] for c in columns] == meant, table


@pytest.fixture
def loader_conn(dsn, pg_server):
    """A connection of a login in wxrb_loader, the role the pipeline writes with."""
    name = f"wxrb_test_loader_{os.getpid()}_{next(_logins)}"
    with psycopg.connect(dsn, autocommit=True) as owner:
        loader_dsn = db.create_login(owner, name, "loader", "not-checked-here")
    try:
        with psycopg.connect(loader_dsn, autocommit=True) as connection:
            yield connection
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_the_loader_role_may_run_every_path(conn, loader_conn):
    results = [page(conn, 1), page(conn, 2)]
    assert load_batch(loader_conn, results) == 2
    assert load_batch(loader_conn, results) == 0
    results[0].article.title += "（更新）"
    assert load_batch(loader_conn, results) == 1
    assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 3
