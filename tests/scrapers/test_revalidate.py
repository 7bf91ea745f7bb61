"""Edits on the site reach the database through conditional revalidation."""

from datetime import date

import psycopg

from processing.urls import canonical_url
from replica.server import ReplicaServer
from wxrb import jobs


def test_edited_article_is_stored_again_and_reprocessed(crawl_env, monkeypatch):
    with ReplicaServer() as site:  # its own server: edits must not leak into other tests
        monkeypatch.setenv("WXRB_PORTAL_URL", site.base_url)
        day = date(2026, 11, 21)
        first = jobs.crawl("portal", day, day)
        jobs.process()
        article = next(a for a in site.site.articles if a.date == day)
        site.edit_article(article.path, new_title=article.title + "（更新）", extra_paragraph="记者从现场获悉，工程已提前完工。")

        untouched = jobs.crawl("portal", day, day)  # the daily run does not look at stored pages
        assert untouched.stats["pages_changed"] == 0 and untouched.stats["articles_skipped_stored"] == first.stats["pages_new"]

        before = site.requests[article.path]
        revalidated = jobs.crawl("portal", day, day, revalidate=True)
        assert site.requests[article.path] == before + 1
        assert revalidated.stats["pages_changed"] == 1
        assert revalidated.stats["articles_not_modified"] == first.stats["pages_new"] - 1
        report = jobs.process()
        assert (report.pending, report.loaded) == (1, 1)

    url = canonical_url(site.base_url + article.path)
    with psycopg.connect(crawl_env) as conn:
        versions = conn.execute("SELECT count(*) FROM raw_pages WHERE url = %s", [url]).fetchone()[0]
        title, paragraphs = conn.execute("SELECT title, paragraphs FROM articles WHERE url = %s", [url]).fetchone()
        n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        history = conn.execute("SELECT v.version, v.title FROM article_versions v JOIN articles a"
                               " ON a.id = v.article_id WHERE a.url = %s ORDER BY v.version", [url]).fetchall()
    assert versions == 2
    assert history == [(1, article.title), (2, article.title + "（更新）")]
    assert title == article.title + "（更新）"
    assert "记者从现场获悉，工程已提前完工。" in paragraphs
    assert n_articles == first.stats["pages_new"]
