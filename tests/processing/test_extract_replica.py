"""Extraction of every replica article page against the replica's own manifest.

The manifest comes from the replica's generator (what it meant to publish), not from the
code under test, so a wrong rule shows up as a field mismatch here.
"""

import urllib.request
from datetime import datetime

import pytest

from processing.extract import extract
from processing.parsers import ParseError
from processing.urls import parse_article_url


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@pytest.fixture(scope="module")
def extracted(replica, manifest):
    results = {}
    for expected in manifest["articles"]:
        url = replica.base_url + expected["url"]
        results[expected["url"]] = (expected, extract(fetch(url), url))
    return results


def test_replica_has_enough_articles(manifest):
    assert len(manifest["articles"]) >= 60


@pytest.mark.parametrize("field", ["title", "source", "channel", "authors"])
def test_field_matches_manifest(extracted, field):
    wrong = {url: (getattr(got, field), exp[field]) for url, (exp, got) in extracted.items()
             if getattr(got, field) != exp[field]}
    assert wrong == {}


def test_published_at_to_the_minute_in_shanghai(extracted):
    for url, (expected, got) in extracted.items():
        assert got.published_at == datetime.fromisoformat(expected["published_at"]), url
        assert got.published_at.utcoffset().total_seconds() == 8 * 3600


def test_body_paragraphs_match_manifest(extracted):
    wrong = [url for url, (exp, got) in extracted.items() if got.paragraphs != exp["paragraphs"]]
    assert wrong == []


def test_doc_id_and_site_come_from_the_url(extracted):
    for expected, got in extracted.values():
        assert (got.site, got.doc_id) == ("portal", expected["doc_id"])


def test_no_body_keeps_footer_or_widget_text(extracted):
    for url, (_, got) in extracted.items():
        for marker in ("版权所有", "ICP备", "許可證", "分享到", "字号", "责任编辑", "Copyright"):
            assert marker not in got.body, (url, marker)


def test_noise_variants_are_all_exercised(manifest):
    """The replica must keep serving every kind of dirt these tests rely on."""
    noise = {tag for article in manifest["articles"] for tag in article["noise"]}
    assert {"footer_in_body", "nbsp", "br_in_paragraph", "inline_byline", "mirror_garbling"} <= noise


def test_non_article_page_is_a_clear_parse_error(replica):
    with pytest.raises(ParseError, match="no title"):
        extract(fetch(replica.base_url + "/"), replica.base_url + "/")


def test_article_url_facts():
    ref = parse_article_url("https://www.wxrb.com/doc/2026/08/14/463770.shtml")
    assert (ref.site, ref.doc_id, str(ref.url_date)) == ("portal", "463770", "2026-08-14")
    assert parse_article_url("https://www.wxrb.com/doc/2026/13/40/1.shtml") is None
    assert parse_article_url("https://www.wxrb.com/news/wxxw/index.shtml") is None


def test_epaper_url_facts_and_alias():
    from processing.urls import canonical_url

    ref = parse_article_url("http://szb.wxrb.com/pc/content/202307/21/content_147451.html")
    assert (ref.site, ref.doc_id, str(ref.url_date), ref.template) == ("epaper_wxrb", "147451", "2023-07-21", "szb")
    jnwb = parse_article_url("http://szb.wxrb.com/jnwb/content/202508/11/content_9001.html")
    assert (jnwb.site, jnwb.doc_id) == ("epaper_jnwb", "9001")
    assert canonical_url("http://szb.wxrb.com/content/202307/21/content_147451.html") == \
        "http://szb.wxrb.com/pc/content/202307/21/content_147451.html"
    assert canonical_url("https://szb.wxrb.com/jnwb/content/202508/11/content_9001.html#x") == \
        "http://szb.wxrb.com/jnwb/pc/content/202508/11/content_9001.html"
    old = parse_article_url("http://epaper.wxrb.com/paper/wxrb/html/2019-03/01/content_5501.htm")
    assert (old.site, old.doc_id, str(old.url_date), old.template) == ("epaper_wxrb", "5501", "2019-03-01", "epaper_old")
    assert canonical_url("http://wxrb.com/doc/2026/08/14/463770.shtml") == "https://www.wxrb.com/doc/2026/08/14/463770.shtml"
