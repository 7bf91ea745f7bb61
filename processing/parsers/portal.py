"""www.wxrb.com article pages (template seen in 2021 and 2023, docs/wxrb-site.md §1)."""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import Comment, Tag

from processing import clean
from processing.parsers.base import Parser, shanghai

TITLE = ".bigTit h1 strong, .bigTit h1"
DATE_BLOCK = "div.ldate p"  # year (in a span), MM/DD, HH:MM, the label 来源, the source
BODY = "div#zoom"
BREADCRUMB = ".crumbs a"
CAPTION = "p.pic-desc"
BLOCK_TAGS = ["p", "div", "section", "h2", "h3", "h4", "blockquote", "li", "table", "tr"]
LDATE = re.compile(r"(\d{4})\s*(\d{1,2})/(\d{1,2})\s*(\d{1,2}):(\d{2})")
LDATE_DAY = re.compile(r"(\d{4})\s*(\d{1,2})/(\d{1,2})")


class PortalArticleV1(Parser):
    name = "portal"
    version = "1"

    def title(self) -> str | None:
        return self.text_of(TITLE)

    def published_at(self) -> tuple[datetime | None, str | None]:
        year, month_day, hour_minute = (self._date_block() + ["", "", ""])[:3]
        if match := LDATE.fullmatch(year + month_day + hour_minute):
            return shanghai(*map(int, match.groups())), "page"
        if match := LDATE_DAY.fullmatch(year + month_day):  # a page variant without the time
            return shanghai(*map(int, match.groups())), "page_date"
        return None, None

    def source(self) -> str | None:
        parts = self._date_block()
        if "来源" in parts and parts.index("来源") + 1 < len(parts):
            return parts[parts.index("来源") + 1]
        return None

    def channel(self) -> str | None:
        crumbs = [a.get_text(strip=True) for a in self.soup.select(BREADCRUMB)]
        return crumbs[-1] if len(crumbs) > 1 else None

    def images(self) -> list[dict]:
        return self.images_in(self.soup.select(BODY), _caption_after)

    def body_lines(self) -> list[str]:
        zoom = self.soup.select_one(BODY)
        if zoom is None:
            return []
        zoom = clean.drop_link_only_blocks(clean.drop_template_elements(_copy(zoom)))
        for caption in zoom.select(CAPTION):
            caption.decompose()
        for br in zoom.find_all("br"):
            br.replace_with("\n")
        return _paragraph_texts(zoom)

    def _date_block(self) -> list[str]:
        return [p.get_text(strip=True) for p in self.soup.select(DATE_BLOCK)]


def _caption_after(img: Tag) -> str | None:
    """The replica and the 2023 page put the caption in the <p class="pic-desc"> after the image's <p>."""
    holder = img.find_parent("p") or img
    following = holder.find_next_sibling()
    if following is not None and "pic-desc" in (following.get("class") or []):
        return following.get_text(" ", strip=True)
    return img.get("alt") or None


def _copy(node: Tag) -> Tag:
    """A detached copy, so removing captions for the body leaves them for ``images``."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(str(node), "lxml").select_one(BODY)


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
