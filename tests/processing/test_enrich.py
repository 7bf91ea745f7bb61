"""Entities, figures, places and story clusters as loaded into PostgreSQL from the replica."""

from datetime import date

import psycopg
import pytest

from processing.stage import reprocess
from processing.urls import canonical_url
from tests.conftest import replica_loaded

START, END = date(2026, 11, 10), date(2026, 11, 21)


@pytest.fixture(scope="module")
def loaded(replica, pg_server):
    """Portal and 无锡日报 over the whole replica, crawled and processed once for the module."""
    with replica_loaded(pg_server, replica, ("portal", "epaper_wxrb"), "enrich") as dsn:
        yield dsn


def test_copies_of_a_story_share_exactly_one_story_id(loaded, manifest, replica):
    dsn = loaded
    url = lambda path: canonical_url(replica.base_url + path)  # noqa: E731
    expected = {frozenset({url(e["url"]), url(e["same_story_as"])})
                for e in manifest["epaper_articles"] if e["site"] == "epaper_wxrb" and e["same_story_as"]}
    with psycopg.connect(dsn) as conn:
        stories = conn.execute("SELECT story_id, array_agg(url ORDER BY url) FROM articles"
                               " GROUP BY story_id HAVING count(*) > 1").fetchall()
        unclustered = conn.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0]
    assert expected and {frozenset(urls) for _, urls in stories} == expected
    assert unclustered == 0


def test_the_seed_article_names_its_places_people_and_figures(loaded):
    dsn = loaded
    with psycopg.connect(dsn) as conn:
        article_id, = conn.execute("SELECT id FROM articles WHERE '尹晖' = ANY(authors)").fetchone()
        places = dict(conn.execute("SELECT name, mentions FROM article_entities"
                                   " WHERE article_id = %s AND kind = 'place'", [article_id]).fetchall())
        people = dict(conn.execute("SELECT name, role FROM article_entities"
                                   " WHERE article_id = %s AND kind = 'person'", [article_id]).fetchall())
        figures = conn.execute("SELECT what, value, unit FROM article_figures WHERE article_id = %s",
                               [article_id]).fetchall()
        ancestors, = conn.execute("SELECT ancestors FROM places WHERE name = '鹅湖镇'").fetchone()
    assert places["锡山区"] >= 5 and "鹅湖镇" in places
    assert people.get("方力") == "区委书记"
    assert ("新增省级以上专精特新企业", 78, "家") in {(w, int(v), u) for w, v, u in figures if v == int(v)}
    assert ancestors == ["锡山区", "无锡市"]


def test_every_article_has_entities_signature_and_versions(loaded):
    dsn = loaded
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE minhash IS NULL OR nlp_version IS NULL),"
            " count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = a.id))"
            " FROM articles a").fetchone()
    total, unsigned, without_entities = row
    assert total > 250 and unsigned == 0
    assert without_entities < total * 0.05  # nearly every Wuxi story names a place


def test_reprocessing_keeps_stories_entities_and_figures(loaded):
    dsn = loaded
    snapshot_sql = ("SELECT (SELECT array_agg(story_id ORDER BY id) FROM articles),"
                    " (SELECT count(*) FROM article_entities), (SELECT sum(value) FROM article_figures)")
    with psycopg.connect(dsn) as conn:
        before = conn.execute(snapshot_sql).fetchone()
        report = reprocess(conn, START, END)
        after = conn.execute(snapshot_sql).fetchone()
    assert report.new_versions == 0 and after == before


def test_corpus_idf_makes_common_words_weigh_less_and_is_used_from_then_on(loaded):
    from processing import idf

    dsn = loaded
    with psycopg.connect(dsn, autocommit=True) as conn:
        bundled = dict(conn.execute("SELECT keyword, count(*) FROM article_keywords WHERE method = 'tfidf_jieba'"
                                    " GROUP BY keyword").fetchall())
        version = idf.compute(conn)
        weights = dict(conn.execute("SELECT term, idf FROM corpus_idf WHERE version = %s"
                                    " AND term IN ('企业', '锡山区', '鹅湖镇')", [version]).fetchall())
        reprocess(conn, START, END)
        methods = conn.execute("SELECT DISTINCT method, model_version FROM article_keywords").fetchall()
        corpus = dict(conn.execute("SELECT keyword, count(*) FROM article_keywords WHERE method = 'tfidf_corpus'"
                                   " GROUP BY keyword").fetchall())
        again = idf.compute(conn)
        versions = conn.execute("SELECT count(*) FROM corpus_idf_versions").fetchone()[0]
    assert weights["企业"] < weights["锡山区"] < weights["鹅湖镇"]
    assert set(methods) == {("tfidf_corpus", version), ("textrank_jieba", "jieba-0.42.1")}
    # 企业 tops the bundled-IDF keywords of this corpus; against the corpus itself it weighs less
    assert corpus.get("企业", 0) < bundled["企业"]
    assert again != version and versions == 2
