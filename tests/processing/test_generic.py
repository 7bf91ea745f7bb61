"""The generic fallback parser on hand-written pages of unknown layout.

Each case is ``tests/extraction/cases/generic_*.html`` (the stored bytes) with its ``.json``
(URL, HTTP charset, what is hard about it); the expected fields in
``tests/extraction/expected/generic/v1/`` were written by hand from the page, not from the
parser's output. Until the evaluation scorer reads them, this test compares them directly.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from processing.extract import extract
from processing.parsers import ParseError, parser_for
from processing.parsers.generic import GenericArticleV1, date_in, parse_date, strip_site_name, url_date
from processing.parsers.portal import PortalArticleV1

EXTRACTION = Path(__file__).resolve().parents[1] / "extraction"
CASES = sorted(EXTRACTION.glob("cases/generic_*.html"))
EXPECTED = EXTRACTION / "expected" / GenericArticleV1.name / f"v{GenericArticleV1.version}"
# Compared exactly on every case (the contract's fields a generic page can show).
FIELDS = (
    "title",
    "published_at",
    "published_at_source",
    "source",
    "authors",
    "photographers",
    "editor",
    "channel",
    "lead",
    "paragraphs",
    "images",
    "kicker",
    "subtitle",
    "page_no",
    "page_name",
)
# (case, field) -> why the parser's answer is accepted although it differs from the hand-written one.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def case_ids() -> list[str]:
    return [path.stem for path in CASES]


def load_case(name: str) -> tuple[bytes, dict, dict]:
    meta = json.loads((EXTRACTION / "cases" / f"{name}.json").read_text(encoding="utf-8"))
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    return (EXTRACTION / "cases" / f"{name}.html").read_bytes(), meta, expected


def test_every_generic_case_has_meta_and_expected_fields():
    assert len(CASES) >= 6
    for path in CASES:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["template"] == "generic" and meta["origin"] == "hand" and meta["url"].startswith("http")
        assert meta["note"]
        assert (EXPECTED / f"{path.stem}.json").is_file(), f"no expected fields for {path.stem}"


@pytest.mark.parametrize("name", case_ids())
def test_case_fields(name):
    body, meta, expected = load_case(name)
    article = extract(body, meta["url"], meta["encoding"])
    got = article.to_json()
    assert article.parser == "generic" and article.parser_version == "1"
    wrong = {
        field: (got[field], expected[field])
        for field in FIELDS
        if got[field] != expected[field] and (name, field) not in KNOWN_DIFFERENCES
    }
    assert wrong == {}


@pytest.mark.parametrize("name", case_ids())
def test_case_published_at_is_shanghai(name):
    body, meta, _ = load_case(name)
    published = extract(body, meta["url"], meta["encoding"]).published_at
    assert published is not None and published.utcoffset().total_seconds() == 8 * 3600


def test_declared_gb2312_page_with_a_gbk_only_character():
    body, meta, _ = load_case("generic_gov_gbk")
    article = extract(body, meta["url"], meta["encoding"])
    assert article.encoding_declared == "gb18030" and "王喆" in article.body


def test_undeclared_gb18030_page_is_detected():
    body, meta, _ = load_case("generic_undeclared_gb18030")
    assert b"charset" not in body.lower()
    article = extract(body, meta["url"], None)
    assert article.encoding_declared is None and article.encoding_used == "gb18030"


def test_comments_and_related_news_stay_out_of_the_body():
    body, meta, _ = load_case("generic_comments_related")
    article = extract(body, meta["url"])
    assert "评论" not in article.body and "湖边人家" not in article.body and "候鸟" not in article.body


# --- which parser ------------------------------------------------------------------------------

PORTAL_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>锡山区新增三条公交线路-无锡新传媒</title></head><body>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/news/">新闻中心</a> &gt;
<a href="/news/wx/index.shtml">无锡新闻</a> &gt; 正文</div>
<div class="bigTit"><h1><strong>锡山区新增三条公交线路</strong></h1></div>
<div class="ldate"><p><span>2026</span></p><p>11/14</p><p>08:12</p><p>来源</p><p>无锡日报</p></div>
<div class="share"><span>分享到：</span></div>
<div id="zoom" class="font16"><p>\u3000\u3000本报讯 锡山区今起新增三条公交线路，方便沿线居民出行。</p>
<p>\u3000\u3000新线路连接地铁站、学校和医院，早晚高峰加密班次。</p><p>（记者 张三）</p></div>
<div class="footer"><p>苏ICP备05004020号</p></div></body></html>"""


def test_portal_page_without_url_is_recognised_by_markup():
    assert parser_for(None, PORTAL_PAGE) is PortalArticleV1
    article = extract(PORTAL_PAGE.encode("utf-8"))
    assert article.parser == "portal" and article.title == "锡山区新增三条公交线路"


@pytest.mark.parametrize("name", case_ids())
def test_unknown_page_goes_to_generic(name):
    body, meta, _ = load_case(name)
    html = body.decode("gb18030", errors="replace")
    assert parser_for(meta["url"], html) is GenericArticleV1
    assert parser_for(None, html) is GenericArticleV1


def test_generic_fixtures_exist_for_the_registered_version():
    assert list(EXPECTED.glob("generic_*.json")), f"{GenericArticleV1.__name__} has no fixtures in {EXPECTED}"


# --- no article ---------------------------------------------------------------------------------


def test_page_without_main_text_raises_parse_error():
    html = "<html><head><title>首页</title></head><body><div class='nav'><a href='/'>首页</a></div></body></html>"
    with pytest.raises(ParseError, match="generic"):
        GenericArticleV1(html, "https://example.cn/").parse()


def test_page_without_title_raises_parse_error():
    text = "这是一段足够长的正文，用来确认没有标题的页面不会被当作文章。" * 8
    html = f"<html><body><div><p>{text}</p><p>{text}</p></div></body></html>"
    with pytest.raises(ParseError, match="no title"):
        GenericArticleV1(html, None).parse()


# --- field helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("江苏沿江八市联合推进长江岸线生态修复_新华网", "江苏沿江八市联合推进长江岸线生态修复"),
        ("标题 | 人民网", "标题"),
        ("锡山区新增三条公交线路-无锡新传媒", "锡山区新增三条公交线路"),
        ("太湖清淤--江苏频道--人民网", "太湖清淤"),
        ("無錫新區集成電路產業園二期開工_鑫聞資訊網", "無錫新區集成電路產業園二期開工"),
        ("北京-上海高铁今起加开夜间班次", "北京-上海高铁今起加开夜间班次"),
        ("纪录片《运河》 | 第二集", "纪录片《运河》 | 第二集"),
    ],
)
def test_strip_site_name(title, expected):
    assert strip_site_name(title) == expected


def test_strip_site_name_uses_og_site_name():
    assert strip_site_name("凌晨的分拨中心 - 城市早班车", "城市早班车") == "凌晨的分拨中心"


def sh(*parts) -> datetime:
    return datetime.fromisoformat("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+08:00".format(*parts))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-14 08:12", (sh(2026, 11, 14, 8, 12, 0), "page")),
        ("2026/11/14 08:12:30", (sh(2026, 11, 14, 8, 12, 30), "page")),
        ("2026年11月14日 08:12", (sh(2026, 11, 14, 8, 12, 0), "page")),
        ("2026年11月14日08:12", (sh(2026, 11, 14, 8, 12, 0), "page")),
        ("发布时间：2026年11月14日", (sh(2026, 11, 14, 0, 0, 0), "page_date")),
        ("今天是2026年11月20日 发布时间：2026-11-14", (sh(2026, 11, 14, 0, 0, 0), "page_date")),
        ("2026-02-30 08:12 2026-03-01", (sh(2026, 3, 1, 0, 0, 0), "page_date")),
        ("11月13日，市发展改革委召开会议", (None, None)),
    ],
)
def test_date_in(text, expected):
    assert date_in(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-13T17:05:00+00:00", (sh(2026, 11, 14, 1, 5, 0), "page")),
        ("2026-11-14T00:12:00Z", (sh(2026, 11, 14, 8, 12, 0), "page")),
        ("2026-11-14 08:12:30", (sh(2026, 11, 14, 8, 12, 30), "page")),
        ("2026-11-14", (sh(2026, 11, 14, 0, 0, 0), "page_date")),
        ("0001-01-01T00:00:00+00:00", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.news.cn/local/2026/11/14/c_1.htm", (2026, 11, 14)),
        ("https://www.news.cn/local/20261114/abc/c.html", (2026, 11, 14)),
        ("http://mirror.example.com/news/2026-11/14/58231.html", (2026, 11, 14)),
        ("http://paper.example.cn/html/202611/14/content_1.htm", (2026, 11, 14)),
        ("http://js.people.example.cn/n1/2026/1114/c360302-40012345.html", (2026, 11, 14)),
        ("https://www.wuxi.gov.cn/zwgk/bmdt/202611/t20261114_4402871.shtml", (2026, 11, 14)),
    ],
)
def test_url_date(url, day):
    assert url_date(url) == (sh(*day, 0, 0, 0), "url")


@pytest.mark.parametrize(
    "url", [None, "https://mp.weixin.qq.com/s/Xq3LrT0aWx", "https://example.cn/2026/13/40/1.html"]
)
def test_no_url_date(url):
    assert url_date(url) == (None, None)
