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
        places, orgs, people, figures, stories, multi, flagged = conn.execute(query("summary_intelligence")).fetchone()
    lines = [
        f"Loaded: {totals[0]} articles from {totals[1]} raw pages ({totals[4]} pages skipped, {flagged} flagged"
        f" as garbled), {totals[2]} keywords, {totals[3]} crawl runs.",
        f"Found (per article): {places} places, {orgs} organisations, {people} people, {figures} figures;"
        f" {stories} stories, {multi} of them printed more than once (view `stories`).",
        "",
        "Articles per channel and day:",
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
        "Search it:  .venv/bin/wxrb search 专精特新     Analyst guide: docs/analyst-guide.md",
    ]
    return "\n".join(lines)


def _pivot(rows: list[tuple]) -> list[str]:
    """Channels down (grouped by site), days across as MM-DD, a total column; CJK counts double."""
    days = sorted({day for _, day, _ in rows if day is not None})
    by_channel: dict = defaultdict(dict)
    for channel, day, count in rows:
        by_channel[channel][day] = count
    width = max([_width(c) for c in by_channel] + [8]) + 2
    header = "  " + _pad("site · channel", width) + "".join(f"{d:%m-%d} " for d in days) + "total"
    out = [header]
    for channel in sorted(by_channel):
        counts = by_channel[channel]
        cells = "".join(f"{counts.get(d, '-')!s:>5} " for d in days)
        out.append("  " + _pad(channel, width) + cells + f"{sum(counts.values()):>5}")
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 1)
