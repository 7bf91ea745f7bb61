"""Dates as Chinese news pages print them, in text, meta values and URLs, to Asia/Shanghai.

Used by the generic parser (processing/parsers/generic.py); the wxrb template parsers read
their own fixed date blocks. Each function returns (datetime, signal): signal ``page`` when
a time to the minute was found, ``page_date`` for a date alone, ``url`` for a URL date
(processing/article.py, PUBLISHED_AT_SOURCES).
"""

from __future__ import annotations

import re
from datetime import datetime, time

from processing.parsers.base import SHANGHAI, shanghai

# Dates as Chinese sites print them: 2026-11-14 08:12, 2026/11/14 08:12:30, 2026年11月14日 08:12,
# 2026年11月14日08:12, 2026.11.14, and 2026 11/14 08:12 (a date block in separate elements, as
# wxrb's div.ldate).
DATE = (
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.年]|\s)\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?P<h>\d{1,2})\s*[:：时]\s*(?P<mi>\d{2})(?:\s*[:：分]\s*(?P<s>\d{2}))?)?"
)
LABELLED_DATE = re.compile(rf"(?:发布时间|发布日期|发表时间|时间|日期)\s*[:：]\s*{DATE}")
ANY_DATE = re.compile(DATE)
# Dates in URLs of other sites: /2026/11/14/, /20261114/, /2026-11/14/, /202611/14/, /2026/1114/,
# and the government CMS's t20261114_123.shtml.
URL_DATES = (
    re.compile(r"/(?P<y>\d{4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>\d{4})-(?P<mo>\d{2})/(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>\d{4})(?P<mo>\d{2})/(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>\d{4})/(?P<mo>\d{2})(?P<d>\d{2})/"),
    re.compile(r"/t(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})_\d+"),
)
YEARS = range(1990, 2101)  # a publication year outside is a placeholder (0001-01-01) or garbage


def parse_date(text: str) -> tuple[datetime | None, str | None]:
    """An ISO 8601 value (converted to Asia/Shanghai; naive means Shanghai) or a DATE text."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return date_in(text)
    if value.year not in YEARS:
        return None, None
    value = value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)
    return value, "page" if re.search(r"\d[T ]\d", text) else "page_date"


def date_in(text: str) -> tuple[datetime | None, str | None]:
    """The first valid date in ``text``, a labelled one (发布时间：…) first."""
    for pattern in (LABELLED_DATE, ANY_DATE):
        for match in pattern.finditer(text):
            day = shanghai(int(match["y"]), int(match["mo"]), int(match["d"]))
            if day is None or day.year not in YEARS:
                continue
            if match["h"] is None:
                return day, "page_date"
            try:
                return day.replace(
                    hour=int(match["h"]), minute=int(match["mi"]), second=int(match["s"] or 0)
                ), "page"
            except ValueError:
                return day, "page_date"
    return None, None


def url_date(url: str | None) -> tuple[datetime | None, str | None]:
    for pattern in URL_DATES:
        for match in pattern.finditer(url or ""):
            day = shanghai(int(match["y"]), int(match["mo"]), int(match["d"]))
            if day and day.year in YEARS:
                return datetime.combine(day.date(), time(0, 0), SHANGHAI), "url"
    return None, None
