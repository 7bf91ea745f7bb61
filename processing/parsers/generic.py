"""Pages of unknown layout: any Chinese news site, a mirror, a saved page (the fallback of
``parser_for``).

trafilatura finds the main text; everything around it is ours: the title without its site-name
suffix, the publication time from meta tags, ``<time>`` or the header area (the text between
the title and the first body paragraph, so neither a date inside the article nor one in the
comments is taken), then the URL; 来源, header 作者/记者/编辑 lines, the breadcrumb, and the
content images with their captions.

The class is longer than a template parser's: a generic page has no selector to name, so each
field needs a small search, kept in module-level helpers below the class.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property

import trafilatura
from bs4 import Tag

from processing import bylines, clean
from processing.article import Article
from processing.dates import ANY_DATE, date_in, parse_date, url_date
from processing.parsers.base import ParseError, Parser

# A site name after the headline: 标题_新华网, 标题 - 澎湃新闻, 标题 | 人民网, 標題_鑫聞資訊網,
# 标题--江苏频道--人民网 (applied until nothing changes). Only names that end like a site name
# are cut, so 北京-上海高铁 or 标题 | 第二集 keep their tail.
SITE_SUFFIX = re.compile(
    r"\s*(?:--?|_|\||｜|—|–|－)\s*[^-_|｜—–－]{1,20}?"
    r"(?:网|網|新传媒|新傳媒|日报|日報|晚报|晚報|新闻|新聞|在线|在線|频道|頻道|客户端|政府|官网|门户|资讯|資訊|\.com|\.cn)\s*$"
)
# Meta tags that carry the publication time (ISO 8601 or the formats above).
DATE_METAS = (
    "meta[property='article:published_time']",
    "meta[name=pubdate]",
    "meta[name=publishdate]",
    "meta[name=PubDate]",
    "meta[itemprop=datePublished]",
)
# 来源：新华社, 来源: 人民网, 稿源：…, 文章来源：…, up to a space, a separator or the next label.
SOURCE = re.compile(
    r"(?:文章来源|稿源|来源)(?:\s*[:：]\s*|\s+)"
    r"(?P<name>(?:(?!作者|记者|编辑|责编|时间|发布|浏览|阅读|点击)[^\s|｜\]】)）])+)"
)
NAME = r"(?:(?!编辑|责编|来源|稿源|摄影|时间|发布)[\u4e00-\u9fff·]){2,4}"
# 作者：陈静, 记者：孙悦, 澎湃新闻记者 许诺 (a colon or a space: 记者从… is a sentence).
HEADER_AUTHORS = re.compile(rf"(?:作者|记者)(?:\s*[:：]\s*|\s+)(?P<names>{NAME}(?:[、，,]{NAME})*)")
HEADER_EDITOR = re.compile(rf"(?:责任编辑|责编|编辑)\s*[:：]\s*(?P<name>{NAME}(?:[、，,]{NAME})*)")
# A dateline other than 本报讯 / 新华社…电 (base.DATELINE): 人民网南京11月14日电, 中新网无锡11月14日电,
# followed by a space or a byline (…11月14日电贺… is a sentence).
OTHER_DATELINE = re.compile(r"^[\u4e00-\u9fff]{2,10}\d{1,2}月\d{1,2}日电(?=[\s（(])\s*")
BREADCRUMBS = ".breadcrumb, .crumbs, .crumb, .position, .location, #position, #location, .bread"
BREADCRUMB_LABEL = re.compile(r"(?:当前|所在)?位置\s*[:：]")
# Captions are image text, not body text: trafilatura must not see them.
CAPTIONS_XPATH = (
    "//figcaption | //p[contains(@class,'desc') or contains(@class,'caption') or contains(@class,'note')]"
)
CAPTION_CLASS = re.compile(r"desc|caption|note")
CAPTION_MAX_CHARS = 120  # a longer "caption" paragraph is text, not a caption
# Lines around a body that are no part of it: a WeChat-style footer (▼, 点击下方名片关注我们,
# 长按二维码关注) and the 上一篇：/下一篇： links under an article.
DECORATION_LINE = re.compile(r"^[^\w]*$")
PROMO_LINE = re.compile(r"^(点击|长按|扫码|扫描|识别).{0,20}(关注|订阅|二维码)")
PAGER_LINE = re.compile(r"^(上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：]")
# Header metadata that trafilatura may take into the body when it sits right above the text:
# date and time pieces (2026 / 11/10 / 09:52) and a label with a short value (来源 / 无锡日报).
META_PIECE = re.compile(r"^[\d\s/:：.年月日时分-]+$")
META_LABEL = re.compile(
    r"^(?:来源|稿源|作者|编辑|责任编辑|记者|发布时间|时间|日期)\s*(?:[:：]\s*(?P<value>.{0,20}))?$"
)
META_VALUE_MAX_CHARS = 12  # the line after a bare 来源 label is its value when this short
# An info bar on one line: 2026-11-20 14:30 来源：江南晚报 作者：李明 浏览：1024 (no sentence in
# it, a date or two labels); trafilatura keeps it as the first paragraph of some layouts.
INFO_BAR_LABEL = re.compile(r"(?:来源|稿源|作者|记者|编辑|浏览|点击|阅读|发布|时间|日期|字号|字体)\s*[:：]")
NAV_ITEM_MAX_CHARS = 8  # a menu item or breadcrumb step: 网站首页, 政务公开
INFO_BAR_MAX_CHARS = 80
SENTENCE_MARK = re.compile(r"[。，；！？]")
# A <time> in these is someone else's time: a comment, a reply, a related or recommended link.
FOREIGN_BLOCK = re.compile(r"comment|reply|discuss|cmt|related|relevant|recommend|xgxw", re.IGNORECASE)
LINK_SHARE = 0.8  # a trafilatura block with this much of its text in links is navigation
HEADER_WINDOW = 12  # lines after the title searched when the body's first line is not found
HEADLINE_SHARE = 1.5  # a line is the headline when it is inside it and at least 2/3 of it long
SHORT_PREFIX = 4  # characters of a body line searched when its 12-character start is split over tags
CONTAINERS = ("div", "section", "article", "main", "td", "body", "html")  # what holds a body's images
NOT_TEXT = ("script", "style", "noscript", "template", "title", "textarea")


class GenericArticleV1(Parser):
    name = "generic"
    version = "1"

    def __init__(self, html: str, url: str | None = None):
        super().__init__(html, url)
        self.html = html

    def title(self) -> str | None:
        return self._title

    def body_lines(self) -> list[str]:
        if self._extracted is None or self._extracted.body is None:
            raise ParseError(f"{self.name} v{self.version}: trafilatura found no main text")
        return list(self._lines)

    def published_at(self) -> tuple[datetime | None, str | None]:
        for found in (self._meta_date(), self._time_element(), date_in(self._header_text)):
            if found[0]:
                return found
        return url_date(self.url)

    def source(self) -> str | None:
        match = SOURCE.search(self._header_text)
        return match["name"] if match else None

    def channel(self) -> str | None:
        title = self.clean_inline(self.title())
        crumbs = [c for c in breadcrumb_links(self.soup) if self.clean_inline(c) != title]
        return crumbs[-1] if len(crumbs) > 1 else None

    def images(self) -> list[dict]:
        found = []
        for img in self._main_node.find_all("img") if self._main_node else []:
            try:
                src = image_src(img) and self.absolute(image_src(img))
            except ValueError:  # http://[::1 and other URLs urljoin refuses
                continue
            if src:
                found.append({"src": src, "caption": self.clean_inline(caption_of(img))})
        return found

    def parse(self) -> Article:
        """The base assembly, then what a generic page adds: a dateline the base does not know
        (人民网…电), and 作者/记者/编辑 from the header when the body named nobody."""
        article = cut_other_dateline(super().parse())
        if not article.authors:
            match = HEADER_AUTHORS.search(self._header_text)
            article.authors = re.split(r"[、，,]", match["names"]) if match else []
        article.editor = article.editor or self._header_editor()
        return article

    # --- what the fields share ------------------------------------------------------------

    @cached_property
    def _extracted(self):
        return trafilatura.bare_extraction(
            self.html,
            url=self.url,
            include_comments=False,
            include_tables=True,
            include_links=True,
            favor_precision=True,
            with_metadata=False,  # its date search (htmldate, dateparser) is slow and not ours
            prune_xpath=CAPTIONS_XPATH,
        )

    @cached_property
    def _title(self) -> str | None:
        """og:title, the single h1, <title>: the first there, with the site name cut."""
        og = self.soup.select_one("meta[property='og:title'][content]")
        h1s = [h for h in self.soup.find_all("h1") if h.get_text(strip=True)]
        candidates = [
            og["content"] if og and og["content"].strip() != self._site_name else None,
            h1s[0].get_text(" ", strip=True) if len(h1s) == 1 else None,
            self.soup.title.get_text(" ", strip=True) if self.soup.title else None,
        ]
        return next((strip_site_name(c, self._site_name) for c in candidates if c and c.strip()), None)

    @cached_property
    def _lines(self) -> list[str]:
        """trafilatura's main text, one line per paragraph, without the headline and decoration."""
        blocks = [block for block in self._extracted.body if not mostly_links(block)]
        title = clean.normalise_whitespace(self._title or "")
        lines = drop_leading_meta([line for block in blocks for line in block_lines(block) if line != title])
        return [x for x in lines if not any(p.match(x) for p in (DECORATION_LINE, PROMO_LINE, PAGER_LINE))]

    @cached_property
    def _site_name(self) -> str | None:
        og = self.soup.select_one("meta[property='og:site_name'][content]")
        return og["content"].strip() if og else None

    @cached_property
    def _page_lines(self) -> list[str]:
        body = self.soup.body or self.soup
        return [x for x in (clean.normalise_whitespace(t) for t in body.get_text("\n").split("\n")) if x]

    @cached_property
    def _header_text(self) -> str:
        """Simplified text between the title and the first body line (see the module docstring)."""
        return clean.to_simplified(" ".join(self._page_lines[slice(*self._header_span)]))

    @cached_property
    def _header_span(self) -> tuple[int, int]:
        """Line indexes: after the headline (the title, else an h1) up to the body's first line."""
        lines = self._page_lines
        start = next(
            (i + 1 for i, x in enumerate(lines) if any(is_headline(x, t) for t in self._headlines)), 0
        )
        first = self._body_prefix(0)
        end = next((i for i in range(start, len(lines)) if first and first in lines[i]), None)
        return start, end if end is not None else min(start + HEADER_WINDOW, len(lines))

    @cached_property
    def _headlines(self) -> list[str]:
        h1s = [clean.normalise_whitespace(h.get_text(" ")) for h in self.soup.find_all("h1")]
        return [t for t in [clean.normalise_whitespace(self._title or ""), *h1s] if t]

    def _body_prefix(self, index: int) -> str | None:
        """The first characters of a body line (index 0: first, -1: last), to find it in the page."""
        try:
            lines = self.body_lines()
        except ParseError:
            return None
        return lines[index][:12] if lines else None

    @cached_property
    def _main_node(self) -> Tag | None:
        """The smallest container (div, section …) holding the first and the last body line."""
        first, last = self._body_prefix(0), self._body_prefix(-1)
        body = self.soup.body or self.soup
        holders = [find_text(body, prefix) for prefix in (first, last) if prefix]
        if len(holders) < 2 or None in holders:
            return None
        ancestors = [holders[0], *holders[0].parents]
        common = next((a for a in ancestors if a is holders[1] or holders[1] in a.descendants), None)
        while common is not None and common.name not in CONTAINERS:  # one <p>: its image is beside it
            common = common.parent
        return common

    def _meta_date(self) -> tuple[datetime | None, str | None]:
        for meta in self.soup.select(", ".join(DATE_METAS)):
            found = parse_date(meta.get("content") or "")
            if found[0]:
                return found
        return None, None

    def _time_element(self) -> tuple[datetime | None, str | None]:
        for node in self.soup.find_all("time"):
            if not is_foreign(node):
                found = parse_date(node.get("datetime") or node.get_text(" ", strip=True))
                if found[0]:
                    return found
        return None, None

    def _header_editor(self) -> str | None:
        match = HEADER_EDITOR.search(self._header_text)
        if match:
            return match["name"]
        # 【责任编辑：王五】 under the text, outside the body (Xinhua-like pages)
        after_body = self._page_lines[self._header_span[1] :]
        return next((name for x in after_body if (name := clean.editor_of(x))), None)


# --- helpers -------------------------------------------------------------------------------


def strip_site_name(title: str, site_name: str | None = None) -> str:
    """标题_新华网 -> 标题; the page's og:site_name is cut whatever it looks like."""
    title = clean.normalise_whitespace(title)
    if site_name and title.endswith(site_name) and title != site_name:
        title = re.sub(r"\s*[-_|｜—–－]+\s*$", "", title[: -len(site_name)]) or title
    while (shorter := SITE_SUFFIX.sub("", title)) != title and shorter:
        title = shorter
    return title


def block_lines(block) -> list[str]:
    """Text lines of one element of trafilatura's XML body: a paragraph (split at <lb/>), each
    item of a list, each row of a table (cells joined by a space)."""
    if block.tag == "list":
        return [line for item in block.iter("item") for line in block_lines(item)]
    if block.tag == "table":
        return [line for row in block.iter("row") if not mostly_links(row) for line in row_lines(row)]
    for lb in block.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")
    text = "".join(block.itertext())
    return [x for x in (clean.normalise_whitespace(t) for t in text.split("\n")) if x]


def row_lines(row) -> list[str]:
    """A table row: its cells joined by a space; a row of one cell (a layout table holding the
    article, common on government sites) keeps its paragraphs and <br> breaks as lines."""
    cells = list(row.iter("cell"))
    if len(cells) != 1:
        text = " ".join("".join(c.itertext()).strip() for c in cells)
        return [clean.normalise_whitespace(text)] if text.strip() else []
    for node in cells[0].iter("p", "lb"):
        if node.tag == "p":
            node.text = "\n" + (node.text or "")
        node.tail = "\n" + (node.tail or "")
    return [x for x in (clean.normalise_whitespace(t) for t in "".join(cells[0].itertext()).split("\n")) if x]


def is_navigation(line: str) -> bool:
    """当前位置：首页 > 政务公开, or 网站首页 | 政务公开: a breadcrumb or a menu row, not text."""
    if BREADCRUMB_LABEL.match(line):
        return True
    pieces = [p.strip() for p in re.split(r"[|>»]", line)]
    return (
        len(pieces) >= 2
        and all(0 < len(p) <= NAV_ITEM_MAX_CHARS for p in pieces)
        and not SENTENCE_MARK.search(line)
    )


def drop_leading_meta(lines: list[str]) -> list[str]:
    """Lines before the text that are header metadata (META_PIECE, META_LABEL and its value, an
    info bar), navigation, or boilerplate that a layout table put first."""
    i = 0
    while i < len(lines) and (
        META_PIECE.match(lines[i])
        or META_LABEL.match(lines[i])
        or is_info_bar(lines[i])
        or is_navigation(lines[i])
        or clean.is_boilerplate(lines[i])
    ):
        label = META_LABEL.match(lines[i])
        i += 1
        if label and not label["value"] and i < len(lines) and len(lines[i]) <= META_VALUE_MAX_CHARS:
            i += 1
    return lines[i:]


def is_info_bar(line: str) -> bool:
    """Date, source, author and view-count pieces on one line, no sentence: see INFO_BAR_LABEL."""
    if len(line) > INFO_BAR_MAX_CHARS or SENTENCE_MARK.search(line):
        return False
    labels = len(INFO_BAR_LABEL.findall(line))
    return labels >= 2 or (labels >= 1 and bool(ANY_DATE.search(line)))


def mostly_links(block) -> bool:
    """A block whose text is (nearly) all link text is navigation or a link list, not body."""
    text = "".join(block.itertext()).strip()
    linked = sum(len("".join(ref.itertext()).strip()) for ref in block.iter("ref"))
    return bool(text) and linked >= LINK_SHARE * len(text)


def is_foreign(node: Tag) -> bool:
    """Inside a comment, related-news or recommendation block, or a list item (a link list)."""
    for parent in node.parents:
        marks = (
            " ".join([parent.get("id") or "", *(parent.get("class") or [])])
            if isinstance(parent, Tag)
            else ""
        )
        if parent.name == "li" or FOREIGN_BLOCK.search(marks):
            return True
    return False


def breadcrumb_links(soup) -> list[str]:
    """Link texts of the breadcrumb: a .breadcrumb-like element, or one labelled 位置：."""
    holders = soup.select(BREADCRUMBS)
    holders += [s.parent for s in soup.find_all(string=BREADCRUMB_LABEL) if s.parent is not None]
    for holder in holders:
        links = [a.get_text(strip=True) for a in holder.find_all("a")]
        if len([x for x in links if x]) > 1:
            return [x for x in links if x]
    return []


def is_headline(line: str, headline: str) -> bool:
    """The page line shows the headline (a short line inside it, like a nav link, does not count)."""
    return headline in line or (line in headline and len(line) * HEADLINE_SHARE >= len(headline))


def find_text(root: Tag, prefix: str) -> Tag | None:
    """The element whose own text holds the start of a body line (not a script's copy of it);
    a line whose start is split over tags (<b>上一篇：</b><a>…</a>) is found by its first characters."""
    for needle in dict.fromkeys((prefix, prefix[:SHORT_PREFIX])):
        for string in root.find_all(string=True):
            parent = string.parent
            if (
                parent is not None
                and parent.name not in NOT_TEXT
                and needle in clean.normalise_whitespace(str(string))
            ):
                return parent
    return None


def image_src(img: Tag) -> str | None:
    """src, or the lazy-loading attribute when src is missing or a placeholder (WeChat: data-src)."""
    for attr in ("src", "data-src", "data-original", "data-url"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return None


def caption_of(img: Tag) -> str | None:
    """figcaption, else a short following p.*desc|caption|note*, else an alt in words (not a file name)."""
    figure = img.find_parent("figure")
    if figure is not None and figure.find("figcaption"):
        return figure.find("figcaption").get_text(" ", strip=True)
    holder = img.find_parent("p") or img
    following = holder.find_next_sibling()
    if following is not None and CAPTION_CLASS.search(" ".join(following.get("class") or [])):
        text = following.get_text(" ", strip=True)
        if 0 < len(text) <= CAPTION_MAX_CHARS:
            return text
    alt = (img.get("alt") or "").strip()
    return alt if re.search(r"[\u4e00-\u9fff]", alt) else None


def cut_other_dateline(article: Article) -> Article:
    """人民网南京11月14日电（记者 张三）… : cut the dateline (and a byline after it) as base does
    for 本报讯 and 新华社…电, and make that paragraph the lead."""
    if article.lead is not None or not article.paragraphs:
        return article
    match = OTHER_DATELINE.match(article.paragraphs[0])
    if not match:
        return article
    rest = article.paragraphs[0][match.end() :]
    byline = re.match(bylines.PARENS, rest)
    authors = []
    if byline and bylines.is_byline(byline["inner"]):
        authors, rest = bylines.names_in(byline["inner"])[0], rest[byline.end() :]
    if clean.normalise_whitespace(rest):  # a dateline alone is no lead: leave the paragraph be
        article.authors = list(dict.fromkeys(article.authors + authors))
        article.paragraphs[0] = article.lead = clean.normalise_whitespace(rest)
    return article
