"""wxrb_daily's steps after process, on the replica loaded for real: enrich, the quality view the
SQL checks read, extraction drift, and the materialized views."""

from datetime import date

import psycopg
import pytest

from processing import boilerplate
from processing.stage import nlp_version
from tests.conftest import REPLICA_END, REPLICA_START, replica_loaded
from wxrb import config, jobs


@pytest.fixture(scope="module")
def loaded(pg_server, replica):
    with replica_loaded(pg_server, replica, config.DAILY_SOURCES, "daily_steps") as dsn:
        yield dsn


@pytest.fixture
def database(loaded, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", loaded)
    return loaded


def quality(dsn, site: str, day: date) -> dict:
    with psycopg.connect(dsn) as conn:
        cursor = conn.execute("SELECT * FROM article_quality_per_day WHERE site = %s AND day = %s", [site, day])
        return dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))


def test_the_replica_passes_every_day_check(database):
    with psycopg.connect(database) as conn:
        days = conn.execute(
            "SELECT count(*), sum(articles), max(title_null_rate), max(published_at_null_rate), max(body_null_rate),"
            " min(min_body_chars), sum(bodies_with_footer), sum(texts_with_replacement_char)"
            " FROM article_quality_per_day").fetchone()
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_days, articles, *rest = days
    assert n_days >= 3 * 10 and articles == total  # every article lands on one site-day
    assert rest == [0, 0, 0, rest[3], 0, 0] and rest[3] >= 20


@pytest.mark.parametrize("marker", boilerplate.FOOTER_MARKERS)
def test_the_footer_count_of_the_view_knows_every_footer_marker(database, marker):
    """The view spells the markers as a regex of its own: it must not miss one of boilerplate's."""
    with psycopg.connect(database) as conn:
        site, day, article_id = conn.execute(
            "SELECT site, (published_at AT TIME ZONE 'Asia/Shanghai')::date, id FROM articles"
            " ORDER BY id LIMIT 1").fetchone()
    before = quality(database, site, day)["bodies_with_footer"]
    with psycopg.connect(database) as conn:
        conn.execute("UPDATE articles SET body = body || %s WHERE id = %s", [f"\n本网{marker}", article_id])
        try:
            counted = conn.execute(
                "SELECT bodies_with_footer FROM article_quality_per_day WHERE site = %s AND day = %s",
                [site, day]).fetchone()[0]
        finally:
            conn.rollback()
    assert counted == before + 1


def test_replacement_characters_are_counted(database):
    with psycopg.connect(database) as conn:
        site, day, article_id = conn.execute(
            "SELECT site, (published_at AT TIME ZONE 'Asia/Shanghai')::date, id FROM articles"
            " ORDER BY id DESC LIMIT 1").fetchone()
        conn.execute("UPDATE articles SET title = title || '\ufffd' WHERE id = %s", [article_id])
        counted = conn.execute("SELECT texts_with_replacement_char FROM article_quality_per_day"
                               " WHERE site = %s AND day = %s", [site, day]).fetchone()[0]
        conn.rollback()
    assert counted == 1


def test_no_drift_on_any_day_of_the_replica(database):
    """Day-to-day variation (5 portal articles without images on a day) is not a redesign."""
    for day in range(13, 22):
        result = jobs.check_drift(date(2026, 11, day), date(2026, 11, day))
        assert set(result) == set(config.DAILY_SOURCES)
        assert all("skipped" not in fields for fields in result.values()), result


@pytest.mark.parametrize("site,field,column,empty", [
    ("portal", "authors", "authors", "'{}'"),
    ("epaper_jnwb", "page_no", "page_no", "NULL"),
])
def test_a_field_that_stops_being_filled_fails_naming_site_and_field(database, site, field, column, empty):
    day = REPLICA_END - (REPLICA_END - REPLICA_START) // 4  # a day with history behind it
    with psycopg.connect(database) as conn:
        saved = conn.execute(
            f"SELECT id, {column} FROM articles WHERE site = %s AND"
            " (published_at AT TIME ZONE 'Asia/Shanghai')::date = %s", [site, day]).fetchall()
        conn.execute(f"UPDATE articles SET {column} = {empty} WHERE id = ANY(%s)", [[i for i, _ in saved]])
    try:
        with pytest.raises(jobs.DriftDetected) as failed:
            jobs.check_drift(day, day)
    finally:
        with psycopg.connect(database) as conn:
            for article_id, value in saved:
                conn.execute(f"UPDATE articles SET {column} = %s WHERE id = %s", [value, article_id])
    message = str(failed.value)
    assert f"{site}: {field} filled in 0% of {len(saved)} articles" in message
    assert message.count(": ") == 2  # only that site and field (and the prefix)
    jobs.check_drift(day, day)  # restored: passes again


def test_drift_needs_enough_articles_and_history(database):
    result = jobs.check_drift(REPLICA_START, REPLICA_START)  # the first day has no history
    assert all("skipped" in fields for fields in result.values())


def test_enrich_brings_stale_nlp_output_up_to_date_and_adds_no_version(database):
    with psycopg.connect(database) as conn:
        stale = [i for (i,) in conn.execute("SELECT id FROM articles ORDER BY id LIMIT 3")]
        versions = conn.execute("SELECT count(*) FROM article_versions").fetchone()[0]
        conn.execute("UPDATE articles SET nlp_version = 'dictionaries 2020.1.1' WHERE id = ANY(%s)", [stale])
        conn.execute("DELETE FROM article_keywords WHERE article_id = ANY(%s)", [stale])
    report = jobs.enrich()
    assert report.loaded == 3
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT count(DISTINCT article_id) FROM article_keywords WHERE article_id = ANY(%s)",
                            [stale]).fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM articles WHERE nlp_version IS DISTINCT FROM %s",
                            [nlp_version()]).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == versions
    assert jobs.enrich().loaded == 0  # up to date: nothing to do the second time


def test_refresh_views_brings_the_materialized_view_up_to_date(database):
    week = "date_trunc('week', a.published_at AT TIME ZONE 'Asia/Shanghai')::date"
    direct_sql = (f"SELECT {week}, keyword, method, count(DISTINCT a.id) FROM article_keywords k"
                  f" JOIN articles a ON a.id = k.article_id GROUP BY {week}, keyword, method")
    with psycopg.connect(database) as conn:
        keyword = conn.execute("SELECT keyword FROM top_keywords_per_week ORDER BY articles DESC LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM article_keywords WHERE keyword = %s", [keyword])
        conn.commit()
        stale = conn.execute("SELECT count(*) FROM top_keywords_per_week WHERE keyword = %s", [keyword]).fetchone()[0]
    assert stale > 0  # materialized: unchanged until refreshed
    assert jobs.refresh_views() == ["top_keywords_per_week"]
    with psycopg.connect(database) as conn:
        view = set(conn.execute("SELECT week, keyword, method, articles FROM top_keywords_per_week"))
        direct = set(conn.execute(direct_sql))
    assert view == direct and not any(row[1] == keyword for row in view)


def test_the_chance_of_a_drop_is_exact_and_survives_a_backfill_window():
    from fractions import Fraction
    from math import comb

    for n, k, p in ((5, 0, 0.33), (12, 3, 0.85), (40, 20, 0.5)):
        exact = sum(Fraction(comb(n, i)) * Fraction(p) ** i * (1 - Fraction(p)) ** (n - i) for i in range(k + 1))
        assert jobs.binomial_cdf(k, n, p) == pytest.approx(float(exact), rel=1e-9)
    assert 0 <= jobs.binomial_cdf(4000, 10_000, 0.5) < 1e-80  # thousands of articles: no overflow
    assert jobs.binomial_cdf(0, 12, 1.0) == 0.0 and jobs.binomial_cdf(12, 12, 1.0) == 1.0
