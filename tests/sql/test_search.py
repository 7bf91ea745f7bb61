"""Full-text search and the read-only analyst role, on replica articles loaded for real."""

from datetime import date, datetime

import psycopg
import pytest

from processing import search
from wxrb import jobs
from wxrb.cli import main


@pytest.fixture
def loaded(crawl_env):
    jobs.migrate()
    jobs.crawl("portal", date(2026, 11, 10), date(2026, 11, 21))
    jobs.process()
    return crawl_env


def bodies(conn) -> dict[str, tuple[str, str]]:
    return {url: (title, body) for url, title, body in conn.execute("SELECT url, title, body FROM articles")}


def test_every_article_has_tokens_and_a_search_vector(loaded):
    with psycopg.connect(loaded) as conn:
        missing = conn.execute("SELECT count(*) FROM articles WHERE search_vector = ''::tsvector"
                               " OR tokens_version IS NULL").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert total > 60 and missing == 0


@pytest.mark.parametrize("word", ["锡山区", "新吴区", "太湖"])
def test_search_finds_exactly_the_articles_containing_the_word(loaded, word):
    with psycopg.connect(loaded) as conn:
        expected = {url for url, (title, body) in bodies(conn).items() if word in title or word in body}
        hits = search.search(conn, word, limit=1000)
    assert expected, f"the replica should mention {word}"
    assert {h.url for h in hits} == expected
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks, reverse=True)


def test_a_phrase_is_segmented_and_every_word_is_required(loaded):
    with psycopg.connect(loaded) as conn:
        both = {url for url, (t, b) in bodies(conn).items() if "锡山区" in t + b and "企业" in t + b}
        hits = {h.url for h in search.search(conn, "锡山区企业", limit=1000)}
    assert search.query_words("锡山区企业") == "锡山区 企业"
    assert hits == both


def test_title_matches_rank_above_body_matches(loaded):
    with psycopg.connect(loaded) as conn:
        title, = conn.execute("SELECT title FROM articles ORDER BY id LIMIT 1").fetchone()
        word = search.query_words(title).split()[0]
        hits = search.search(conn, word, limit=1000)
    in_title = [h.rank for h in hits if word in h.title]
    in_body_only = [h.rank for h in hits if word not in h.title]
    assert in_title and (not in_body_only or min(in_title) > max(in_body_only) * 0.5)


def test_date_filter_uses_shanghai_dates(loaded):
    with psycopg.connect(loaded) as conn:
        day = date(2026, 11, 14)
        hits = search.search(conn, "无锡", since=day, until=day, limit=1000)
        expected = conn.execute(
            "SELECT count(*) FROM articles WHERE (published_at AT TIME ZONE 'Asia/Shanghai')::date = %s"
            " AND (title LIKE '%%无锡%%' OR body LIKE '%%无锡%%')", [day]).fetchone()[0]
    assert len(hits) == expected > 0


def test_search_command(loaded, capsys):
    assert main(["search", "锡山区", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6  # three hits, two lines each: rank, date, site, title / the URL
    assert all(line.strip().startswith("http") for line in lines[1::2])


def test_search_command_shows_shanghai_times(loaded, manifest, capsys):
    seed = next(a for a in manifest["articles"] if "mirror_garbling" in a["noise"])
    assert main(["search", seed["title"].split()[0], "--limit", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    shown = datetime.fromisoformat(seed["published_at"]).strftime("%Y-%m-%d %H:%M")  # +08:00 in the manifest
    assert shown in first, first


def test_analyst_role_reads_and_cannot_write(loaded):
    with psycopg.connect(loaded, autocommit=True) as conn:
        conn.execute("SET ROLE wxrb_analyst")
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM search_articles('无锡')").fetchone()[0] > 0
        for statement in ("INSERT INTO crawl_runs (spider) VALUES ('portal')",
                          "UPDATE articles SET title = 'x'",
                          "DELETE FROM article_keywords",
                          "TRUNCATE raw_pages",
                          "CREATE TABLE public.mine (x int)",
                          "DROP TABLE articles"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
