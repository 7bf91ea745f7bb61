"""www.wxrb.com article pages (template seen in 2021 and 2023, docs/wxrb-site.md §1)."""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import Comment, Tag

from processing import bylines, clean
from processing.parsers.base import SHANGHAI, Parser

TITLE = ".bigTit h1 strong, .bigTit h1"
DATE_BLOCK = "div.ldate p"  # year (in a span), MM/DD, HH:MM, the label 来源, the source
BODY = "div#zoom"
BREADCRUMB = ".crumbs a"
CAPTION = "p.pic-desc"
BLOCK_TAGS = ["p", "div", "section", "h2", "h3", "h4", "blockquote", "li", "table", "tr"]


class PortalArticleV1(Parser):
    name = "portal"
    version = "1"

    def title(self) -> str | None:
        return self.text_of(TITLE)

    def published_at(self) -> datetime | None:
        parts = self._date_block()
        year, month_day, hour_minute = (parts + ["", "", ""])[:3]
        match = re.fullmatch(r"(\d{4})\s*(\d{1,2})/(\d{1,2})\s*(\d{1,2}):(\d{2})", year + month_day + hour_minute)
        if not match:
            return None
        y, mo, d, h, mi = map(int, match.groups())
        return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)

    def source(self) -> str | None:
        parts = self._date_block()
        if "来源" in parts and parts.index("来源") + 1 < len(parts):
            return parts[parts.index("来源") + 1]
        return None

    def channel(self) -> str | None:
        crumbs = [a.get_text(strip=True) for a in self.soup.select(BREADCRUMB)]
        return crumbs[-1] if len(crumbs) > 1 else None

    def body_and_authors(self) -> tuple[list[str], list[str]]:
        zoom = self.soup.select_one(BODY)
        if zoom is None:
            return [], []
        for caption in zoom.select(CAPTION):
            caption.decompose()
        for br in zoom.find_all("br"):
            br.replace_with("\n")
        raw = _paragraph_texts(clean.drop_template_elements(zoom))
        return bylines.split_bylines(clean.clean_paragraphs(raw))

    def _date_block(self) -> list[str]:
        return [p.get_text(strip=True) for p in self.soup.select(DATE_BLOCK)]


def _paragraph_texts(node: Tag) -> list[str]:
    """Paragraph texts in reading order: one per block element, a <br> splits one in two."""
    out, loose = [], []
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, Tag) and child.name in BLOCK_TAGS:
            out.append("".join(loose))
            loose = []
            out.extend(_paragraph_texts(child) if child.find(BLOCK_TAGS) else [child.get_text()])
        else:
            loose.append(child.get_text() if isinstance(child, Tag) else str(child))
    out.append("".join(loose))
    return [line for text in out for line in text.split("\n")]
