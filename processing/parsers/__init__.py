"""Parsers, one class per page template and version; ``parser_for`` picks the right one.

A layout change is a new version class with a later ``valid_from``; old versions stay as they
are, so rows they produced can still be explained and reproduced. Pages whose URL is not a
known wxrb article URL are recognised by their markup, and pages of unknown layout go to the
generic fallback.
"""

from __future__ import annotations

from datetime import date

from processing.parsers.base import ParseError, Parser
from processing.parsers.epaper import EpaperOldArticleV1, SzbArticleV1
from processing.parsers.generic import GenericArticleV1
from processing.parsers.portal import PortalArticleV1
from processing.urls import parse_article_url

# page template -> versions, oldest first
PARSERS: dict[str, list[type[Parser]]] = {
    "portal": [PortalArticleV1],
    "szb": [SzbArticleV1],
    "epaper_old": [EpaperOldArticleV1],
    "generic": [GenericArticleV1],
}

# Markup that identifies a wxrb template when the URL does not (a saved file, a mirror's copy).
TEMPLATE_MARKERS = (
    ("szb", ("<founder-content", 'id="Title"')),
    ("portal", ('class="ldate"', 'id="zoom"')),
    ("epaper_old", ('class="title1"', 'class="content"')),
)


def template_of(url: str | None, html: str | None = None) -> str:
    """The page template: from the URL when it is a wxrb article URL, else from the markup."""
    ref = parse_article_url(url) if url else None
    if ref:
        return ref.template
    for template, markers in TEMPLATE_MARKERS:
        if html is not None and all(marker in html for marker in markers):
            return template
    return "generic"


def parser_for(url: str | None, html: str | None = None, template: str | None = None) -> type[Parser]:
    """The newest version of the page's parser valid on the article's URL date (today when unknown)."""
    template = template or template_of(url, html)
    ref = parse_article_url(url) if url else None
    day = ref.url_date if ref else date.today()
    versions = [p for p in PARSERS[template] if p.valid_from <= day] or PARSERS[template][:1]
    return versions[-1]


__all__ = ["PARSERS", "ParseError", "Parser", "parser_for", "template_of"]
