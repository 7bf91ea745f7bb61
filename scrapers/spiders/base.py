"""What every wxrb spider shares: the date window, storing a page, site-wide counters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import TextResponse

from processing.urls import canonical_url
from scrapers.items import RawPageItem
from scrapers.known import Validators, known_pages

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def declared_charset(content_type: str, body: bytes) -> str | None:
    """The charset a page declares, as written (gbk stays gbk): header first, then <meta>."""
    match = HEADER_CHARSET.search(content_type)
    if match:
        return match[1].lower()
    match = META_CHARSET.search(body[:4096])
    return match[1].decode("ascii", "replace").lower() if match else None


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

    def __init__(self, since=None, until=None, base_url=None, revalidate=None, **kwargs):
        super().__init__(**kwargs)
        self.until = parse_day(until, "until") or parse_day(since, "since") or yesterday_in_shanghai()
        self.since = parse_day(since, "since") or self.until
        if self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        self.base_url = (base_url or self.default_base_url()).rstrip("/")
        # Off-site links and redirects are never followed.
        self.allowed_domains = [urlsplit(self.base_url).hostname]
        # Stored articles are not fetched again, unless revalidating with conditional requests.
        self.revalidate = str(revalidate).lower() in ("1", "true", "yes")
        self.known: dict[str, Validators] = {}
        self.skipped: set[str] = set()

    def default_base_url(self) -> str:
        raise NotImplementedError

    def stored_url_patterns(self) -> list[str]:
        """SQL LIKE patterns matching this spider's stored article URLs inside the window."""
        raise NotImplementedError

    def load_known_pages(self) -> None:
        self.known = known_pages(self.stored_url_patterns())
        self.crawler.stats.set_value("wxrb/articles_already_stored", len(self.known))

    def article_request(self, url: str, callback, **cb_kwargs) -> scrapy.Request | None:
        """A request for an article URL, or None when it is stored and not to be revalidated."""
        validators = self.known.get(canonical_url(url))
        if validators is None:
            return scrapy.Request(url, callback=callback, cb_kwargs=cb_kwargs)
        if not self.revalidate:
            self.skipped.add(canonical_url(url))  # linked from several pages: count it once
            self.crawler.stats.set_value("wxrb/articles_skipped_stored", len(self.skipped))
            return None
        return scrapy.Request(
            url, callback=callback, cb_kwargs=cb_kwargs, headers=validators.headers(),
            meta={"handle_httpstatus_list": [304]},
        )

    def in_window(self, day: date) -> bool:
        return self.since <= day <= self.until

    def same_site(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def not_modified(self, response) -> bool:
        """True for a 304 answer to a conditional request: the stored version is current."""
        if response.status == 304:
            self.crawler.stats.inc_value("wxrb/articles_not_modified")
            return True
        return False

    def parse_article(self, response, **print_page):
        """Store an article page (with its place in a print edition, for the e-papers)."""
        if self.not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("wxrb/not_html")
            return
        yield self.raw_page(response, **print_page)

    def raw_page(self, response: TextResponse, **print_page) -> RawPageItem:
        """The response as the pipeline stores it: bytes untouched, encodings noted.
        ``print_page``: edition, page_no, page_name of an e-paper article."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        declared = declared_charset(content_type, response.body)
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
            **print_page,
        )
