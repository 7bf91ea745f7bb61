"""What every parser shares: the soup, the URL facts, and turning fields into an Article.

A parser class reads one page template. It names its selectors as constants and answers one
small method per field; ``parse`` puts the fields together, runs the text-level cleaning
(``processing.textclean``) over the body lines and cuts the lead's dateline.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from processing import clean, textclean
from processing.article import Article
from processing.urls import canonical_url, parse_article_url

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A lead opens with a dateline: 本报讯, 晚报讯, 本报南京11月13日电, 新华社南京11月14日电.
DATELINE = re.compile(r"^(本报讯|晚报讯|本报[^（(，。]{0,12}电|新华社[^（(，。]{0,16}电)")
PAGE_LABEL = re.compile(r"第?\s*(?P<no>[A-Z]?\d+)\s*版\s*[:：]\s*(?P<name>\S+)")


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

    # --- fields; subclasses override what their template shows ----------------------------

    def title(self) -> str | None:
        raise NotImplementedError

    def body_lines(self) -> list[str]:
        """Body text lines in reading order, before cleaning (one per paragraph or <br>)."""
        raise NotImplementedError

    def published_at(self) -> tuple[datetime | None, str | None]:
        """(time, signal) shown on the page; the URL date is the fallback of ``parse``."""
        return None, None

    def kicker(self) -> str | None:
        return None

    def subtitle(self) -> str | None:
        return None

    def source(self) -> str | None:
        return None

    def channel(self) -> str | None:
        return None

    def page_label(self) -> str | None:
        """Print page label, e.g. 第A02版：区域新闻."""
        return None

    def images(self) -> list[dict]:
        return []

    # --- assembly -------------------------------------------------------------------------

    simplify: bool | None = None  # set by parse(): whether the body was in traditional script

    def parse(self) -> Article:
        raw_title = self.title()
        if not (raw_title or "").strip():
            raise ParseError(f"{self.name} v{self.version}: no title found")
        lines = self.body_lines()
        has_dateline = bool(DATELINE.match(next((clean.normalise_whitespace(x) for x in lines if x.strip()), "")))
        text = textclean.clean_text("\n".join(lines))
        self.simplify = text.converted_to_simplified
        title = self.clean_inline(raw_title)
        if not title:
            raise ParseError(f"{self.name} v{self.version}: no title found")
        paragraphs = list(text.paragraphs)
        if not paragraphs:
            raise ParseError(f"{self.name} v{self.version}: no body paragraphs found")
        lead = None
        if has_dateline:
            paragraphs[0] = clean.normalise_whitespace(DATELINE.sub("", paragraphs[0], count=1))
            lead = paragraphs[0] or None
        published_at, signal = self.published_at()
        if published_at is None and self.ref:
            published_at, signal = datetime.combine(self.ref.url_date, time(0, 0), SHANGHAI), "url"
        page_no, page_name = split_page_label(self.page_label())
        return Article(
            url=self.url,
            site=self.ref.site if self.ref else None,
            doc_id=self.ref.doc_id if self.ref else None,
            title=title,
            published_at=published_at,
            published_at_source=signal if published_at else None,
            kicker=self.clean_inline(self.kicker()),
            subtitle=self.clean_inline(self.subtitle()),
            source=self.clean_inline(self.source()),
            authors=list(text.authors),
            photographers=list(text.photographers),
            editor=text.editor,
            channel=self.clean_inline(self.channel()) or page_name,
            page_no=page_no,
            page_name=page_name,
            lead=lead,
            paragraphs=[p for p in paragraphs if p],
            images=self.images(),
            parser=self.name,
            parser_version=self.version,
            cleaning=text.stats(),
            original_text=text.original if text.changed_script_or_repaired else None,
        )

    # --- helpers --------------------------------------------------------------------------

    def clean_inline(self, text: str | None) -> str | None:
        """A headline or label: the body's text rules on one line, in the body's script; None when empty."""
        return textclean.clean_line(text, simplify=self.simplify) if text else None

    def text_of(self, selector: str) -> str | None:
        node = self.soup.select_one(selector)
        text = node.get_text(" ", strip=True) if node else ""
        return text or None

    def absolute(self, src: str) -> str:
        """``src`` resolved against the canonical URL (/content/ and /pc/content/ give one answer)."""
        return urljoin(canonical_url(self.url), src) if self.url else src

    def images_in(self, nodes: list[Tag], caption_of) -> list[dict]:
        """One {"src", "caption"} per <img> under ``nodes``; ``caption_of(img)`` finds its caption."""
        found = []
        for node in nodes:
            for img in node.find_all("img"):
                try:
                    src = self.absolute(img["src"]) if img.get("src") else None
                except ValueError:  # a src urljoin rejects (http://[::1/x.jpg): the picture, not the article, is lost
                    src = None
                if src:
                    found.append({"src": src, "caption": self.clean_inline(caption_of(img))})
        return found


def split_page_label(label: str | None) -> tuple[str | None, str | None]:
    """('A02', '区域新闻') from 第A02版：区域新闻."""
    match = PAGE_LABEL.search(label or "")
    return (match["no"], match["name"]) if match else (None, None)


def shanghai(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)
    except ValueError:
        return None
