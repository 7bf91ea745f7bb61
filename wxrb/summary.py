"""The summary printed after a job: what is in the database and how to look at it."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from processing.sql import query
from wxrb import config, db


def render(dsn: str) -> str:
    with db.connect(dsn) as conn:
        totals = conn.execute(query("summary_totals")).fetchone()
        per_channel_day = conn.execute(query("summary_per_channel_day")).fetchall()
        top = conn.execute(query("summary_top_keywords"), {"limit": 15}).fetchall()
    lines = [
        f"Loaded: {totals[0]} articles from {totals[1]} raw pages ({totals[4]} pages skipped), "
        f"{totals[2]} keywords, {totals[3]} crawl runs.",
        "",
        "Articles per day and channel:",
        *_pivot(per_channel_day),
        "",
        "Top keywords (articles):  " + "  ".join(f"{k} ({n})" for k, n, _ in top),
        "",
        f"Database: {db.redact(dsn)}",
    ]
    if not config.explicit_database_url():
        lines.append(f"  embedded server, data in {db.pgdata_dir()} (stop it with `wxrb db stop`)")
    lines += [
        "Open it with psql:  .venv/bin/wxrb db psql",
        "  e.g. SELECT published_at, channel, title, authors FROM articles ORDER BY published_at DESC LIMIT 10;",
    ]
    return "\n".join(lines)


def _pivot(rows: list[tuple]) -> list[str]:
    """Days down, channels across, a total column; widths count CJK characters as two."""
    channels = sorted({channel for channel, _, _ in rows})
    by_day: dict = defaultdict(dict)
    for channel, day, count in rows:
        by_day[day][channel] = count
    widths = [max(_width(c), 4) + 2 for c in channels]
    out = ["  " + _pad("day", 12) + "".join(_pad(c, w) for c, w in zip(channels, widths, strict=True)) + "total"]
    for day in sorted(by_day, key=str):
        counts = by_day[day]
        cells = "".join(_pad(str(counts.get(c, "-")), w) for c, w in zip(channels, widths, strict=True))
        out.append("  " + _pad(str(day), 12) + cells + str(sum(counts.values())))
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 1)
