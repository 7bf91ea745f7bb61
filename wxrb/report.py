"""The run report: one self-contained HTML page per day, written after every daily run.

It covers the day (Asia/Shanghai) and the 7 days before it: articles per site, the crawl runs
that covered the day, volume per day and channel, the week's keywords, places in the news, and
samples of story clusters and figures. Charts are matplotlib SVGs embedded as data: URIs, with
their text kept as text (``svg.fonttype = 'none'``) so the browser draws the Chinese labels
with a CJK font. Every query is a file ``sql/queries/report_*.sql``.
"""

from __future__ import annotations

import base64
import html
import io
import os
import warnings
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from processing.sql import query
from wxrb import config

WINDOW_DAYS = 7  # the report's day and the 7 days before it
TOP_CHANNELS = 10  # stacked bars: the channels with the most articles; the rest as 其他
TOP_KEYWORDS = 20
SAMPLE_ROWS = 10  # rows in the stories and figures tables
MAX_CRAWL_RUNS = 30
SITES = {"portal": "wxrb.com", "epaper_wxrb": "无锡日报", "epaper_jnwb": "江南晚报"}
DISTRICT_LEVELS = ("district", "county_city")  # 梁溪区 … and 江阴市, 宜兴市
# The SVG names these fonts, in this order; the viewer's browser takes the first it has.
CJK_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "DejaVu Sans",
]
CHART_RC = {
    "svg.fonttype": "none",  # text stays text: searchable, and drawn with the browser's CJK font
    "svg.hashsalt": "wxrb-report",  # stable element ids: the same data gives the same file
    "font.family": "sans-serif",
    "font.sans-serif": CJK_FONTS,
    "font.size": 9,
}
HIGHLIGHT = "#c0392b"

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f3f3f3; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; } .note { color: #666; } .empty { color: #a33; font-weight: bold; }
.status-finished { color: #1a7f37; } .status-failed, .status-blocked, .status-unreachable { color: #c0392b; }
"""


def build(conn, day: date) -> Path:
    """Write ``<reports dir>/wxrb-report-YYYY-MM-DD.html`` for ``day`` and return its path."""
    since = day - timedelta(days=WINDOW_DAYS)
    params = {"day": day, "since": since}
    rows = {
        name: conn.execute(query(f"report_{name}"), {**params, "limit": limit}).fetchall()
        for name, limit in [
            ("articles_per_site", None),
            ("crawl_runs", MAX_CRAWL_RUNS),
            ("volume", None),
            ("top_keywords", TOP_KEYWORDS),
            ("places", None),
            ("stories", SAMPLE_ROWS),
            ("figures", SAMPLE_ROWS),
        ]
    }
    page = render(day, since, rows)
    directory = config.reports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"wxrb-report-{day.isoformat()}.html"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)  # readers never see half a report
    return path


def render(day: date, since: date, rows: dict[str, list[tuple]]) -> str:
    """The whole page, from the rows of every report query."""
    sections = [
        _headline(day, rows["articles_per_site"]),
        _crawls(rows["crawl_runs"]),
        _volume(day, since, rows["volume"]),
        _keywords(rows["top_keywords"]),
        _places(day, rows["places"]),
        _stories(rows["stories"]),
        _figures(rows["figures"]),
    ]
    title = f"wxrb run report: {day.isoformat()}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{_e(title)}</h1>",
            f'<p class="note">Articles published on {day} (Asia/Shanghai) and over the week {since} – {day}: '
            "www.wxrb.com (wxrb.com) and the e-papers 无锡日报 and 江南晚报.</p>",
            *sections,
            "</body></html>",
        ]
    )


# --- sections -----------------------------------------------------------------------------------


def _headline(day: date, per_site: list[tuple]) -> str:
    total_day = sum(on_day for _, on_day, _ in per_site)
    body = [[SITES.get(site, site), on_day, week] for site, on_day, week in per_site]
    body.append(["total", total_day, sum(week for _, _, week in per_site)])
    table = _table(
        ["site", f"articles on {day}", "articles over the week"],
        body,
        row_attrs=[f'data-site="{_e(site)}"' for site, _, _ in per_site] + ['data-site="total"'],
    )
    empty = f'<p class="empty">No articles on this day ({day}).</p>' if total_day == 0 else ""
    return _section("headline", "Headline", empty + table)


def _crawls(runs: list[tuple]) -> str:
    if not runs:
        return _section("crawl-runs", "Crawl runs", '<p class="note">No crawl run covered this day.</p>')
    skipped, flagged = sum(r[8] for r in runs), sum(r[9] for r in runs)
    by_status: dict[str, int] = defaultdict(int)
    for run in runs:
        by_status[run[2]] += 1
    summary = (
        f'<p>Pages skipped (no article): <b id="pages-skipped">{skipped}</b>; flagged as garbled: '
        f'<b id="pages-flagged">{flagged}</b>; crawl runs: <b id="crawl-runs-count">{len(runs)}</b> ('
        + ", ".join(f"{_e(status)} {n}" for status, n in sorted(by_status.items()))
        + ").</p>"
    )
    body = [
        [
            run_id,
            SITES.get(spider, spider),
            _Status(status),
            f"{since} – {until}",
            f"{started:%Y-%m-%d %H:%M}",
            pages,
            loaded,
            skipped_,
            flagged_,
        ]
        for run_id, spider, status, since, until, started, pages, loaded, skipped_, flagged_ in runs
    ]
    table = _table(
        [
            "run",
            "source",
            "status",
            "window",
            "started (Shanghai)",
            "pages stored",
            "loaded",
            "skipped",
            "flagged",
        ],
        body,
    )
    note = '<p class="note">The crawl runs whose window covers the day, newest first, and their pages.</p>'
    return _section("crawl-runs", "Crawl runs", summary + table + note)


def _volume(day: date, since: date, rows: list[tuple]) -> str:
    if not rows:
        return _section("volume", "Volume by day and channel", _no_data())
    days = [since + timedelta(days=i) for i in range((day - since).days + 1)]
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row_day, site, channel, n in rows:
        counts[f"{SITES.get(site, site)} · {channel}"][row_day] += n
    ranked = sorted(counts, key=lambda c: (-sum(counts[c].values()), c))
    series = {c: counts[c] for c in ranked[:TOP_CHANNELS]}
    if len(ranked) > TOP_CHANNELS:
        series["其他 (other channels)"] = {d: sum(counts[c][d] for c in ranked[TOP_CHANNELS:]) for d in days}
    svg = _stacked_bars(days, series, day)
    alt = f"Stacked bars: articles per day {since} – {day} by site and channel"
    return _section("volume", "Volume by day and channel", _img(svg, alt))


def _keywords(rows: list[tuple]) -> str:
    if not rows:
        return _section("keywords", "Top keywords of the week", _no_data())
    method = rows[0][0]
    svg = _hbars([k for _, k, _ in rows], [n for _, _, n in rows], "articles", f"本周关键词 ({method})")
    note = f'<p class="note">Keywords by <code>{_e(method)}</code>: in how many of the week\'s articles.</p>'
    return _section(
        "keywords", "Top keywords of the week", _img(svg, f"Bars: the week's top keywords ({method})") + note
    )


def _places(day: date, rows: list[tuple]) -> str:
    if not rows:
        return _section("places", "Places in the news", _no_data())
    week: dict[str, int] = defaultdict(int)
    on_day: dict[str, int] = defaultdict(int)
    for row_day, place, level, _, _, _, incl in rows:
        if level in DISTRICT_LEVELS:
            week[place] += incl
            on_day[place] += incl if row_day == day else 0
    names = sorted(week, key=lambda p: (-week[p], p))
    svg = (
        _hbars(
            names,
            [week[p] for p in names],
            "articles (incl. towns and streets in it)",
            "区县 (districts and county-level cities)",
            [on_day[p] for p in names],
        )
        if names
        else ""
    )
    named = sorted((r for r in rows if r[0] == day), key=lambda r: (-r[4], r[1]))[:SAMPLE_ROWS]
    table = _table(
        ["place", "level", "in", "articles naming it", "mentions", "incl. places inside it"],
        [[p, lvl, parent or "", a, m, i] for _, p, lvl, parent, a, m, i in named],
    )
    parts = [
        _img(svg, f"Bars: articles per district over the week and on {day}") if svg else "",
        f"<h3>Places named on {day}</h3>",
        table if named else _no_data("on this day"),
    ]
    return _section("places", "Places in the news", "".join(parts))


def _stories(rows: list[tuple]) -> str:
    if not rows:
        return _section("stories", "Stories printed more than once", _no_data())
    body = [
        [title, f"{first:%Y-%m-%d %H:%M}", copies, "、".join(SITES.get(s, s) for s in sites)]
        for title, first, copies, sites, _ in rows
    ]
    note = (
        f'<p class="note">{len(rows)} of the {rows[0][4]} stories first published this week that ran '
        "more than once (view <code>stories</code>).</p>"
    )
    return _section(
        "stories",
        "Stories printed more than once",
        note + _table(["title", "first published", "copies", "sites"], body),
    )


def _figures(rows: list[tuple]) -> str:
    if not rows:
        return _section("figures", "Figures of the day", _no_data("on this day"))
    body = [
        [f"{SITES.get(site, site)} · {channel or ''}", what or "", raw, "、".join(keywords or []), title]
        for site, channel, what, raw, keywords, title, _ in rows
    ]
    note = (
        f'<p class="note">The first figure of {len(rows)} articles; the day\'s articles gave {rows[0][6]} '
        "figures (view <code>figures_by_topic</code>).</p>"
    )
    return _section(
        "figures",
        "Figures of the day",
        note + _table(["site · channel", "what", "figure", "topic", "article"], body),
    )


# --- charts -------------------------------------------------------------------------------------


def _stacked_bars(days: list[date], series: dict[str, dict[date, int]], day: date) -> bytes:
    with matplotlib.rc_context(CHART_RC):
        fig = Figure(figsize=(10, 4.2), layout="constrained")
        ax = fig.subplots()
        x = range(len(days))
        bottom = [0] * len(days)
        colors = matplotlib.colormaps["tab20"].colors
        for i, (label, counts) in enumerate(series.items()):
            heights = [counts.get(d, 0) for d in days]
            ax.bar(x, heights, bottom=bottom, label=label, color=colors[i % len(colors)], width=0.7)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set_xticks(list(x), [f"{d:%m-%d}" for d in days])
        ax.get_xticklabels()[-1].set(color=HIGHLIGHT, fontweight="bold")
        ax.set_ylabel("articles")
        ax.set_title(f"每日稿件量 (articles per day and channel), {days[0]} – {day}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        return _svg(fig)


def _hbars(
    labels: list[str], values: list[int], xlabel: str, title: str, highlight: list[int] | None = None
) -> bytes:
    with matplotlib.rc_context(CHART_RC):
        fig = Figure(figsize=(8, 0.9 + 0.28 * len(labels)), layout="constrained")
        ax = fig.subplots()
        ax.barh(labels, values, color="#4c78a8", label="the week")
        if highlight is not None:
            ax.barh(labels, highlight, color=HIGHLIGHT, height=0.4, label="the day")
            ax.legend(loc="lower right", frameon=False)
        ax.invert_yaxis()  # largest first
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        return _svg(fig)


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A machine without a CJK font only measures the labels roughly: the browser draws them.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# --- HTML ---------------------------------------------------------------------------------------


class _Status(str):
    """A crawl status: rendered with a colour class."""


def _e(value) -> str:
    return html.escape(str(value))


def _section(anchor: str, heading: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(heading)}</h2>{content}</section>'


def _img(svg: bytes, alt: str) -> str:
    data = base64.b64encode(svg).decode("ascii")
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{_e(alt)}"></figure>'


def _no_data(when: str = "over these days") -> str:
    return f'<p class="note">No data {when}.</p>'


def _table(headers: list[str], rows: list[list], row_attrs: list[str] | None = None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    lines = []
    for i, row in enumerate(rows):
        attrs = f" {row_attrs[i]}" if row_attrs else ""
        lines.append(f"<tr{attrs}>" + "".join(_cell(v) for v in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def _cell(value) -> str:
    if isinstance(value, _Status):
        return f'<td class="status-{_e(value)}">{_e(value)}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{_e(value)}</td>"
