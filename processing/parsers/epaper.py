"""Print e-paper article pages (docs/wxrb-site.md §2): szb.wxrb.com and the older epaper.wxrb.com.

Both show the edition date, never a time, so published_at is midnight of the date on the page
(signal ``page_date``), else of the URL date.
"""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import Tag

from processing.parsers.base import Parser, shanghai

EDITIONS = {"epaper_wxrb": "无锡日报", "epaper_jnwb": "江南晚报"}
ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
CN_DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class _EpaperParser(Parser):
    TITLE = ""
    PAGE = ""
    DATE = ""
    DAY_PATTERN = ISO_DAY
    EDITION = ".paper-name"

    def title(self) -> str | None:
        return self.text_of(self.TITLE)

    def page_label(self) -> str | None:
        return self.text_of(self.PAGE)

    def source(self) -> str | None:
        return self.text_of(self.EDITION) or (EDITIONS.get(self.ref.site) if self.ref else None)

    def published_at(self) -> tuple[datetime | None, str | None]:
        match = self.DAY_PATTERN.search(self.text_of(self.DATE) or "")
        day = shanghai(*map(int, match.groups())) if match else None
        return (day, "page_date") if day else (None, None)


class SzbArticleV1(_EpaperParser):
    """szb.wxrb.com (Founder template): #PreTitle, #Title, #SubTitle, <founder-content>."""

    name = "szb"
    version = "1"
    TITLE = "#Title"
    KICKER = "#PreTitle"
    SUBTITLE = "#SubTitle"
    PAGE = ".layout-name"
    DATE = ".art-date"
    BODY = "founder-content > p"
    IMAGES = "div.attachment"

    def title(self) -> str | None:
        """An item printed with only a kicker line (empty #Title) is titled by that line."""
        return self.text_of(self.TITLE) or self.text_of(self.KICKER)

    def kicker(self) -> str | None:
        return self.text_of(self.KICKER) if self.text_of(self.TITLE) else None

    def subtitle(self) -> str | None:
        return self.text_of(self.SUBTITLE)

    def body_lines(self) -> list[str]:
        return [p.get_text() for p in self.soup.select(self.BODY)]

    def images(self) -> list[dict]:
        return self.images_in(self.soup.select(self.IMAGES), _attachment_caption)


class EpaperOldArticleV1(_EpaperParser):
    """epaper.wxrb.com (2018-2019): div.title1, div.content with <br> line breaks."""

    name = "epaper_old"
    version = "1"
    TITLE = "div.title1"
    PAGE = "div.banci, .liebiao .current"
    DATE = ".paper-date"
    DAY_PATTERN = CN_DAY
    BODY = "div.content"

    def body_lines(self) -> list[str]:
        body = self.soup.select_one(self.BODY)
        if body is None:
            return []
        for br in body.find_all("br"):
            br.replace_with("\n")
        return body.get_text().split("\n")


def _attachment_caption(img: Tag) -> str | None:
    box = img.find_parent("div")
    caption = box.select_one(".pic-desc") if box else None
    return caption.get_text(" ", strip=True) if caption else None
