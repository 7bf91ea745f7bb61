"""What every parser shares: the soup, the URL facts, and turning fields into an Article."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from processing.article import Article
from processing.urls import parse_article_url

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ParseError(ValueError):
    """The page is not an article this parser can read (message says what is missing)."""


class Parser:
    name = ""
    version = ""
    valid_from = date(2000, 1, 1)

    def __init__(self, html: str, url: str | None = None):
        self.url = url
        self.ref = parse_article_url(url) if url else None
        self.soup = BeautifulSoup(html, "lxml")

    # one method per field in subclasses: title, published_at, source, authors, paragraphs, channel

    def parse(self) -> Article:
        title = self.title()
        if not title:
            raise ParseError(f"{self.name} v{self.version}: no title found")
        paragraphs, authors = self.body_and_authors()
        if not paragraphs:
            raise ParseError(f"{self.name} v{self.version}: no body paragraphs found")
        return Article(
            url=self.url,
            site=self.ref.site if self.ref else None,
            doc_id=self.ref.doc_id if self.ref else None,
            title=title,
            published_at=self.published_at() or self.url_date_fallback(),
            source=self.source(),
            authors=authors,
            paragraphs=paragraphs,
            channel=self.channel(),
            parser=self.name,
            parser_version=self.version,
        )

    def url_date_fallback(self) -> datetime | None:
        """Midnight of the URL date, when the page shows no time of its own."""
        return datetime.combine(self.ref.url_date, time(0, 0), SHANGHAI) if self.ref else None

    def text_of(self, selector: str) -> str | None:
        node = self.soup.select_one(selector)
        text = node.get_text(" ", strip=True) if node else ""
        return text or None
