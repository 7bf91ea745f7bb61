"""Extraction of every replica article page against the replica's own manifest.

The manifest comes from the replica's generator (what it meant to publish), not from the
code under test, so a wrong rule shows up as a field mismatch here.
"""

import urllib.request
from datetime import datetime

import pytest

from processing.extract import extract
from processing.parsers import ParseError
from processing.urls import canonical_url, parse_article_url

LIVE = {"portal": "https://www.wxrb.com", "epaper": "http://szb.wxrb.com", "old": "http://epaper.wxrb.com"}
# Every field of the contract, compared with what the replica's generator meant to publish.
FIELDS = ("title", "kicker", "subtitle", "published_at", "published_at_source", "source", "authors",
          "photographers", "editor", "channel", "page_no", "page_name", "lead", "paragraphs", "images")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def live_base(path: str) -> str:
    if path.startswith("/doc/"):
        return LIVE["portal"]
    return LIVE["old"] if path.startswith("/paper/") else LIVE["epaper"]


def expected_fields(entry: dict) -> dict:
    """The manifest entry in the Article's terms (replica/README.md states the rules)."""
    base = live_base(entry["url"])
    images = [{"src": base + image["src"], "caption": image["caption"]} for image in entry["images"]]
    if entry["url"].startswith("/doc/"):
        return {
            "title": entry["title"], "kicker": None, "subtitle": None,
            "published_at": datetime.fromisoformat(entry["published_at"]), "published_at_source": "page",
            "source": entry["source"], "authors": entry["authors"], "photographers": entry["photographers"],
            "editor": entry["editor"], "channel": entry["channel"], "page_no": None, "page_name": None,
            "lead": entry["lead"], "paragraphs": entry["paragraphs"], "images": images,
        }
    return {
        "title": entry["title"], "kicker": entry["kicker"], "subtitle": entry["subtitle"],
        "published_at": datetime.fromisoformat(entry["date"] + "T00:00:00+08:00"),
        "published_at_source": "page_date", "source": entry["edition"], "authors": entry["authors"],
        "photographers": entry["photographers"], "editor": None, "channel": entry["page_name"],
        "page_no": entry["page_no"], "page_name": entry["page_name"], "lead": entry["lead"],
        "paragraphs": entry["paragraphs"], "images": images,
    }


@pytest.fixture(scope="module")
def extracted(replica, manifest):
    """Every replica article page, fetched and extracted under its live canonical URL."""
    results = {}
    for entry in manifest["articles"] + manifest["epaper_articles"]:
        live_url = canonical_url(live_base(entry["url"]) + entry["url"])
        results[entry["url"]] = (entry, extract(fetch(replica.base_url + entry["url"]), live_url))
    return results


def test_replica_has_every_template(extracted):
    templates = {parse_article_url(LIVE["portal"] + url).template if url.startswith("/doc/") else
                 parse_article_url(live_base(url) + url).template for url in extracted}
    assert templates == {"portal", "szb", "epaper_old"}
    assert len(extracted) >= 600


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_manifest(extracted, field):
    wrong = {}
    for url, (entry, got) in extracted.items():
        if getattr(got, field) != expected_fields(entry)[field]:
            wrong[url] = (getattr(got, field), expected_fields(entry)[field])
    assert dict(list(wrong.items())[:3]) == {}, f"{len(wrong)} pages wrong"


def test_published_at_is_in_shanghai(extracted):
    for url, (_, got) in extracted.items():
        assert got.published_at.utcoffset().total_seconds() == 8 * 3600, url


def test_parser_and_version_recorded(extracted):
    for url, (_, got) in extracted.items():
        want = "portal" if url.startswith("/doc/") else "epaper_old" if url.startswith("/paper/") else "szb"
        assert (got.parser, got.parser_version) == (want, "1"), url


def test_doc_id_and_site_come_from_the_url(extracted):
    for entry, got in extracted.values():
        site = {"epaper_wxrb_old": "epaper_wxrb"}.get(entry.get("site"), entry.get("site", "portal"))
        assert (got.site, got.doc_id) == (site, entry["doc_id"])


def test_no_body_keeps_footer_or_widget_text(extracted):
    for url, (_, got) in extracted.items():
        for marker in ("版权所有", "ICP备", "許可證", "分享到", "字号", "责任编辑", "Copyright", "</p>"):
            assert marker not in got.body, (url, marker)


def test_seed_article_is_repaired_and_keeps_its_original(extracted):
    (entry, got), = [v for v in extracted.values() if "mirror_garbling" in v[0]["noise"]]
    assert got.authors == ["尹晖"]
    assert got.cleaning["pinyin_notes_removed"] > 50
    assert "區(qū)" in got.original_text and "区" in got.body and "區" not in got.body


def test_noise_variants_are_all_exercised(manifest):
    """The replica must keep serving every kind of dirt these tests rely on."""
    noise = {tag for article in manifest["articles"] for tag in article["noise"]}
    assert {"footer_in_body", "nbsp", "br_in_paragraph", "inline_byline", "mirror_garbling"} <= noise


def test_non_article_page_is_a_clear_parse_error(replica):
    with pytest.raises(ParseError, match="no title|no main text|no body"):
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
