"""Parsers, one class per page template and version; ``parser_for`` picks the right one.

A layout change is a new version class with a later ``valid_from``; old versions stay as they
are, so rows they produced can still be explained and reproduced.
"""

from __future__ import annotations

from datetime import date

from processing.parsers.base import ParseError, Parser
from processing.parsers.portal import PortalArticleV1
from processing.urls import parse_article_url

# site -> versions, oldest first
PARSERS: dict[str, list[type[Parser]]] = {
    "portal": [PortalArticleV1],
}


def parser_for(url: str | None, default_site: str = "portal") -> type[Parser]:
    """The newest parser version valid on the article's URL date (today when unknown)."""
    ref = parse_article_url(url) if url else None
    site = ref.site if ref else default_site
    day = ref.url_date if ref else date.today()
    versions = [p for p in PARSERS[site] if p.valid_from <= day] or PARSERS[site][:1]
    return versions[-1]


__all__ = ["PARSERS", "ParseError", "Parser", "parser_for"]
