"""Every example query of docs/analyst-guide.md runs as the read-only role on the replica and returns rows."""

import re
from pathlib import Path

import psycopg
import pytest

from tests.conftest import replica_loaded

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "analyst-guide.md"
NAMED_SQL_BLOCK = re.compile(r"```sql\n-- query: (\w+)\n(.*?)```", re.DOTALL)


def guide_queries() -> dict[str, str]:
    blocks = NAMED_SQL_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    names = [name for name, _ in blocks]
    assert len(names) == len(set(names)), f"duplicate query names in the guide: {names}"
    return dict(blocks)


QUERIES = guide_queries()


@pytest.fixture(scope="module")
def loaded(replica, pg_server):
    """Portal, 无锡日报 and 江南晚报 over the whole replica, crawled and processed once for the module."""
    with replica_loaded(pg_server, replica, ("portal", "epaper_wxrb", "epaper_jnwb"), "guide") as dsn:
        yield dsn


@pytest.fixture(scope="module")
def analyst(loaded):
    """An autocommit connection acting as the read-only role wxrb_analyst."""
    with psycopg.connect(loaded, autocommit=True) as conn:
        conn.execute("SET ROLE wxrb_analyst")
        yield conn


def run(conn, name: str) -> list[dict]:
    cursor = conn.execute(QUERIES[name])
    columns = [d.name for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_the_guide_has_enough_uniquely_named_queries():
    assert len(QUERIES) >= 14


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_returns_rows_as_the_analyst_role(analyst, name):
    assert analyst.execute("SELECT current_user").fetchone()[0] == "wxrb_analyst"
    assert run(analyst, name), f"query {name} returned no rows on the replica"


def test_search_finds_only_articles_with_both_words(analyst):
    rows = run(analyst, "search_articles_for_words")
    ids = [row["url"] for row in rows]
    texts = analyst.execute("SELECT title || body FROM articles WHERE url = ANY(%s)", [ids]).fetchall()
    assert len(texts) == len(rows)
    assert all("锡山区" in text and "专精特新" in text for (text,) in texts)


def test_like_fallback_finds_every_article_with_the_string(analyst):
    rows = run(analyst, "search_with_like_fallback")
    expected = analyst.execute(
        "SELECT count(*) FROM articles WHERE strpos(title || body, '专精特新') > 0"
    ).fetchone()[0]
    assert len(rows) == expected
    assert len(rows) >= len(run(analyst, "search_articles_for_words"))


def test_stories_with_copies_ran_on_the_portal_and_in_print(analyst):
    rows = run(analyst, "copies_across_portal_and_print")
    by_story: dict[int, set[str]] = {}
    for row in rows:
        by_story.setdefault(row["story_id"], set()).add(row["site"])
        assert set(row["sites"]) == {"portal", "epaper_wxrb"}
    assert by_story and all(sites == {"portal", "epaper_wxrb"} for sites in by_story.values())


def test_one_article_per_story_preferring_the_portal(analyst):
    rows = run(analyst, "portal_copy_of_each_story")
    stories = analyst.execute("SELECT story_id, 'portal' = ANY(sites) FROM stories").fetchall()
    assert sorted(row["story_id"] for row in rows) == sorted(story_id for story_id, _ in stories)
    has_portal = dict(stories)
    assert all((row["site"] == "portal") == has_portal[row["story_id"]] for row in rows)


def test_xishan_towns_lie_in_xishan(analyst):
    rows = run(analyst, "towns_of_xishan_mentioned")
    names = [row["name"] for row in rows]
    inside = analyst.execute(
        "SELECT name FROM places WHERE name = ANY(%s) AND '锡山区' = ANY(ancestors)"
        " AND level IN ('town', 'street')",
        [names],
    ).fetchall()
    assert sorted(names) == sorted(name for (name,) in inside)
    assert "鹅湖镇" in names


def test_district_rollup_counts_at_least_the_direct_mentions(analyst):
    rows = run(analyst, "districts_in_the_news_over_time")
    assert {row["level"] for row in rows} <= {"district", "county_city"}
    assert all(row["articles_incl_subplaces"] >= row["naming_it"] for row in rows)
    assert "锡山区" in {row["place"] for row in rows}


def test_top_keywords_are_ranked_within_the_week(analyst):
    rows = run(analyst, "top_keywords_this_week")
    for method in {row["method"] for row in rows}:
        ranks = [row["rank_in_week"] for row in rows if row["method"] == method]
        assert ranks == sorted(ranks) and ranks[0] == 1 and ranks[-1] <= 20


def test_money_figures_are_in_yuan_biggest_first_once_per_story(analyst):
    rows = run(analyst, "biggest_money_figures_this_month")
    values = [row["yuan"] for row in rows]
    assert values == sorted(values, reverse=True) and values[0] >= 10**8
    assert len({(row["title"], row["raw"], row["what"]) for row in rows}) == len(rows)


def test_zhuanjingtexin_figures_are_about_zhuanjingtexin(analyst):
    rows = run(analyst, "zhuanjingtexin_figures")
    ids = list({row["article_id"] for row in rows})
    about = analyst.execute(
        "SELECT count(*) FROM articles WHERE id = ANY(%s) AND strpos(title || body, '专精特新') > 0", [ids]
    ).fetchone()[0]
    assert any("专精特新" in (row["what"] or "") for row in rows)
    assert about == len(ids)


def test_version_history_is_of_one_article_from_version_one(analyst):
    rows = run(analyst, "article_version_history")
    assert {(row["site"], row["doc_id"]) for row in rows} == {("portal", "466634")}
    assert [row["version"] for row in rows] == list(range(1, len(rows) + 1))


def test_front_page_is_page_a01_of_both_editions(analyst):
    rows = run(analyst, "front_page_leads")
    assert {row["edition"] for row in rows} == {"无锡日报", "江南晚报"}
    assert all(row["lead_paragraph"] for row in rows)
    layout = run(analyst, "print_page_layout")
    assert layout[0]["page_no"] == "A01" and len(layout) > 1


def test_crawl_health_shows_each_source(analyst):
    rows = run(analyst, "crawl_runs_health")
    assert {row["spider"] for row in rows} == {"portal", "epaper_wxrb", "epaper_jnwb"}
    assert all(row["status"] == "finished" and row["pages_new"] > 0 for row in rows)


def test_authors_are_ordered_by_articles(analyst):
    rows = run(analyst, "authors_with_most_articles")
    counts = [row["articles"] for row in rows]
    assert counts == sorted(counts, reverse=True) and len(rows) == 20


def test_every_table_view_and_articles_column_is_described(analyst):
    guide = GUIDE.read_text(encoding="utf-8")
    relations = [
        name
        for (name,) in analyst.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_name <> 'schema_migrations'"
        )
    ]
    assert len(relations) >= 15
    missing = [name for name in relations if f"#### `{name}`" not in guide]
    assert not missing, f"tables/views without a section in the guide: {missing}"
    columns = [
        name
        for (name,) in analyst.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = 'articles'"
        )
    ]
    undocumented = [name for name in columns if f"| `{name}` |" not in guide]
    assert not undocumented, f"articles columns missing from the guide: {undocumented}"


def test_the_role_cannot_write(analyst):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        analyst.execute("UPDATE articles SET title = title WHERE false")
