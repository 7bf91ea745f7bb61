"""A backfill of the replica's whole date range stores exactly what the replica publishes."""

from datetime import date

import psycopg

from processing.urls import canonical_url
from wxrb import jobs


def test_whole_range_all_sources_equals_the_manifest(replica, manifest, crawl_env):
    since, until = date.fromisoformat(manifest["start_date"]), date.fromisoformat(manifest["end_date"])
    for source in ("portal", "epaper_wxrb", "epaper_jnwb", "epaper_old"):
        assert jobs.crawl(source, since, until).status == "finished"
    published = [a["url"] for a in manifest["articles"]] + [a["url"] for a in manifest["epaper_articles"]]
    expected = {canonical_url(replica.base_url + path) for path in published}
    report = jobs.process()
    with psycopg.connect(crawl_env) as conn:
        stored = [url for (url,) in conn.execute("SELECT url FROM raw_pages")]
        articles = {url for (url,) in conn.execute("SELECT url FROM articles")}
        by_site = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    assert len(stored) == len(set(stored)) == len(expected)  # no duplicates
    assert set(stored) == expected  # no gaps
    assert articles == expected and report.skipped == 0
    old = sum(1 for a in manifest["epaper_articles"] if a["site"] == "epaper_wxrb_old")
    assert by_site == {
        "portal": len(manifest["articles"]),
        "epaper_wxrb": sum(1 for a in manifest["epaper_articles"] if a["site"] == "epaper_wxrb") + old,
        "epaper_jnwb": sum(1 for a in manifest["epaper_articles"] if a["site"] == "epaper_jnwb"),
    }
