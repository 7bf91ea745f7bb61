"""Tests of the replica's print e-papers (replica/epaper.py, README "E-papers"): determinism,
shape, every page and article served (aliases with identical bytes), the walks a spider makes,
the documented parsing rules (checked with a small reference parser), the features, the
cross-published stories, and that the portal is exactly what it was before the e-papers."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import re
from collections import Counter, defaultdict
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup, Tag

from replica import ReplicaServer, build_site, manifest
from replica.epaper import (
    JNWB,
    OLD,
    WXRB,
    article_entries,
    build_epapers,
    page_entries,
    routes,
)
from replica.templates import MANIFEST_PATH, TINY_JPEG, build_routes

SZB_SITES = {WXRB: "", JNWB: "/jnwb"}  # site id -> path prefix
SZB_CONTENT = re.compile(r"^(/jnwb)?/pc/content/(\d{6})/(\d{2})/content_(\d+)\.html$")
OLD_CONTENT = re.compile(r"^/paper/wxrb/html/(\d{4}-\d{2})/(\d{2})/content_(\d+)\.htm$")

# sha256 of the portal as it was before the e-papers existed (seed 20261124), recorded from the
# code at commit 368708b: the manifest without the epaper_* keys, its "articles" list, and every
# portal route body (all routes except the manifest and the e-paper paths). The two manifest
# digests were re-recorded when the manifest gained "lead" and the seed article's clean
# paragraphs and byline (extraction work); the pages themselves did not change.
PORTAL_MANIFEST_SHA256 = "e275657c24ac6f02d08ccfb88ef12e3cb9b2bcf5bfe33cbe6770b789d27dff4e"
PORTAL_ARTICLES_SHA256 = "9796e46b9e2ca291e8fdc2de38035762921f25ebe5c864ca4e4a114e4facd4ae"
PORTAL_ROUTES_SHA256 = "b9322c38db40d85e7e5afe623cd253338ecb61a09f9e671f0fa39a1286827de2"

# --- a reference parser for the rules in replica/README.md, "E-papers" --------------------------
ROLES = ("晚报记者", "见习记者", "记者", "通讯员")
LABEL = re.compile(r"^第(A\d{2})版：(\S+)$")


def names_in(inner: str) -> list[str]:
    return [t for t in re.split(r"[ 、]+", inner) if t and t not in ROLES and t != "摄"]


def br_lines(node: Tag) -> list[str]:
    lines = [""]
    for child in node.children:
        if isinstance(child, Tag) and child.name == "br":
            lines.append("")
        else:
            lines[-1] += child.get_text() if isinstance(child, Tag) else str(child)
    return lines


def parse_lines(lines: list[str]) -> dict:
    fields = {"authors": [], "photographers": [], "paragraphs": [], "lead": None}
    for text in (line.strip() for line in lines):
        if not text:
            continue
        if text.startswith("（") and text.endswith("）"):
            inner = text[1:-1]
            if inner.endswith(" 摄"):
                fields["photographers"] += names_in(inner)
            else:
                fields["authors"] += names_in(inner)
            continue
        fields["paragraphs"].append(text)
    paragraphs = fields["paragraphs"]
    if paragraphs and paragraphs[0].startswith("本报讯"):
        rest = paragraphs[0].removeprefix("本报讯")
        if rest.startswith("（"):
            close = rest.index("）")
            fields["authors"] = names_in(rest[1:close]) + fields["authors"]
            rest = rest[close + 1 :]
        paragraphs[0] = fields["lead"] = rest.strip()
    return fields


def parse_szb_article(body: bytes, canonical_url: str) -> dict:
    art = soup_of(body).select_one("div.detail-art")
    page_no, page_name = LABEL.match(art.select_one(".layout-name").get_text()).groups()
    fields = parse_lines([p.get_text() for p in art.select("founder-content > p")])
    fields["images"] = [
        {
            "src": urljoin(canonical_url, div.img["src"]),
            "caption": div.select_one("p.pic-desc").get_text().strip(),
        }
        for div in art.select("div.attachment")
    ]
    fields |= {
        "kicker": art.select_one("#PreTitle").get_text().strip() or None,
        "title": art.select_one("#Title").get_text().strip(),
        "subtitle": art.select_one("#SubTitle").get_text().strip() or None,
        "page_no": page_no,
        "page_name": page_name,
        "date": art.select_one("div.art-date").get_text(),
    }
    return fields


def parse_old_article(body: bytes) -> dict:
    soup = soup_of(body)
    page_no, page_name = LABEL.match(soup.select_one("div.banci").get_text()).groups()
    fields = parse_lines(br_lines(soup.select_one("div.content")))
    fields |= {
        "kicker": None,
        "title": soup.select_one("div.title1").get_text().strip(),
        "subtitle": None,
        "images": [],
        "page_no": page_no,
        "page_name": page_name,
    }
    return fields


# --- fixtures and helpers ---------------------------------------------------------------------------


def get(replica: ReplicaServer, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(replica.host, replica.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def soup_of(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body.decode("utf-8"), "lxml")


@pytest.fixture(scope="module")
def served(replica) -> dict:
    status, _, body = get(replica, MANIFEST_PATH)
    assert status == 200
    return json.loads(body.decode("utf-8"))


@pytest.fixture(scope="module")
def papers():
    return build_epapers(build_site())


def entries_of(served: dict, site: str) -> list[dict]:
    return [e for e in served["epaper_articles"] if e["site"] == site]


def sha256_json(data) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


# --- the portal did not move --------------------------------------------------------------------------


def test_portal_manifest_and_pages_are_unchanged():
    site = build_site()
    data = manifest(site)
    assert (
        sha256_json({k: v for k, v in data.items() if not k.startswith("epaper_")}) == PORTAL_MANIFEST_SHA256
    )
    assert sha256_json(data["articles"]) == PORTAL_ARTICLES_SHA256
    all_routes = build_routes(site)
    epaper_paths = set(routes(build_epapers(site), TINY_JPEG))
    digest = hashlib.sha256()
    for path in sorted(all_routes):
        if path == MANIFEST_PATH or path in epaper_paths:
            continue
        digest.update(path.encode() + b"\0" + all_routes[path].body + b"\0")
    assert digest.hexdigest() == PORTAL_ROUTES_SHA256
    portal_paths = {a.path for a in site.articles}
    assert not epaper_paths & portal_paths


# --- the generator -------------------------------------------------------------------------------------


def test_same_seed_gives_identical_epapers_and_another_seed_does_not():
    first, second = build_epapers(build_site()), build_epapers(build_site())
    assert article_entries(first) == article_entries(second)
    assert page_entries(first) == page_entries(second)
    assert routes(first, b"x") == routes(second, b"x")
    other = build_epapers(build_site(1))
    assert article_entries(other) != article_entries(first)


def test_manifest_is_served_with_the_epaper_keys(replica, served):
    papers = build_epapers(replica.site)
    assert served["epaper_articles"] == json.loads(json.dumps(article_entries(papers), ensure_ascii=False))
    assert served["epaper_pages"] == json.loads(json.dumps(page_entries(papers), ensure_ascii=False))
    assert set(served["epaper_articles"][0]) == {
        "url",
        "alias_urls",
        "site",
        "doc_id",
        "date",
        "edition",
        "page_no",
        "page_name",
        "page_url",
        "kicker",
        "title",
        "subtitle",
        "authors",
        "photographers",
        "lead",
        "paragraphs",
        "images",
        "noise",
        "same_story_as",
    }
    assert set(served["epaper_pages"][0]) == {
        "site",
        "date",
        "page_no",
        "page_name",
        "url",
        "alias_urls",
        "articles",
    }


def test_pages_ids_and_dates(served):
    site = build_site()
    days = [site.start_date + dt.timedelta(days=n) for n in range(12)]
    first_ids = {WXRB: 271000, JNWB: 98000, OLD: 61000}
    limits = {WXRB: ((4, 6), (2, 5)), JNWB: ((4, 6), (2, 5)), OLD: ((3, 4), (2, 4))}
    for paper, first in first_ids.items():
        pages = [p for p in served["epaper_pages"] if p["site"] == paper]
        assert sorted({p["date"] for p in pages}) == [d.isoformat() for d in days]
        (low, high), (few, many) = limits[paper]
        for day in days:
            mine = [p for p in pages if p["date"] == day.isoformat()]
            assert low <= len(mine) <= high
            assert [p["page_no"] for p in mine] == [f"A{n:02d}" for n in range(1, len(mine) + 1)]
            assert mine[0]["page_name"] == "要闻"
            assert all(few <= len(p["articles"]) <= many for p in mine)
        articles = entries_of(served, paper)
        assert [a["url"] for a in articles] == [url for p in pages for url in p["articles"]]
        ids = [int(a["doc_id"]) for a in articles]
        assert ids == sorted(set(ids))
        assert first <= ids[0] < first + 100
        by_day = defaultdict(list)
        for article in articles:
            by_day[article["date"]].append(int(article["doc_id"]))
        starts = [min(by_day[d.isoformat()]) for d in days]
        assert 11 * 30 <= starts[-1] - starts[0] <= 11 * 60 + 40  # the counter rises every day
        for article in articles:
            page = next(p for p in pages if p["url"] == article["page_url"])
            assert (page["date"], page["page_no"], page["page_name"]) == (
                article["date"],
                article["page_no"],
                article["page_name"],
            )
            assert article["edition"] == ("江南晚报" if paper == JNWB else "无锡日报")


def test_urls_have_the_documented_shapes(served):
    for article in served["epaper_articles"]:
        url, day = article["url"], dt.date.fromisoformat(article["date"])
        if article["site"] == OLD:
            year_month, dd, doc_id = OLD_CONTENT.match(url).groups()
            assert (year_month, dd, doc_id) == (f"{day:%Y-%m}", f"{day:%d}", article["doc_id"])
            assert article["alias_urls"] == []
            assert re.fullmatch(rf"/paper/wxrb/html/{day:%Y-%m}/{day:%d}/node_\d+\.htm", article["page_url"])
            continue
        prefix, yyyymm, dd, doc_id = SZB_CONTENT.match(url).groups()
        assert (prefix or "") == SZB_SITES[article["site"]]
        assert (yyyymm, dd, doc_id) == (f"{day:%Y%m}", f"{day:%d}", article["doc_id"])
        assert article["alias_urls"] == [url.replace("/pc/content/", "/content/")]
        assert (
            article["page_url"]
            == f"{prefix or ''}/pc/layout/{day:%Y%m}/{day:%d}/node_{article['page_no']}.html"
        )
        for n, image in enumerate(article["images"], start=1):
            assert image["src"] == f"{prefix or ''}/pc/images/{day:%Y%m}/{day:%d}/img_{doc_id}_{n}.jpg"
    old_first = [p for p in served["epaper_pages"] if p["site"] == OLD and p["page_no"] == "A01"]
    assert all(p["url"].endswith("/node_2.htm") for p in old_first)


def test_generated_texts_keep_parentheses_and_datelines_out_of_paragraphs(served):
    for article in served["epaper_articles"]:
        assert article["title"] and article["paragraphs"], article["url"]
        for paragraph in article["paragraphs"]:
            assert paragraph == paragraph.strip() and paragraph, article["url"]
            assert "（" not in paragraph and "）" not in paragraph, paragraph
            assert not paragraph.startswith("本报讯"), paragraph
        for text in (article["title"], article["kicker"] or "", article["subtitle"] or ""):
            assert "（" not in text and "{" not in text, text
        assert article["lead"] in (None, article["paragraphs"][0])
        assert ("inline_byline" in article["noise"] or "dateline_only" in article["noise"]) == (
            article["lead"] is not None
        )


# --- serving --------------------------------------------------------------------------------------------------


def test_every_epaper_url_answers_and_aliases_are_identical(replica, served):
    for page in served["epaper_pages"]:
        status, headers, body = get(replica, page["url"])
        assert status == 200, page["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert b'<meta charset="utf-8">' in body
        for alias in page["alias_urls"]:
            assert get(replica, alias)[2] == body, alias
    for article in served["epaper_articles"]:
        status, headers, body = get(replica, article["url"])
        assert status == 200, article["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(headers["Content-Length"]) == len(body)
        for alias in article["alias_urls"]:
            alias_status, _, alias_body = get(replica, alias)
            assert alias_status == 200 and alias_body == body, alias
        for image in article["images"]:
            for src in (image["src"], image["src"].replace("/pc/images/", "/images/")):
                status, headers, picture = get(replica, src)
                assert status == 200 and headers["Content-Type"] == "image/jpeg", src
                assert picture.startswith(b"\xff\xd8")


def test_unknown_epaper_paths_are_404(replica, served):
    site = replica.site
    after = site.end_date + dt.timedelta(days=1)
    before = site.start_date - dt.timedelta(days=1)
    last_day = [
        p for p in served["epaper_pages"] if p["site"] == WXRB and p["date"] == site.end_date.isoformat()
    ]
    for path in (
        f"/pc/layout/{after:%Y%m}/{after:%d}/node_A01.html",
        f"/pc/layout/{before:%Y%m}/{before:%d}/node_A01.html",
        f"/pc/layout/{site.end_date:%Y%m}/{site.end_date:%d}/node_A{len(last_day) + 1:02d}.html",
        "/pc/content/202611/10/content_1.html",
        f"/paper/wxrb/html/{site.start_date:%Y-%m}/{site.start_date:%d}/node_1.htm",
        "/jnwb/pc/content/202611/10/content_271026.html",
    ):
        assert get(replica, path)[0] == 404, path


def test_walking_szb_from_node_a01_reaches_exactly_the_days_articles(replica, served):
    for paper, prefix in SZB_SITES.items():
        pages = [p for p in served["epaper_pages"] if p["site"] == paper]
        for day in sorted({p["date"] for p in pages}):
            expected_pages = [p for p in pages if p["date"] == day]
            expected = [url for p in expected_pages for url in p["articles"]]
            for pc, rewrite in (("/pc", lambda u: u), ("", lambda u: u.replace("/pc/", "/", 1))):
                d = dt.date.fromisoformat(day)
                start = f"{prefix}{pc}/layout/{d:%Y%m}/{d:%d}/node_A01.html"
                queue, seen, found = [start], [], []
                while queue:
                    url = queue.pop(0)
                    if url in seen:
                        continue
                    status, _, body = get(replica, url)
                    assert status == 200, url
                    seen.append(url)
                    soup = soup_of(body)
                    queue += [urljoin(url, a["href"]) for a in soup.select("#layoutlist a")]
                    found += [urljoin(url, a["href"]) for a in soup.select(".news-list a")]
                assert seen == [rewrite(p["url"]) for p in expected_pages]
                assert found == [rewrite(url) for url in expected]


def test_layout_page_markup_and_previous_day_link(replica, served):
    first_day = replica.site.start_date.isoformat()
    for page in served["epaper_pages"]:
        if page["site"] == OLD:
            continue
        soup = soup_of(get(replica, page["url"])[2])
        name = page["site"] == JNWB and "江南晚报" or "无锡日报"
        assert soup.select_one(".paper-header .paper-name").get_text() == name
        d = dt.date.fromisoformat(page["date"])
        assert soup.select_one(".paper-header .paper-date").get_text() == f"{d.year}年{d.month}月{d.day}日"
        assert soup.select_one(".layout-name").get_text() == f"第{page['page_no']}版：{page['page_name']}"
        day_pages = [
            p for p in served["epaper_pages"] if p["site"] == page["site"] and p["date"] == page["date"]
        ]
        assert [a.get_text() for a in soup.select("#layoutlist a")] == [
            f"第{p['page_no']}版：{p['page_name']}" for p in day_pages
        ]
        titles = {e["url"]: e["title"] for e in served["epaper_articles"]}
        assert [a.get_text() for a in soup.select(".news-list a")] == [titles[u] for u in page["articles"]]
        assert all(a["href"].startswith("../../../content/") for a in soup.select(".news-list a"))
        prev = soup.select("a.prev-day")
        if page["date"] == first_day:
            assert prev == []
        else:
            target = urljoin(page["url"], prev[0]["href"])
            before = d - dt.timedelta(days=1)
            assert target == f"{SZB_SITES[page['site']]}/pc/layout/{before:%Y%m}/{before:%d}/node_A01.html"
            assert get(replica, target)[0] == 200


def test_walking_the_old_system_reaches_exactly_the_days_articles(replica, served):
    pages = [p for p in served["epaper_pages"] if p["site"] == OLD]
    for day in sorted({p["date"] for p in pages}):
        expected_pages = [p for p in pages if p["date"] == day]
        queue, seen, found = [expected_pages[0]["url"]], [], []
        assert queue[0].endswith("/node_2.htm")
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            status, _, body = get(replica, url)
            assert status == 200, url
            seen.append(url)
            soup = soup_of(body)
            links = soup.select("div.liebiao a[href^=node]")
            assert [a.get_text() for a in links] == [
                f"第{p['page_no']}版：{p['page_name']}" for p in expected_pages
            ]
            current = soup.select_one("div.liebiao a.current")
            assert urljoin(url, current["href"]) == url
            assert soup.select_one("div.banci").get_text() == current.get_text()
            queue += [urljoin(url, a["href"]) for a in links]
            found += [urljoin(url, a["href"]) for a in soup.select("div.liebiaoA a[href^=content]")]
        assert seen == [p["url"] for p in expected_pages]
        assert found == [url for p in expected_pages for url in p["articles"]]


# --- the documented rules -------------------------------------------------------------------------------------


def test_documented_rules_recover_the_expected_fields(replica, served):
    compared = ("kicker", "title", "subtitle", "authors", "photographers", "lead", "paragraphs", "images")
    for entry in served["epaper_articles"]:
        _, _, body = get(replica, entry["url"])
        if entry["site"] == OLD:
            parsed = parse_old_article(body)
        else:
            parsed = parse_szb_article(body, entry["url"])
            assert parsed["date"] == entry["date"]
        for key in (*compared, "page_no", "page_name"):
            assert parsed[key] == entry[key], (entry["url"], key)


def test_html_parser_sees_the_same_founder_content(replica, served):
    entry = next(e for e in served["epaper_articles"] if "empty_paragraph" in e["noise"])
    body = get(replica, entry["url"])[2].decode("utf-8")
    with_lxml = [p.get_text() for p in BeautifulSoup(body, "lxml").select("founder-content > p")]
    with_stdlib = [p.get_text() for p in BeautifulSoup(body, "html.parser").select("founder-content > p")]
    assert with_lxml == with_stdlib and len(with_lxml) >= 3


def test_noise_tags_match_the_html(replica, served):
    for entry in served["epaper_articles"]:
        noise = set(entry["noise"])
        text = get(replica, entry["url"])[2].decode("utf-8")
        assert ("本报讯（" in text) == ("inline_byline" in noise), entry["url"]
        assert ("本报讯\u3000" in text) == ("dateline_only" in noise), entry["url"]
        assert (" 摄）" in text) == ("photo_credit" in noise), entry["url"]
        assert ('class="attachment"' in text) == ("image" in noise), entry["url"]
        assert ("<p>&nbsp;</p>" in text) == ("empty_paragraph" in noise), entry["url"]
        assert ("<br><br>" in text) == ("blank_line" in noise), entry["url"]
        assert (entry["kicker"] is not None) == ("kicker" in noise)
        assert (entry["subtitle"] is not None) == ("subtitle" in noise)
        assert (entry["authors"] == []) == ("no_byline" in noise), entry["url"]
        assert (entry["same_story_as"] is not None) == ("cross_published" in noise)
        assert len(noise & {"inline_byline", "trailing_byline", "no_byline"}) == 1, entry["url"]


# --- features ----------------------------------------------------------------------------------------------------


def _feature_counts(entries: list[dict]) -> Counter:
    return Counter(tag for e in entries for tag in e["noise"])


@pytest.mark.parametrize("seed", [20261124, 1, 2, 7])
def test_every_feature_occurs_at_least_twice_whatever_the_seed(seed):
    site = build_site(seed)
    papers = build_epapers(site)
    entries = article_entries(papers)
    for paper in (WXRB, JNWB):
        mine = [e for e in entries if e["site"] == paper]
        counts = _feature_counts(mine)
        regular = _feature_counts([e for e in mine if "photo_only" not in e["noise"]])
        for tag in ("kicker", "subtitle", "photo_only", "inline_byline", "dateline_only", "trailing_byline"):
            assert counts[tag] >= 2, (seed, paper, tag)
        for tag in ("no_byline", "photo_credit", "image", "empty_paragraph"):
            assert regular[tag] >= 2, (seed, paper, tag)
        per_day = Counter(e["date"] for e in mine if "photo_only" in e["noise"])
        assert max(per_day.values()) >= 2, (seed, paper)
        titles = {e["title"] for e in mine if "photo_only" in e["noise"]}
        assert {"图片新闻01", "图片新闻02"} <= titles
    old = _feature_counts([e for e in entries if e["site"] == OLD])
    for tag in ("inline_byline", "dateline_only", "trailing_byline", "no_byline", "blank_line"):
        assert old[tag] >= 2, (seed, tag)
    trainees = [
        a
        for a in papers.articles
        if a.site == WXRB and a.byline_at == "trailing" and "、见习记者 " in a.byline
    ]
    assert len(trainees) >= 2, seed
    cross = [e for e in entries if e["same_story_as"]]
    assert 6 <= len(cross) <= 10, seed
    assert sum("title_reworded" in e["noise"] for e in cross) >= 2
    assert (
        sum("extra_paragraph_start" in e["noise"] or "extra_paragraph_end" in e["noise"] for e in cross) >= 2
    )


def test_photo_items(replica, served):
    for paper in (WXRB, JNWB):
        photos = [e for e in entries_of(served, paper) if "photo_only" in e["noise"]]
        by_day = defaultdict(list)
        for entry in photos:
            by_day[entry["date"]].append(entry)
            assert re.fullmatch(r"图片新闻\d{2}", entry["title"])
            assert len(entry["paragraphs"]) == 1 and len(entry["images"]) == 1
            assert entry["photographers"] and entry["authors"] == [] and entry["lead"] is None
            assert entry["kicker"] is None and entry["subtitle"] is None
            assert entry["page_no"] != "A01"
        for day_photos in by_day.values():
            assert [e["title"] for e in day_photos] == [
                f"图片新闻{n:02d}" for n in range(1, len(day_photos) + 1)
            ]
            assert len({e["page_url"] for e in day_photos}) == len(day_photos)


def test_byline_styles_of_the_two_papers(replica, served):
    def founder_lines(entry):
        soup = soup_of(get(replica, entry["url"])[2])
        return [p.get_text().strip() for p in soup.select("founder-content > p")]

    wxrb_trailing, wxrb_inline, jnwb_trailing, jnwb_inline = [], [], [], []
    for entry in served["epaper_articles"]:
        if entry["site"] == OLD or entry["same_story_as"]:
            continue
        lines = founder_lines(entry) if {"trailing_byline", "inline_byline"} & set(entry["noise"]) else []
        bylines = [line for line in lines if line.startswith("（") and not line.endswith(" 摄）")]
        inline = [line for line in lines if line.startswith("本报讯（")]
        if entry["site"] == WXRB:
            wxrb_trailing += bylines
            wxrb_inline += inline
        else:
            jnwb_trailing += bylines
            jnwb_inline += inline
    assert sum(bool(re.fullmatch(r"（[^ 、（）]+、见习记者 [^（）]+）", b)) for b in wxrb_trailing) >= 2
    assert all(not b.startswith("（记者") and "晚报记者" not in b for b in wxrb_trailing)
    assert sum(line.startswith("本报讯（记者 ") for line in wxrb_inline) >= 2
    assert jnwb_trailing and all(b.startswith("（晚报记者 ") for b in jnwb_trailing)
    assert jnwb_inline and all(line.startswith("本报讯（晚报记者 ") for line in jnwb_inline)


def test_cross_published_stories(replica, served):
    portal = {e["url"]: e for e in served["articles"]}
    cross = [e for e in served["epaper_articles"] if e["same_story_as"]]
    assert 6 <= len(cross) <= 10
    assert len({e["same_story_as"] for e in cross}) == len(cross)
    for entry in cross:
        assert entry["site"] == WXRB and "cross_published" in entry["noise"]
        original = portal[entry["same_story_as"]]
        assert "mirror_garbling" not in original["noise"] and original["source"] != "新华社"
        gap = dt.date.fromisoformat(entry["date"]) - dt.date.fromisoformat(original["date"])
        assert gap in (dt.timedelta(0), dt.timedelta(days=1))
        assert entry["date"] <= replica.site.end_date.isoformat()
        noise = set(entry["noise"])
        changed_title = entry["title"] != original["title"]
        assert changed_title == ("title_reworded" in noise)
        if changed_title:
            first, _, second = original["title"].partition(" ")
            assert (entry["title"], entry["subtitle"]) in {
                (first, second),
                (f"{first}，{second}", None),
                (f"{second} {first}", None),
            } or entry["title"] == "我市" + original["title"].removeprefix("无锡")
        paragraphs, theirs = entry["paragraphs"], original["paragraphs"]
        if "extra_paragraph_start" in noise:
            assert paragraphs[1:] == theirs and len(paragraphs) == len(theirs) + 1
        elif "extra_paragraph_end" in noise:
            assert paragraphs[:-1] == theirs and len(paragraphs) == len(theirs) + 1
        else:
            assert paragraphs == theirs
        assert changed_title or paragraphs != theirs
        assert entry["authors"] in (original["authors"], [])
        assert entry["images"] == [] and entry["photographers"] == []
