"""What every wxrb spider shares: the date window, storing a page, site-wide counters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from processing.urls import canonical_url
from scrapers.items import RawPageItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def yesterday_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date() - timedelta(days=1)


def parse_day(value: str | date | None, argument: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"spider argument {argument}={value!r} is not a date (YYYY-MM-DD)") from None


class WxrbSpider(scrapy.Spider):
    """Base class: ``-a since=YYYY-MM-DD -a until=YYYY-MM-DD`` (default: yesterday, Shanghai)."""

    base_url_setting = ""  # the settings/env key holding this site's base URL

    def __init__(self, since=None, until=None, base_url=None, **kwargs):
        super().__init__(**kwargs)
        self.until = parse_day(until, "until") or parse_day(since, "since") or yesterday_in_shanghai()
        self.since = parse_day(since, "since") or self.until
        if self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        self.base_url = (base_url or "").rstrip("/")

    def in_window(self, day: date) -> bool:
        return self.since <= day <= self.until

    def same_site(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def raw_page(self, response: TextResponse) -> RawPageItem:
        """The response as the pipeline stores it: bytes untouched, encodings noted."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        declared = http_content_type_encoding(content_type) or html_body_declared_encoding(response.body)
        self.crawler.stats.inc_value("wxrb/article_pages")
        return RawPageItem(
            url=canonical_url(response.request.url),
            final_url=response.url,
            fetched_at=datetime.now(SHANGHAI),
            http_status=response.status,
            headers={k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v},
            declared_encoding=declared,
            used_encoding=response.encoding,
            body=response.body,
        )
