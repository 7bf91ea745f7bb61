"""Parsers, one class per page template and version; ``parser_for`` picks the right one.

A layout change is a new version class with a later ``valid_from``; old versions stay as they
are, so rows they produced can still be explained and reproduced.
"""

from __future__ import annotations

from datetime import date

from processing.parsers.base import ParseError, Parser
from processing.parsers.epaper import EpaperOldArticleV1, SzbArticleV1
from processing.parsers.portal import PortalArticleV1
from processing.urls import parse_article_url

# page template -> versions, oldest first
PARSERS: dict[str, list[type[Parser]]] = {
    "portal": [PortalArticleV1],
    "szb": [SzbArticleV1],
    "epaper_old": [EpaperOldArticleV1],
}


def parser_for(url: str | None, default_template: str = "portal") -> type[Parser]:
    """The newest parser version valid on the article's URL date (today when unknown)."""
    ref = parse_article_url(url) if url else None
    template = ref.template if ref else default_template
    day = ref.url_date if ref else date.today()
    versions = [p for p in PARSERS[template] if p.valid_from <= day] or PARSERS[template][:1]
    return versions[-1]


__all__ = ["PARSERS", "ParseError", "Parser", "parser_for"]
