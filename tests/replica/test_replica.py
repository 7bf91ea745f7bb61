"""Tests of the local wxrb.com replica: determinism, volume, the served pages, and the
parsing rules promised in replica/README.md (checked with a small reference parser)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from replica import ReplicaServer, build_site, manifest
from replica.content import SEED_FILE, SEED_FOOTER_LINES
from replica.templates import build_routes

REPO = Path(__file__).resolve().parents[2]
SHARED_SEED = REPO.parent / "shared" / "seed" / "wxrb-article-from-mirror.txt"  # beside a checkout, if there
DOC_PATH = re.compile(r"^/doc/(\d{4})/(\d{2})/(\d{2})/(\d+)\.shtml$")

# --- a reference parser for the rules in replica/README.md ---------------------------------
ROLES = ("晚报记者", "见习记者", "记者", "通讯员")
ROLE = "(?:" + "|".join(ROLES) + ")"
PHOTO_CREDIT = re.compile(r"^（([^（）]+) 摄）$")
TRAILING_BYLINE = re.compile(rf"^（({ROLE} [^（）]+)）$")
GLUED_BYLINE = re.compile(rf"（({ROLE} [^（）]+)）$")
INLINE_BYLINE = re.compile(rf"^(?:本报讯|新华社\S+?电)（({ROLE} [^（）]+)）")
EDITOR = re.compile(r"^责任编辑：(.+)$")
FOOTER_STARTS = ("Copyright", "互联网新闻信息服务许可证", "苏新网备", "互聯網新聞信息服務許可證", "蘇新網備")
RELATED_START = "相关阅读"


def byline_names(text: str) -> list[str]:
    return [token for token in re.split(r"[ 、]+", text) if token and token not in ROLES]


def br_segments(p: Tag) -> list[str]:
    segments = [""]
    for node in p.children:
        if isinstance(node, Tag) and node.name == "br":
            segments.append("")
        else:
            segments[-1] += node.get_text() if isinstance(node, Tag) else str(node)
    return segments


def parse_zoom(zoom: Tag) -> dict:
    fields = {"paragraphs": [], "authors": [], "photographers": [], "editor": None, "images": []}
    for p in zoom.find_all("p", recursive=False):
        if p.find("img"):
            fields["images"].append({"src": p.find("img")["src"], "caption": None})
            continue
        if "pic-desc" in (p.get("class") or []):
            fields["images"][-1]["caption"] = p.get_text()
            continue
        for text in (segment.strip() for segment in br_segments(p)):
            if not text or text.startswith((RELATED_START, *FOOTER_STARTS)):
                continue
            if match := EDITOR.match(text):
                fields["editor"] = match.group(1)
            elif match := PHOTO_CREDIT.match(text):
                fields["photographers"] += byline_names(match.group(1))
            elif match := TRAILING_BYLINE.match(text):
                fields["authors"] += byline_names(match.group(1))
            else:
                fields["paragraphs"].append(text)
    paragraphs = fields["paragraphs"]
    if match := INLINE_BYLINE.match(paragraphs[0]):
        fields["authors"] = byline_names(match.group(1)) + fields["authors"]
        paragraphs[0] = paragraphs[0][match.end() :]
    if match := GLUED_BYLINE.search(paragraphs[-1]):
        fields["authors"] += byline_names(match.group(1))
        paragraphs[-1] = paragraphs[-1][: match.start()]
    return fields


# --- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_manifest(replica) -> dict:
    status, _, body = get(replica, "/__replica__/manifest.json")
    assert status == 200
    return json.loads(body.decode("utf-8"))


def get(replica: ReplicaServer, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, headers, body)."""
    connection = http.client.HTTPConnection(replica.host, replica.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def soup_of(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body.decode("utf-8"), "lxml")


def seed_file_lines() -> list[str]:
    return SEED_FILE.read_text(encoding="utf-8").split("\n")


# --- the generator ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_site():
    first, second = build_site(), build_site()
    assert json.dumps(manifest(first), ensure_ascii=False) == json.dumps(manifest(second), ensure_ascii=False)
    first_routes, second_routes = build_routes(first), build_routes(second)
    assert first_routes.keys() == second_routes.keys()
    assert all(first_routes[path].body == second_routes[path].body for path in first_routes)


def test_different_seed_gives_a_different_site():
    assert manifest(build_site(1)) != manifest(build_site(2))
    assert manifest(build_site(1))["seed"] == 1


def test_volume_dates_and_ids():
    site = build_site()
    articles = site.articles
    assert len(articles) >= 70
    per_day = Counter(a.date for a in articles)
    assert len(per_day) >= 10
    assert all(5 <= count <= 8 for count in per_day.values())
    assert min(per_day) == site.start_date == dt.date(2026, 11, 10)
    assert max(per_day) == site.end_date == dt.date(2026, 11, 21)
    assert len({a.channel for a in articles}) >= 4
    assert [a.published_at for a in articles] == sorted(a.published_at for a in articles)
    assert [a.doc_id for a in articles] == sorted({a.doc_id for a in articles})
    assert 465000 <= articles[0].doc_id < 465200
    for article in articles:
        year, month, day, doc_id = DOC_PATH.match(article.path).groups()
        assert (int(year), int(month), int(day), int(doc_id)) == (
            *article.date.timetuple()[:3],
            article.doc_id,
        )
        assert article.published_at.date() == article.date
        assert article.published_at.utcoffset() == dt.timedelta(hours=8)
        assert article.published_at.second == 0


def test_generated_texts_have_the_promised_shape():
    site = build_site()
    generated = [a for a in site.articles if "mirror_garbling" not in a.noise]
    assert len({a.title for a in site.articles}) == len(site.articles)
    for article in generated:
        assert 4 <= len(article.paragraphs) <= 9, article.path
        for paragraph in article.paragraphs:
            assert 40 <= len(paragraph) <= 180, paragraph
            assert "（" not in paragraph and "）" not in paragraph, paragraph
            assert not paragraph.startswith(("责任编辑", "Copyright", "本报讯"))
        assert article.photographers == [] or article.images
        assert len(article.related) == 3 and article.path not in article.related


def test_every_noise_variant_occurs():
    noise = Counter(tag for a in build_site().articles for tag in a.noise)
    for tag in (
        "inline_byline",
        "glued_byline",
        "nbsp",
        "br_in_paragraph",
        "related_news",
        "mirror_garbling",
    ):
        assert noise[tag] >= 1, tag
    assert noise["mirror_garbling"] == 1
    assert 3 <= noise["footer_in_body"] <= 4  # the seed plus 2-3 others


def test_seed_article_carries_the_seed_file():
    if SHARED_SEED.exists():
        assert SEED_FILE.read_bytes() == SHARED_SEED.read_bytes()
    seeded = [a for a in build_site().articles if "mirror_garbling" in a.noise]
    assert len(seeded) == 1
    article = seeded[0]
    assert article.paragraphs == seed_file_lines()[:-SEED_FOOTER_LINES]  # what the page shows
    assert (article.channel, article.source, article.authors) == ("无锡新闻", "无锡日报", ["尹晖"])
    assert "footer_in_body" in article.noise
    # What the manifest promises: one clean line per garbled line, in simplified script.
    clean = manifest(build_site())["articles"]
    (entry,) = [e for e in clean if "mirror_garbling" in e["noise"]]
    assert len(entry["paragraphs"]) == len(article.paragraphs)
    assert not any("區" in line or "(q" in line or "</p>" in line for line in entry["paragraphs"])


# --- the server ----------------------------------------------------------------------------------


def test_manifest_is_served(replica, served_manifest):
    assert served_manifest == json.loads(json.dumps(manifest(replica.site), ensure_ascii=False))
    entry = served_manifest["articles"][0]
    assert set(entry) == {
        "url",
        "doc_id",
        "date",
        "channel",
        "title",
        "published_at",
        "source",
        "authors",
        "photographers",
        "editor",
        "lead",
        "paragraphs",
        "images",
        "noise",
    }
    assert entry["published_at"].endswith("+08:00") and isinstance(entry["doc_id"], str)
    assert {c["name"] for c in served_manifest["channels"] if c["articles"]} >= {"无锡新闻"}


def test_every_article_page(replica, served_manifest):
    for entry in served_manifest["articles"]:
        status, headers, body = get(replica, entry["url"])
        assert status == 200, entry["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(headers["Content-Length"]) == len(body)
        assert "Last-Modified" in headers
        soup = soup_of(body)
        assert soup.select_one(".bigTit h1 strong").get_text() == entry["title"]
        ldate = [p.get_text() for p in soup.select("div.ldate > p")]
        published = dt.datetime.fromisoformat(entry["published_at"])
        assert ldate == [
            f"{published:%Y}",
            f"{published:%m/%d}",
            f"{published:%H:%M}",
            "来源",
            entry["source"],
        ]
        assert soup.select_one("div.ldate > p > span").get_text() == f"{published:%Y}"
        crumbs = soup.select_one("div.crumbs").get_text()
        assert crumbs.endswith(f"{entry['channel']} > 正文")
        assert len(soup.select("div.xgxw li a[href^='/doc/']")) == 3


def test_documented_rules_recover_the_expected_fields(replica, served_manifest):
    for entry in served_manifest["articles"]:
        _, _, body = get(replica, entry["url"])
        parsed = parse_zoom(soup_of(body).select_one("div#zoom"))
        if "mirror_garbling" in entry["noise"]:
            continue  # its paragraphs and byline are what garbling repair recovers (README, "The seed article")
        assert parsed["paragraphs"] == entry["paragraphs"], entry["url"]
        assert parsed["authors"] == entry["authors"], entry["url"]
        first = soup_of(body).select_one("div#zoom p").get_text().strip()
        assert (entry["lead"] is not None) == bool(INLINE_BYLINE.match(first)), entry["url"]
        assert parsed["photographers"] == entry["photographers"], entry["url"]
        assert parsed["editor"] == entry["editor"], entry["url"]
        assert parsed["images"] == entry["images"], entry["url"]


def test_noise_is_visible_in_the_html(replica, served_manifest):
    for entry in served_manifest["articles"]:
        _, _, body = get(replica, entry["url"])
        zoom = soup_of(body).select_one("div#zoom")
        text = zoom.get_text()
        assert ("\xa0" in text) == ("nbsp" in entry["noise"]), entry["url"]
        assert bool(zoom.find("br")) == ("br_in_paragraph" in entry["noise"]), entry["url"]
        assert (RELATED_START in text) == ("related_news" in entry["noise"]), entry["url"]
        assert ("Copyright" in text) == ("footer_in_body" in entry["noise"]), entry["url"]
        if "inline_byline" in entry["noise"]:
            assert INLINE_BYLINE.match(zoom.find("p").get_text().strip()), entry["url"]


def test_seed_page_shows_the_mirror_footer_inside_the_body(replica, served_manifest):
    entry = next(e for e in served_manifest["articles"] if "mirror_garbling" in e["noise"])
    _, _, body = get(replica, entry["url"])
    lines = [p.get_text().strip() for p in soup_of(body).select("div#zoom > p")]
    assert lines == seed_file_lines()


def test_list_pagination_reaches_every_article_once(replica, served_manifest):
    for channel in served_manifest["channels"]:
        url, seen, pages = channel["path"] + "index.shtml", [], 0
        while url:
            status, _, body = get(replica, url)
            assert status == 200, url
            pages += 1
            soup = soup_of(body)
            seen += [(a["href"], a.get_text()) for a in soup.select("div.list li a")]
            assert all(span.get_text() for span in soup.select("div.list li span.time"))
            nxt = [a["href"] for a in soup.select("div.page a") if a.get_text() == "下一页"]
            url = urljoin(url, nxt[0]) if nxt else None
        expected = [e for e in served_manifest["articles"] if e["channel"] == channel["name"]]
        expected.sort(key=lambda e: e["published_at"], reverse=True)
        assert seen == [(e["url"], e["title"]) for e in expected]
        assert pages == channel["list_pages"] and len(seen) == channel["articles"]
    assert max(c["list_pages"] for c in served_manifest["channels"]) >= 3
    assert any(c["articles"] == 0 for c in served_manifest["channels"])


def test_list_page_markup_and_index_1_is_missing(replica):
    status, _, body = get(replica, "/news/wxxw/index_2.shtml")
    pager = [(a.get_text(), a["href"]) for a in soup_of(body).select("div.page a")]
    assert pager[0] == ("首页", "index.shtml") and ("上一页", "index.shtml") in pager
    assert pager[-1][0] == "尾页"
    assert get(replica, "/news/wxxw/index_1.shtml")[0] == 404
    assert get(replica, "/news/wxxw/index_99.shtml")[0] == 404


def test_home_page(replica):
    status, headers, body = get(replica, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<meta charset="utf-8">' in body
    soup = soup_of(body)
    sections = soup.select("div.nav > ul.font24 > li")
    assert [li.a.get_text() for li in sections] == ["新闻中心", "经济", "民生", "文旅"]
    assert all(len(li.select("div.subnav a")) >= 2 for li in sections)
    assert soup.select_one("div.nav div.subnav a")["href"] == "/news/wxxw/index.shtml"
    headlines = [a["href"] for a in soup.select("div.headline a")]
    assert headlines == [a.path for a in reversed(replica.site.articles)][:12]
    hosts = {urlsplit(a["href"]).netloc for a in soup.select("a[href]")}
    assert any(host and host != f"{replica.host}:{replica.port}" for host in hosts)
    footer = soup.select_one("div.footer").get_text()
    assert "苏ICP备05004020号" in footer and "1998-2023 无锡日报报业集团无锡新传媒网版权所有" in footer


def test_robots_txt_and_disallowed_paths(replica):
    status, headers, body = get(replica, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /search/" in lines and "Disallow: /member/" in lines
    assert get(replica, "/search/")[0] == 200  # it exists, so a crawler that asks would get it


def test_redirects_images_and_404(replica):
    status, headers, _ = get(replica, "/news/")
    assert (status, headers["Location"]) == (301, "/news/wxxw/index.shtml")
    status, headers, _ = get(replica, "/economy/cy/")
    assert (status, headers["Location"]) == (301, "/economy/cy/index.shtml")
    image = next(a.images[0]["src"] for a in replica.site.articles if a.images)
    status, headers, body = get(replica, image)
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and body.startswith(b"\xff\xd8")
    status, headers, body = get(replica, "/no/such/page.shtml")
    assert status == 404 and "text/html" in headers["Content-Type"] and body


def test_requests_are_counted_per_path():
    with ReplicaServer(seed=7) as server:
        assert get(server, "/?from=test")[0] == 200
        get(server, "/")
        assert server.requests["/"] == 2
        assert server.requests["/search/"] == 0
        get(server, "/search/?q=wuxi")
        assert server.requests["/search/"] == 1
        assert server.site.seed == 7


def test_cli_serves_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "replica", "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        first_line = process.stdout.readline()
        base = re.search(r"http://[\d.]+:(\d+)", first_line)
        assert base, first_line
        connection = http.client.HTTPConnection("127.0.0.1", int(base.group(1)), timeout=10)
        connection.request("GET", "/robots.txt")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
