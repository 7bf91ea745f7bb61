"""The HTML run report on the replica: sections, SVG charts with Chinese text, the day's
numbers, a headless Chromium screenshot, the empty day and ``wxrb report``."""

import base64
import re
import shutil
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import date

import psycopg
import pytest

from tests.conftest import replica_loaded
from wxrb import config, report

DAY = date(2026, 11, 20)
EMPTY_DAY = date(2025, 1, 1)
SECTIONS = ("headline", "crawl-runs", "volume", "keywords", "places", "stories", "figures")
IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">')
SVG_NS = "{http://www.w3.org/2000/svg}"
ENSURE_CHROMIUM = config.PROJECT_ROOT / "scripts" / "ensure-chromium"
CHROMIUM_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def loaded(replica, pg_server, tmp_path_factory):
    """The portal, 无锡日报 and 江南晚报 over the whole replica, crawled and processed once."""
    reports = tmp_path_factory.mktemp("reports")
    with replica_loaded(pg_server, replica, config.DAILY_SOURCES, "report", {"WXRB_REPORTS_DIR": str(reports)}) as dsn:
        yield dsn


@pytest.fixture(scope="module")
def built(loaded):
    started = time.monotonic()
    with psycopg.connect(loaded) as conn:
        path = report.build(conn, DAY)
    print(f"\nreport for {DAY} built in {time.monotonic() - started:.2f} s: {path}")
    return path


def chart_texts(page: str) -> list[tuple[str, set[str]]]:
    """(alt, every <text> of the SVG) per embedded chart; fails when one is not an SVG."""
    charts = []
    for data, alt in IMG.findall(page):
        root = ET.fromstring(base64.b64decode(data, validate=True))
        assert root.tag == f"{SVG_NS}svg", alt
        charts.append((alt, {"".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")}))
    return charts


def test_the_report_has_its_sections_and_no_external_resource(built):
    page = built.read_text(encoding="utf-8")
    assert built.name == f"wxrb-report-{DAY}.html" and built.parent == config.reports_dir()
    assert '<meta charset="utf-8">' in page
    for section in SECTIONS:
        assert f'<section id="{section}">' in page
    assert not re.search(r"<(script|link|iframe)\b|\b(src|href)=\"(?!data:)|url\(", page)
    assert "No articles on this day" not in page


def test_charts_are_svg_images_with_chinese_labels_as_text(built, loaded):
    page = built.read_text(encoding="utf-8")
    charts = chart_texts(page)
    assert len(charts) >= 3
    with psycopg.connect(loaded) as conn:
        (district,) = conn.execute(
            "SELECT place FROM place_mentions_per_day WHERE day BETWEEN %s AND %s AND level = 'district'"
            " GROUP BY place ORDER BY sum(articles_incl_subplaces) DESC, place LIMIT 1",
            [date(2026, 11, 13), DAY],
        ).fetchone()
        (keyword,) = conn.execute(
            "SELECT k.keyword FROM article_keywords k JOIN articles a ON a.id = k.article_id"
            " WHERE k.method = 'tfidf_jieba' AND (a.published_at AT TIME ZONE 'Asia/Shanghai')::date"
            " BETWEEN %s AND %s GROUP BY k.keyword ORDER BY count(*) DESC, sum(k.weight) DESC, k.keyword LIMIT 1",
            [date(2026, 11, 13), DAY],
        ).fetchone()
    texts = set().union(*(t for _, t in charts))
    assert district in texts  # e.g. 锡山区: the browser draws it, it is not a path
    assert keyword in texts
    assert "无锡日报 · 要闻" in texts and "11-20" in texts
    assert any("tfidf_jieba" in t for t in texts)  # no corpus IDF yet: jieba's table


def test_headline_numbers_match_the_database(built, loaded):
    page = built.read_text(encoding="utf-8")
    with psycopg.connect(loaded) as conn:
        per_site = dict(
            conn.execute(
                "SELECT site, count(*) FROM articles WHERE (published_at AT TIME ZONE 'Asia/Shanghai')::date = %s"
                " GROUP BY site",
                [DAY],
            ).fetchall()
        )
        skipped, flagged, runs = conn.execute(
            "SELECT count(*) FILTER (WHERE p.status = 'skipped'), count(*) FILTER (WHERE p.status = 'flagged'),"
            " (SELECT count(*) FROM crawl_runs WHERE %(d)s BETWEEN window_since AND window_until)"
            " FROM raw_page_processing p JOIN raw_pages r ON r.id = p.raw_page_id"
            " JOIN crawl_runs c ON c.id = r.crawl_run_id WHERE %(d)s BETWEEN c.window_since AND c.window_until",
            {"d": DAY},
        ).fetchone()
    assert set(per_site) == {"portal", "epaper_wxrb", "epaper_jnwb"}
    for site, count in [*per_site.items(), ("total", sum(per_site.values()))]:
        row = re.search(rf'<tr data-site="{site}"><td>[^<]+</td><td class="n">(\d+)</td>', page)
        assert row and int(row.group(1)) == count, site
    assert f'<b id="pages-skipped">{skipped}</b>' in page
    assert f'<b id="pages-flagged">{flagged}</b>' in page
    assert f'<b id="crawl-runs-count">{runs}</b>' in page and runs == 3
    assert page.count('class="status-finished"') == 3


def test_headless_chromium_renders_the_report(built, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    fonts = (
        subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if shutil.which("fc-list")
        else ""
    )
    if not chromium or not fonts.strip():
        check = subprocess.run([ENSURE_CHROMIUM, "--check"], capture_output=True, text=True)
        pytest.fail(check.stdout.strip() or "chromium or a CJK font is missing: run scripts/ensure-chromium")
    screenshot = tmp_path / f"wxrb-report-{DAY}.png"
    started = time.monotonic()
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--screenshot={screenshot}",
            "--window-size=1280,2000",
            built.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT_S,
    )
    print(f"\nscreenshot in {time.monotonic() - started:.2f} s: {screenshot}")
    assert screenshot.exists(), done.stderr[-2000:]
    assert (1280, 2000) == png_size(screenshot)
    assert idat_bytes(screenshot) > 30_000  # a blank or single-colour page compresses to almost nothing
    from PIL import Image

    with Image.open(screenshot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50  # text, table rules and chart colours


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def idat_bytes(path) -> int:
    data, offset, total = path.read_bytes(), 8, 0
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        total += length if kind == b"IDAT" else 0
        offset += 12 + length
    return total


def test_an_empty_day_gives_a_clear_report(loaded):
    with psycopg.connect(loaded) as conn:
        path = report.build(conn, EMPTY_DAY)
    page = path.read_text(encoding="utf-8")
    assert path.name == f"wxrb-report-{EMPTY_DAY}.html"
    assert f"No articles on this day ({EMPTY_DAY})" in page
    assert all(f'<section id="{section}">' in page for section in SECTIONS)
    assert not IMG.search(page) and "No crawl run covered this day" in page


def test_wxrb_report_command_prints_the_path_and_rebuilds_the_same_report(built, capsys):
    from wxrb.cli import main

    before = built.read_bytes()
    assert main(["report", "--date", str(DAY)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert printed == str(built)
    assert built.read_bytes() == before  # same data, same file: charts carry no date or random id
