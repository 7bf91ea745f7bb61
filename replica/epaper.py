"""The replica's print e-papers: 无锡日报 and 江南晚报 on szb (Founder template) and the
old 无锡日报 e-paper system, served by the same ``ReplicaServer`` as the portal.

``build_epapers(site)`` derives everything from ``site.seed`` through its own generator,
``random.Random(f"{seed}-epaper")``, and from ``site.articles`` (read, never changed), so
the portal stays byte-identical and the same seed always gives the same e-papers.

    papers = build_epapers(site)
    papers.articles[0].url           # "/pc/content/202611/10/content_271023.html"
    papers.pages[0].articles         # the EpaperArticle objects on that page, in print order
    article_entries(papers)          # the manifest's "epaper_articles"
    page_entries(papers)             # the manifest's "epaper_pages"
    routes(papers, jpeg_bytes)       # path -> (body, content type), aliases included

URLs, markup and the exact rules from HTML to the expected fields: replica/README.md,
section "E-papers". Texts: ``replica/epaper_texts.py``. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from replica import epaper_texts, texts

if TYPE_CHECKING:
    from replica.content import Article, Site

WXRB = "epaper_wxrb"
JNWB = "epaper_jnwb"
OLD = "epaper_wxrb_old"
SZB = "szb"  # paper.system: the Founder template on szb.wxrb.com
OLD_SYSTEM = "old"  # paper.system: the 2018-2019 system on epaper.wxrb.com
OLD_ROOT = "/paper/wxrb/html"

HTML_TYPE = "text/html; charset=utf-8"
JPEG_TYPE = "image/jpeg"
INDENT = "\u3000\u3000"  # two ideographic spaces open every text paragraph
DATELINE = "本报讯"
PLAIN_DATELINE_GAP = "\u3000"  # 本报讯 without a byline: one ideographic space, then the text
PHOTO_TITLE = "图片新闻{:02d}"
FIRST_PAGE_NAME = "要闻"
CURRENT = ' class="current"'  # old system: the page list marks the page shown

# Rates and ranges (regular stories; cross-published and photo items have their own rules).
BYLINE_PLACES = (("inline", 35), ("trailing", 45), ("", 20))  # "" = no byline at all
PLAIN_DATELINE_RATE = 0.3  # 本报讯 without parentheses, when the byline is not inline
KICKER_RATE = 0.2
SUBTITLE_RATE = 0.2
IMAGE_RATE = 0.3
IMAGE_COUNTS = (1, 1, 1, 2)
PHOTO_CREDIT_RATE = 0.7
SPACER_RATE = 0.1  # szb: an empty <p>&nbsp;</p>; old: an empty line (<br><br>)
EVENT_DAY_BEFORE_RATE = 0.7  # a print story mostly reports the day before the edition
CROSS_COUNT = (6, 10)  # portal stories reprinted in 无锡日报 (szb)
CROSS_SOURCES = ("无锡日报",)  # preferred portal sources for reprints
MIN_FEATURE = 2  # every feature a paper can show occurs at least this often
MAX_TITLE_TRIES = 50
STAFF_SIZES = {
    "reporters": 20,  # 无锡日报 staff
    "trainees": 6,  # 无锡日报 见习记者
    "evening": 16,  # 江南晚报 staff (晚报记者)
    "correspondents": 14,
    "photographers": 8,
    "writers": 6,  # authors of books in 悦读 stories
}

# Byline shapes: (weight, [(role, number of names)]); role "" = a staff reporter of 无锡日报
# signing without a role word, as in （朱冬娅、见习记者 姚程玉）.
DAILY_TRAILING = [
    (30, [("", 1)]),
    (20, [("", 2)]),
    (20, [("", 1), ("见习记者", 1)]),
    (20, [("", 1), ("通讯员", 1)]),
    (10, [("", 2), ("通讯员", 1)]),
]
TRAINEE_SHAPE = 2  # index in DAILY_TRAILING
DAILY_INLINE = [
    (40, [("记者", 1)]),
    (20, [("记者", 2)]),
    (20, [("记者", 1), ("通讯员", 1)]),
    (10, [("记者", 1), ("见习记者", 1)]),
    (10, [("通讯员", 2)]),
]
EVENING_SHAPES = [
    (50, [("晚报记者", 1)]),
    (25, [("晚报记者", 2)]),
    (25, [("晚报记者", 1), ("通讯员", 1)]),
]
ROLE_WORDS = ("晚报记者", "见习记者", "记者", "通讯员")

# Noise / feature tags, canonical order (see README "E-papers").
NOISE_ORDER = [
    "kicker",
    "subtitle",
    "photo_only",
    "inline_byline",
    "dateline_only",
    "trailing_byline",
    "no_byline",
    "photo_credit",
    "image",
    "empty_paragraph",
    "blank_line",
    "cross_published",
    "title_reworded",
    "extra_paragraph_start",
    "extra_paragraph_end",
]
# Tags every paper shows at least MIN_FEATURE times on regular stories (enforced),
# plus "trainee" (a trailing 见习记者 byline) for 无锡日报.
REQUIRED = {
    SZB: (
        "kicker",
        "subtitle",
        "inline_byline",
        "dateline_only",
        "trailing_byline",
        "no_byline",
        "photo_credit",
        "image",
        "empty_paragraph",
    ),
    OLD_SYSTEM: ("inline_byline", "dateline_only", "trailing_byline", "no_byline", "blank_line"),
}


@dataclass(frozen=True)
class Paper:
    site: str
    edition: str
    system: str  # SZB or OLD_SYSTEM
    prefix: str  # szb: "" or "/jnwb"; old: OLD_ROOT
    first_id: int  # the id counter starts at first_id + 0..50
    id_step: tuple[int, int]  # added to the counter every day; a day's ids lie below the next base
    pages: tuple[int, int]  # pages per day
    per_page: tuple[int, int]  # articles per page
    optional_pages: tuple[str, ...]  # names for A02 …, in print order (A01 is always 要闻)
    reporter: str  # role word of staff reporters: 记者 or 晚报记者
    photo_items: tuple[int, ...]  # 图片新闻 per day, drawn uniformly


PAPERS = (
    Paper(
        WXRB, "无锡日报", SZB, "", 271000, (40, 60), (4, 6), (2, 5),
        ("要闻", "区域新闻", "社区新闻", "太湖周刊", "发布厅", "文体新闻"), "记者", (0, 1, 1, 2),
    ),
    Paper(
        JNWB, "江南晚报", SZB, "/jnwb", 98000, (40, 60), (4, 6), (2, 5),
        ("要闻", "城事", "民生", "悦读", "体育"), "晚报记者", (0, 1, 1, 2),
    ),
    Paper(
        OLD, "无锡日报", OLD_SYSTEM, OLD_ROOT, 61000, (30, 40), (3, 4), (2, 4),
        ("要闻", "区域新闻", "社区新闻", "太湖周刊", "发布厅", "文体新闻"), "记者", (0,),
    ),
)  # fmt: skip
PAPER_BY_SITE = {paper.site: paper for paper in PAPERS}


@dataclass
class EpaperArticle:
    site: str
    edition: str
    doc_id: int
    date: dt.date
    page_no: str  # "A02"
    page_name: str  # "区域新闻"
    page_url: str
    url: str  # canonical path
    alias_urls: list[str]
    kicker: str | None
    title: str
    subtitle: str | None
    authors: list[str]
    photographers: list[str]
    lead: str | None  # == paragraphs[0] when the first paragraph opened with 本报讯
    paragraphs: list[str]
    images: list[dict]  # {"src": canonical path, "caption": str}
    noise: list[str]
    same_story_as: str | None  # a portal article path
    # Rendering inputs (not in the manifest):
    byline: str = ""  # inside the parentheses, e.g. "朱冬娅、见习记者 姚程玉"
    byline_at: str = ""  # "inline" | "trailing" | ""
    dateline: bool = False  # the first paragraph opens with 本报讯
    photo_credit: str = ""  # inside the parentheses, e.g. "吕枫 摄"


@dataclass
class EpaperPage:
    site: str
    edition: str
    date: dt.date
    number: int  # 1-based position in the day's edition
    page_no: str  # "A01"
    page_name: str
    url: str
    alias_urls: list[str]
    articles: list[EpaperArticle] = field(default_factory=list)

    @property
    def label(self) -> str:
        return page_label(self.page_no, self.page_name)


@dataclass
class Epapers:
    pages: list[EpaperPage]  # paper (PAPERS order), date, page number
    articles: list[EpaperArticle]  # paper, date, page, position (= doc_id order within a paper-day)

    def days(self, site: str) -> list[dt.date]:
        return sorted({p.date for p in self.pages if p.site == site})

    def edition_pages(self, site: str, day: dt.date) -> list[EpaperPage]:
        return [p for p in self.pages if p.site == site and p.date == day]


# --- public API -------------------------------------------------------------------------------


def build_epapers(site: Site) -> Epapers:
    """All e-paper pages and articles for the portal ``site`` (same dates, same seed)."""
    rng = random.Random(f"{site.seed}-epaper")
    days = [site.start_date + dt.timedelta(days=n) for n in range((site.end_date - site.start_date).days + 1)]
    staff = _make_staff(rng)
    slots: list[_Slot] = []
    pages: list[EpaperPage] = []
    for paper in PAPERS:
        paper_pages, paper_slots = _layout(rng, paper, days)
        pages += paper_pages
        slots += paper_slots
    _place_cross(rng, site, days, slots)
    _place_photos(rng, slots)
    _plan_stories(rng, slots)
    _enforce(slots)
    writer = _Writer(rng, staff)
    for slot in slots:
        slot.page.articles.append(writer.write(slot))
    return Epapers(pages=pages, articles=[a for page in pages for a in page.articles])


def article_entries(papers: Epapers) -> list[dict]:
    """The manifest's ``epaper_articles``."""
    return [_article_entry(a) for a in papers.articles]


def page_entries(papers: Epapers) -> list[dict]:
    """The manifest's ``epaper_pages``."""
    return [
        {
            "site": page.site,
            "date": page.date.isoformat(),
            "page_no": page.page_no,
            "page_name": page.page_name,
            "url": page.url,
            "alias_urls": list(page.alias_urls),
            "articles": [a.url for a in page.articles],
        }
        for page in papers.pages
    ]


def routes(papers: Epapers, image: bytes) -> dict[str, tuple[bytes, str]]:
    """Every e-paper path -> (body, content type): layout and article pages with their
    aliases (identical bytes), and ``image`` for every picture an szb article shows."""
    out: dict[str, tuple[bytes, str]] = {}
    for page in papers.pages:
        paper = PAPER_BY_SITE[page.site]
        pages = papers.edition_pages(page.site, page.date)
        if paper.system == SZB:
            body = szb_layout_page(paper, page, pages, has_previous=page.date > papers.days(page.site)[0])
        else:
            body = old_layout_page(paper, page, pages)
        for path in (page.url, *page.alias_urls):
            out[path] = (body.encode("utf-8"), HTML_TYPE)
        for article in page.articles:
            if paper.system == SZB:
                body = szb_article_page(paper, article)
            else:
                body = old_article_page(paper, article)
            for path in (article.url, *article.alias_urls):
                out[path] = (body.encode("utf-8"), HTML_TYPE)
            for n, img in enumerate(article.images, start=1):
                out[img["src"]] = (image, JPEG_TYPE)
                out[szb_image_path(paper, article.date, article.doc_id, n, pc=False)] = (image, JPEG_TYPE)
    return out


# --- URLs ----------------------------------------------------------------------------------------


def page_label(page_no: str, page_name: str) -> str:
    return f"第{page_no}版：{page_name}"


def szb_layout_path(paper: Paper, day: dt.date, page_no: str, pc: bool = True) -> str:
    return f"{paper.prefix}{'/pc' if pc else ''}/layout/{day:%Y%m}/{day:%d}/node_{page_no}.html"


def szb_content_path(paper: Paper, day: dt.date, doc_id: int, pc: bool = True) -> str:
    return f"{paper.prefix}{'/pc' if pc else ''}/content/{day:%Y%m}/{day:%d}/content_{doc_id}.html"


def szb_image_path(paper: Paper, day: dt.date, doc_id: int, n: int, pc: bool = True) -> str:
    return f"{paper.prefix}{'/pc' if pc else ''}/images/{day:%Y%m}/{day:%d}/img_{doc_id}_{n}.jpg"


def old_node_file(number: int) -> str:
    """The n-th page (1-based) of an old-system edition: node_2.htm, node_3.htm …"""
    return f"node_{number + 1}.htm"


def old_dir(day: dt.date) -> str:
    return f"{OLD_ROOT}/{day:%Y-%m}/{day:%d}/"


# --- skeleton: pages, slots, ids -------------------------------------------------------------------


@dataclass
class _Slot:
    """One article position in print, with the decisions taken before any text is written."""

    paper: Paper
    page: EpaperPage
    doc_id: int
    kind: str = "story"  # "story" | "photo" | "cross"
    portal: Article | None = None  # cross: the portal article reprinted
    changes: str = ""  # cross: "title" | "paragraph" | "both"
    photo_number: int = 0  # photo: 1 → 图片新闻01
    byline_at: str = ""
    shape: int = 0  # index into the paper's shape list for byline_at
    dateline: bool = False
    kicker: bool = False
    subtitle: bool = False
    images: int = 0
    credit: bool = False
    spacer: bool = False


def _layout(rng: random.Random, paper: Paper, days: list[dt.date]) -> tuple[list[EpaperPage], list[_Slot]]:
    pages, slots = [], []
    base = paper.first_id + rng.randint(0, 50)
    for day in days:
        count = rng.randint(*paper.pages)
        picked = sorted(rng.sample(range(len(paper.optional_pages)), count - 1))
        names = [FIRST_PAGE_NAME] + [paper.optional_pages[i] for i in picked]
        sizes = [rng.randint(*paper.per_page) for _ in names]
        ids = iter(sorted(rng.sample(range(1, paper.id_step[0]), sum(sizes))))
        for number, (name, size) in enumerate(zip(names, sizes, strict=True), start=1):
            page_no = f"A{number:02d}"
            if paper.system == SZB:
                url = szb_layout_path(paper, day, page_no)
                aliases = [szb_layout_path(paper, day, page_no, pc=False)]
            else:
                url, aliases = old_dir(day) + old_node_file(number), []
            page = EpaperPage(paper.site, paper.edition, day, number, page_no, name, url, aliases)
            pages.append(page)
            slots += [_Slot(paper, page, base + next(ids)) for _ in range(size)]
        base += rng.randint(*paper.id_step)
    return pages, slots


def _place_cross(rng: random.Random, site: Site, days: list[dt.date], slots: list[_Slot]) -> None:
    """6-10 portal articles reprinted in 无锡日报 (szb) on the same or the next day."""
    usable = [a for a in site.articles if "mirror_garbling" not in a.noise and _rewordable(a.title)]
    candidates = [a for a in usable if a.source in CROSS_SOURCES]
    if len(candidates) < CROSS_COUNT[1]:
        taken = {a.doc_id for a in candidates}
        candidates += [a for a in usable if a.doc_id not in taken and a.source != "新华社"]
    count = min(rng.randint(*CROSS_COUNT), len(candidates))
    picked = sorted(rng.sample(candidates, count), key=lambda a: (a.published_at, a.doc_id))
    changes = (["title", "paragraph", "both"] * CROSS_COUNT[1])[:count]
    rng.shuffle(changes)
    for article, change in zip(picked, changes, strict=True):
        day = article.date + dt.timedelta(days=rng.choice((0, 1)))
        if day > days[-1]:
            day = article.date
        free = [s for s in slots if s.paper.site == WXRB and s.page.date == day and s.kind == "story"]
        if not free:
            continue
        slot = rng.choice(free)
        slot.kind, slot.portal, slot.changes = "cross", article, change


def _place_photos(rng: random.Random, slots: list[_Slot]) -> None:
    """图片新闻 items on szb pages after A01, at most one per page; numbered per edition day.
    Every szb paper gets at least MIN_FEATURE of them and at least one day with two."""
    for paper in PAPERS:
        if paper.system != SZB:
            continue
        mine = [s for s in slots if s.paper is paper]
        by_day: dict[dt.date, list[_Slot]] = {}
        for slot in mine:
            by_day.setdefault(slot.page.date, []).append(slot)
        for day_slots in by_day.values():
            wanted = rng.choice(paper.photo_items)
            for page in rng.sample(_photo_pages(day_slots), min(wanted, len(_photo_pages(day_slots)))):
                rng.choice(_free_on(day_slots, page)).kind = "photo"
        for day_slots in by_day.values():  # top-up, deterministic: first days first
            if _photo_count(mine) >= MIN_FEATURE and any(_photo_count(d) >= 2 for d in by_day.values()):
                break
            for page in _photo_pages(day_slots)[: 2 - _photo_count(day_slots)]:
                _free_on(day_slots, page)[0].kind = "photo"
        for day_slots in by_day.values():
            photos = sorted((s for s in day_slots if s.kind == "photo"), key=lambda s: s.doc_id)
            for number, slot in enumerate(photos, start=1):
                slot.photo_number = number


def _photo_pages(day_slots: list[_Slot]) -> list[EpaperPage]:
    """Pages after A01 with no photo item yet and a free story slot, in page order."""
    pages: list[EpaperPage] = []
    for slot in day_slots:
        if slot.page.number > 1 and slot.page not in pages:
            pages.append(slot.page)
    return [
        p
        for p in pages
        if _free_on(day_slots, p) and not any(s.page is p and s.kind == "photo" for s in day_slots)
    ]


def _free_on(day_slots: list[_Slot], page: EpaperPage) -> list[_Slot]:
    return [s for s in day_slots if s.page is page and s.kind == "story"]


def _photo_count(slots: list[_Slot]) -> int:
    return sum(1 for s in slots if s.kind == "photo")


def _plan_stories(rng: random.Random, slots: list[_Slot]) -> None:
    places = [place for place, _ in BYLINE_PLACES]
    weights = [weight for _, weight in BYLINE_PLACES]
    for slot in slots:
        if slot.kind == "cross":
            has_byline = bool(slot.portal.byline)
            slot.byline_at = rng.choice(("inline", "trailing")) if has_byline else ""
            slot.dateline = slot.byline_at == "inline" or rng.random() < PLAIN_DATELINE_RATE
            slot.kicker = rng.random() < KICKER_RATE
            continue
        if slot.kind != "story":
            continue
        slot.byline_at = rng.choices(places, weights=weights)[0]
        slot.dateline = slot.byline_at == "inline" or rng.random() < PLAIN_DATELINE_RATE
        if slot.byline_at:
            shapes = _shapes(slot.paper, slot.byline_at)
            slot.shape = rng.choices(range(len(shapes)), weights=[w for w, _ in shapes])[0]
        if slot.paper.system == SZB:
            slot.kicker = rng.random() < KICKER_RATE
            slot.subtitle = rng.random() < SUBTITLE_RATE
            slot.images = rng.choice(IMAGE_COUNTS) if rng.random() < IMAGE_RATE else 0
            slot.credit = bool(slot.images) and rng.random() < PHOTO_CREDIT_RATE
        slot.spacer = rng.random() < SPACER_RATE


def _shapes(paper: Paper, byline_at: str) -> list[tuple[int, list[tuple[str, int]]]]:
    if paper.reporter == "晚报记者":
        return EVENING_SHAPES
    return DAILY_TRAILING if byline_at == "trailing" else DAILY_INLINE


def _plan_tags(slot: _Slot) -> set[str]:
    """The tags a regular story's plan will produce (cross-published tags come later)."""
    tags = set()
    if slot.kicker:
        tags.add("kicker")
    if slot.subtitle:
        tags.add("subtitle")
    if slot.kind == "photo":
        tags |= {"photo_only", "photo_credit", "image", "no_byline"}
        return tags
    if slot.byline_at == "inline":
        tags.add("inline_byline")
    elif slot.dateline:
        tags.add("dateline_only")
    if slot.byline_at == "trailing":
        tags.add("trailing_byline")
        if slot.paper.reporter == "记者" and slot.shape == TRAINEE_SHAPE:
            tags.add("trainee")
    if not slot.byline_at:
        tags.add("no_byline")
    if slot.credit:
        tags.add("photo_credit")
    if slot.images:
        tags.add("image")
    if slot.spacer:
        tags.add("empty_paragraph" if slot.paper.system == SZB else "blank_line")
    return tags


def _force(slot: _Slot, tag: str) -> None:
    """Change the plan of ``slot`` so that it shows ``tag``."""
    if tag == "kicker":
        slot.kicker = True
    elif tag == "subtitle":
        slot.subtitle = True
    elif tag == "inline_byline":
        slot.byline_at, slot.shape, slot.dateline = "inline", 0, True
    elif tag == "dateline_only":
        if slot.byline_at == "inline":
            slot.byline_at, slot.shape = "trailing", 0
        slot.dateline = True
    elif tag == "trailing_byline":
        slot.byline_at, slot.shape = "trailing", 0
    elif tag == "trainee":
        slot.byline_at, slot.shape = "trailing", TRAINEE_SHAPE
    elif tag == "no_byline":
        slot.byline_at, slot.shape = "", 0
    elif tag in ("image", "photo_credit"):
        slot.images = max(slot.images, 1)
        slot.credit = slot.credit or tag == "photo_credit"
    elif tag in ("empty_paragraph", "blank_line"):
        slot.spacer = True


def _enforce(slots: list[_Slot]) -> None:
    """Every required tag at least MIN_FEATURE times per paper, whatever the seed. Forced
    stories are taken from the end of the paper's run and never changed again, so a tag
    forced onto them cannot be undone by a later one."""
    for paper in PAPERS:
        required = list(REQUIRED[paper.system]) + (["trainee"] if paper.reporter == "记者" else [])
        stories = [s for s in slots if s.paper is paper and s.kind == "story"]
        spare = list(reversed(stories))
        while True:
            short = [tag for tag in required if sum(1 for s in stories if tag in _plan_tags(s)) < MIN_FEATURE]
            if not short or not spare:
                break
            _force(spare.pop(0), short[0])


def _rewordable(title: str) -> bool:
    return " " in title or title.startswith("无锡")


# --- text -----------------------------------------------------------------------------------------


class _Writer:
    """Turns planned slots into articles; one generator, used in slot order."""

    def __init__(self, rng: random.Random, staff: dict[str, list[str]]):
        self.rng = rng
        self.staff = staff
        categories = epaper_texts.STORIES
        self.kind_order = {c: rng.sample(range(len(kinds)), len(kinds)) for c, kinds in categories.items()}
        self.used = dict.fromkeys(categories, 0)
        self.titles: set[str] = set()

    def write(self, slot: _Slot) -> EpaperArticle:
        if slot.kind == "photo":
            fields = self._photo(slot)
        elif slot.kind == "cross":
            fields = self._cross(slot)
        else:
            fields = self._story(slot)
        paper, page = slot.paper, slot.page
        if paper.system == SZB:
            url = szb_content_path(paper, page.date, slot.doc_id)
            aliases = [szb_content_path(paper, page.date, slot.doc_id, pc=False)]
        else:
            url, aliases = f"{old_dir(page.date)}content_{slot.doc_id}.htm", []
        paragraphs = fields["paragraphs"]
        noise = _plan_tags(slot) - {"trainee"}
        if slot.kind == "cross":
            noise |= {"cross_published", *fields["tags"]}
            if not fields["authors"]:
                noise.add("no_byline")
            if fields["subtitle"]:
                noise.add("subtitle")
        return EpaperArticle(
            site=paper.site,
            edition=paper.edition,
            doc_id=slot.doc_id,
            date=page.date,
            page_no=page.page_no,
            page_name=page.page_name,
            page_url=page.url,
            url=url,
            alias_urls=aliases,
            kicker=fields.get("kicker"),
            title=fields["title"],
            subtitle=fields.get("subtitle"),
            authors=fields["authors"],
            photographers=fields["photographers"],
            lead=paragraphs[0] if slot.dateline else None,
            paragraphs=paragraphs,
            images=fields["images"],
            noise=sorted(noise, key=NOISE_ORDER.index),
            same_story_as=slot.portal.path if slot.portal else None,
            byline=fields["byline"],
            byline_at=slot.byline_at if fields["byline"] else "",
            dateline=slot.dateline,
            photo_credit=fields["credit"],
        )

    # --- kinds of item

    def _story(self, slot: _Slot) -> dict:
        rng = self.rng
        category = rng.choice(epaper_texts.PAGE_CATEGORIES[slot.paper.edition][slot.page.page_name])
        order = self.kind_order[category]
        kind = epaper_texts.STORIES[category][order[self.used[category] % len(order)]]
        self.used[category] += 1
        for _ in range(MAX_TITLE_TRIES):
            ctx = self._context(slot.page.date)
            title = rng.choice(kind["titles"]).format(**ctx)
            if title not in self.titles:
                break
        self.titles.add(title)
        body = kind["body"]
        picked = sorted(rng.sample(range(len(body)), rng.randint(1, len(body))))
        paragraphs = [rng.choice(kind["leads"]).format(**ctx)] + [body[i].format(**ctx) for i in picked]
        authors, byline = self._byline(slot) if slot.byline_at else ([], "")
        images = [
            {
                "src": szb_image_path(slot.paper, slot.page.date, slot.doc_id, n),
                "caption": rng.choice(epaper_texts.CAPTIONS).format(**ctx),
            }
            for n in range(1, slot.images + 1)
        ]
        photographers, credit = self._credit(slot.paper) if slot.credit else ([], "")
        return {
            "kicker": rng.choice(epaper_texts.KICKERS[category]) if slot.kicker else None,
            "title": title,
            "subtitle": rng.choice(kind["subtitles"]).format(**ctx) if slot.subtitle else None,
            "paragraphs": paragraphs,
            "authors": authors,
            "byline": byline,
            "images": images,
            "photographers": photographers,
            "credit": credit,
        }

    def _photo(self, slot: _Slot) -> dict:
        ctx = self._context(slot.page.date)
        caption, paragraph = self.rng.choice(epaper_texts.PHOTO_STORIES)
        photographers, credit = self._credit(slot.paper)
        return {
            "title": PHOTO_TITLE.format(slot.photo_number),
            "paragraphs": [paragraph.format(**ctx)],
            "authors": [],
            "byline": "",
            "images": [
                {
                    "src": szb_image_path(slot.paper, slot.page.date, slot.doc_id, 1),
                    "caption": caption.format(**ctx),
                }
            ],
            "photographers": photographers,
            "credit": credit,
        }

    def _cross(self, slot: _Slot) -> dict:
        rng, portal = self.rng, slot.portal
        title, subtitle, tags = portal.title, None, []
        if slot.changes in ("title", "both"):
            title, subtitle = _reword(rng, portal.title)
            tags.append("title_reworded")
        paragraphs = list(portal.paragraphs)
        if slot.changes in ("paragraph", "both"):
            if rng.random() < 0.5:
                paragraphs.insert(0, rng.choice(epaper_texts.EXTRA_OPENINGS))
                tags.append("extra_paragraph_start")
            else:
                paragraphs.append(rng.choice(epaper_texts.EXTRA_CLOSINGS))
                tags.append("extra_paragraph_end")
        category = rng.choice(
            epaper_texts.PAGE_CATEGORIES[slot.paper.edition].get(slot.page.page_name, ["yaowen"])
        )
        return {
            "kicker": rng.choice(epaper_texts.KICKERS[category]) if slot.kicker else None,
            "title": title,
            "subtitle": subtitle,
            "paragraphs": paragraphs,
            "authors": list(portal.authors) if slot.byline_at else [],
            "byline": portal.byline if slot.byline_at else "",
            "images": [],
            "photographers": [],
            "credit": "",
            "tags": tags,
        }

    # --- pieces

    def _context(self, day: dt.date) -> dict[str, str]:
        rng = self.rng
        district = rng.choice(list(texts.DISTRICT_PLACES))
        industry, suffix = rng.choice(texts.INDUSTRIES)
        race, race_venue = rng.choice(texts.RACES)
        event_day = day - dt.timedelta(days=1) if rng.random() < EVENT_DAY_BEFORE_RATE else day
        return {
            "md": f"{event_day.month}月{event_day.day}日",
            "d": district,
            "dz": "该市" if district.endswith("市") else "该区",
            "dq": "全市" if district.endswith("市") else "全区",
            "p": rng.choice(texts.DISTRICT_PLACES[district]),
            "ind": industry,
            "co": rng.choice(texts.COMPANY_PREFIXES) + suffix + "有限公司",
            "amt": _tenths(rng, 30, 980),
            "amt2": _tenths(rng, 6, 198),
            "bigamt": str(rng.randint(300, 1500)),
            "area": _tenths(rng, 12, 450),
            "pct": _tenths(rng, 30, 249),
            "pct2": _tenths(rng, 8, 120),
            "pctx": str(rng.randint(80, 99)),
            "km": _tenths(rng, 12, 120),
            "n": str(rng.randint(5, 30)),
            "n2": str(rng.randint(20, 120)),
            "n3": str(rng.randint(3, 12)),
            "n4": str(rng.randint(30, 300)),
            "days": str(rng.randint(5, 20)),
            "big": str(rng.randint(1000, 9000)),
            "big2": str(rng.randint(800, 6000)),
            "wan": _tenths(rng, 12, 350),
            "xwan": str(rng.randint(20, 300) * 10),
            "smallwan": str(rng.randint(2, 20) * 50),
            "road": rng.choice(texts.ROADS),
            "fest": rng.choice(texts.FESTIVALS),
            "heritage": rng.choice(texts.HERITAGE_SITES),
            "play": rng.choice(texts.PLAYS),
            "venue": rng.choice(texts.VENUES),
            "race": race,
            "rvenue": race_venue,
            "sq": rng.choice(epaper_texts.COMMUNITIES),
            "lake": rng.choice(epaper_texts.LAKES),
            "bird": rng.choice(epaper_texts.BIRDS),
            "tlow": str(rng.randint(-3, 4)),
            "thigh": str(rng.randint(12, 18)),
            "exhibit": rng.choice(epaper_texts.EXHIBITS),
            "museum": rng.choice(epaper_texts.MUSEUMS),
            "craft": rng.choice(epaper_texts.CRAFTS),
            "writer": rng.choice(self.staff["writers"]),
            "book": rng.choice(epaper_texts.BOOKS),
            "score": rng.choice(epaper_texts.SCORES),
        }

    def _byline(self, slot: _Slot) -> tuple[list[str], str]:
        """(authors in byline order, the text inside the parentheses)."""
        rng, staff = self.rng, self.staff
        shape = _shapes(slot.paper, slot.byline_at)[slot.shape][1]
        own = staff["evening"] if slot.paper.reporter == "晚报记者" else staff["reporters"]
        pools = {
            "": own,
            "记者": own,
            "晚报记者": own,
            "见习记者": staff["trainees"],
            "通讯员": staff["correspondents"],
        }
        authors, text = [], ""
        for index, (role, count) in enumerate(shape):
            names = rng.sample(pools[role], count)
            if role:
                part = f"{role} {rng.choice((' ', ' ', '、')).join(names)}"
            else:
                part = "、".join(names)
            if index:
                text += "、" if not shape[index - 1][0] else " "
            text += part
            authors += names
        return authors, text

    def _credit(self, paper: Paper) -> tuple[list[str], str]:
        """(photographers, the text inside the parentheses, e.g. "吕枫 摄")."""
        rng = self.rng
        form = rng.choices(("one", "two", "role"), weights=(60, 20, 20))[0]
        names = rng.sample(self.staff["photographers"], 2 if form == "two" else 1)
        if form == "role":
            return names, f"{paper.reporter} {names[0]} 摄"
        return names, "、".join(names) + " 摄"


def _reword(rng: random.Random, title: str) -> tuple[str, str | None]:
    """(print title, print subtitle) for a portal title; the title always changes."""
    if " " in title:
        first, second = title.split(" ", 1)
        how = rng.choice(("split", "comma", "swap"))
        if how == "split":
            return first, second
        if how == "comma":
            return f"{first}，{second}", None
        return f"{second} {first}", None
    return "我市" + title.removeprefix("无锡"), None


def _tenths(rng: random.Random, low: int, high: int) -> str:
    value = rng.randint(low, high)
    return f"{value // 10}.{value % 10}"


def _make_staff(rng: random.Random) -> dict[str, list[str]]:
    """Disjoint pools of invented names (the portal has its own)."""
    seen: set[str] = set()
    staff: dict[str, list[str]] = {}
    for pool, size in STAFF_SIZES.items():
        names: list[str] = []
        while len(names) < size:
            given = "".join(rng.choice(texts.GIVEN_NAME_CHARS) for _ in range(rng.choice((1, 2, 2))))
            name = rng.choice(texts.SURNAMES) + given
            if name not in seen:
                seen.add(name)
                names.append(name)
        staff[pool] = names
    return staff


def _article_entry(article: EpaperArticle) -> dict:
    return {
        "url": article.url,
        "alias_urls": list(article.alias_urls),
        "site": article.site,
        "doc_id": str(article.doc_id),
        "date": article.date.isoformat(),
        "edition": article.edition,
        "page_no": article.page_no,
        "page_name": article.page_name,
        "page_url": article.page_url,
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "authors": list(article.authors),
        "photographers": list(article.photographers),
        "lead": article.lead,
        "paragraphs": list(article.paragraphs),
        "images": [dict(image) for image in article.images],
        "noise": list(article.noise),
        "same_story_as": article.same_story_as,
    }


# --- HTML -------------------------------------------------------------------------------------------


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paper_header(paper: Paper, day: dt.date) -> str:
    return (
        f'<div class="paper-header"><span class="paper-name">{paper.edition}</span>'
        f'<span class="paper-date">{_cn_date(day)}</span></div>'
    )


def _text_lines(article: EpaperArticle) -> list[str]:
    """The paragraphs as printed: 本报讯 (with an inline byline) glued to the first one."""
    lines = list(article.paragraphs)
    if article.dateline:
        if article.byline_at == "inline":
            lines[0] = f"{DATELINE}（{article.byline}）{lines[0]}"
        else:
            lines[0] = f"{DATELINE}{PLAIN_DATELINE_GAP}{lines[0]}"
    return [INDENT + escape(line, quote=False) for line in lines]


def _spacer_at(article: EpaperArticle) -> int:
    """Where the empty paragraph / line goes: between two text paragraphs, from doc_id."""
    return article.doc_id % (len(article.paragraphs) - 1) + 1


def szb_layout_page(paper: Paper, page: EpaperPage, pages: list[EpaperPage], has_previous: bool) -> str:
    day = page.date
    prev = ""
    if has_previous:
        before = day - dt.timedelta(days=1)
        prev = f'<div class="layout-nav"><a class="prev-day" href="../../{before:%Y%m}/{before:%d}/node_A01.html">上一期</a></div>'
    layout_list = "".join(f'<li><a href="node_{p.page_no}.html">{escape(p.label)}</a></li>' for p in pages)
    news = "".join(
        f'<li><a href="../../../content/{day:%Y%m}/{day:%d}/content_{a.doc_id}.html">{escape(a.title)}</a></li>'
        for a in page.articles
    )
    body = (
        f"{_paper_header(paper, day)}"
        f"{prev}"
        f'<div class="layout-name">{escape(page.label)}</div>'
        f'<ul id="layoutlist">{layout_list}</ul>'
        f'<ul class="news-list">{news}</ul>'
    )
    return _document(f"{paper.edition}数字报-{page.label}", body)


def szb_article_page(paper: Paper, article: EpaperArticle) -> str:
    blocks = [f"<p>{line}</p>" for line in _text_lines(article)]
    if "empty_paragraph" in article.noise:
        blocks.insert(_spacer_at(article), "<p>&nbsp;</p>")
    if article.byline_at == "trailing":
        blocks.append(f"<p>（{escape(article.byline)}）</p>")
    if article.photo_credit:
        blocks.append(f"<p>（{escape(article.photo_credit)}）</p>")
    day = article.date
    attachments = "".join(
        f'<div class="attachment"><img src="../../../images/{day:%Y%m}/{day:%d}/img_{article.doc_id}_{n}.jpg">'
        f'<p class="pic-desc">{escape(image["caption"])}</p></div>'
        for n, image in enumerate(article.images, start=1)
    )
    body = (
        f"{_paper_header(paper, day)}"
        '<div class="detail-art">\n'
        f'<div class="layout-name">{escape(page_label(article.page_no, article.page_name))}</div>\n'
        f'<h3 id="PreTitle">{escape(article.kicker or "")}</h3>\n'
        f'<h1 id="Title">{escape(article.title)}</h1>\n'
        f'<h2 id="SubTitle">{escape(article.subtitle or "")}</h2>\n'
        f'<div class="art-date">{day.isoformat()}</div>\n'
        f"<founder-content>{''.join(blocks)}</founder-content>\n"
        f"{attachments}"
        "</div>"
    )
    return _document(f"{article.title}-{paper.edition}数字报", body)


def old_layout_page(paper: Paper, page: EpaperPage, pages: list[EpaperPage]) -> str:
    links = "".join(
        f'<p><a href="{old_node_file(p.number)}"{CURRENT if p is page else ""}>{escape(p.label)}</a></p>'
        for p in pages
    )
    items = "".join(f'<p><a href="content_{a.doc_id}.htm">{escape(a.title)}</a></p>' for a in page.articles)
    body = (
        f'<div class="header"><span class="paper-name">{paper.edition}</span> '
        f'<span class="paper-date">{_cn_date(page.date)}</span></div>'
        f'<div class="banci">{escape(page.label)}</div>'
        f'<div class="liebiao">{links}</div>'
        f'<div class="liebiaoA">{items}</div>'
    )
    return _document(f"{paper.edition}-{page.label}", body)


def old_article_page(paper: Paper, article: EpaperArticle) -> str:
    lines = _text_lines(article)
    if "blank_line" in article.noise:
        lines.insert(_spacer_at(article), "")
    if article.byline_at == "trailing":
        lines.append(f"{INDENT}（{escape(article.byline)}）")
    body = (
        f'<div class="header"><span class="paper-name">{paper.edition}</span> '
        f'<span class="paper-date">{_cn_date(article.date)}</span></div>'
        f'<div class="banci">{escape(page_label(article.page_no, article.page_name))}</div>'
        f'<div class="title1">{escape(article.title)}</div>'
        f'<div class="content">{"<br>".join(lines)}</div>'
    )
    return _document(f"{article.title}-{paper.edition}", body)
