"""Stored page bytes to an Article: decode, then the parser for the URL."""

from __future__ import annotations

from processing.article import Article
from processing.decode import decode_html
from processing.parsers import parser_for


def extract(body: bytes, url: str | None = None, encoding: str | None = None) -> Article:
    """Raises ``processing.parsers.ParseError`` when the page holds no article."""
    text, _ = decode_html(body, encoding)
    return parser_for(url)(text, url).parse()
