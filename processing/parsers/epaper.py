"""Print e-paper article pages (docs/wxrb-site.md §2).

First versions: title, body, bylines, page name as the channel, the edition as the source and
the edition date (from the URL) as published_at. Kicker, subtitle, images and the other print
fields come with the extraction work.
"""

from __future__ import annotations

import re
from datetime import datetime

from processing import bylines, clean
from processing.parsers.base import Parser

PAGE_LABEL = re.compile(r"第?\s*(?P<no>[A-Z]?\d+)\s*版\s*[:：]\s*(?P<name>\S+)")
EDITIONS = {"epaper_wxrb": "无锡日报", "epaper_jnwb": "江南晚报"}


def page_label(text: str | None) -> tuple[str | None, str | None]:
    """('A02', '区域新闻') from 第A02版：区域新闻."""
    match = PAGE_LABEL.search(text or "")
    return (match["no"], match["name"]) if match else (None, None)


class _EpaperParser(Parser):
    TITLE = ""
    PAGE = ""

    def published_at(self) -> datetime | None:
        return None  # the page shows the edition date only: the base class falls back to it

    def source(self) -> str | None:
        return EDITIONS.get(self.ref.site) if self.ref else None

    def channel(self) -> str | None:
        return page_label(self.text_of(self.PAGE))[1]

    def title(self) -> str | None:
        return self.text_of(self.TITLE)

    def body_and_authors(self) -> tuple[list[str], list[str]]:
        return bylines.split_bylines(clean.clean_paragraphs(self.raw_paragraphs()))


class SzbArticleV1(_EpaperParser):
    """szb.wxrb.com (Founder template): #Title, <founder-content> paragraphs."""

    name = "szb"
    version = "1"
    TITLE = "#Title"
    PAGE = ".layout-name"
    BODY = "founder-content p"

    def raw_paragraphs(self) -> list[str]:
        return [p.get_text() for p in self.soup.select(self.BODY)]


class EpaperOldArticleV1(_EpaperParser):
    """epaper.wxrb.com (2018-2019): div.title1, div.content with <br> line breaks."""

    name = "epaper_old"
    version = "1"
    TITLE = "div.title1"
    PAGE = ".liebiao .current, .banci"
    BODY = "div.content"

    def raw_paragraphs(self) -> list[str]:
        body = self.soup.select_one(self.BODY)
        if body is None:
            return []
        for br in body.find_all("br"):
            br.replace_with("\n")
        return body.get_text().split("\n")
