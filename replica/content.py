"""Deterministic generator of the synthetic wxrb.com site.

``build_site(seed)`` returns a ``Site``: channels and articles with the values a
correct parser must extract (title, time, source, authors, clean paragraphs …) plus
the rendering choices (byline text, noise tags) that ``replica.templates`` turns
into HTML. Only ``random.Random(seed)`` is used, never the global generator or the
clock, so the same seed always gives the same site, byte for byte.

The stock site is small (5-8 articles a day over 12 days). ``build_site(days=...,
articles_per_day=LIVE_ARTICLES_PER_DAY, pinned=...)`` builds a bigger one with the same
generator, e.g. at the live portal's volume for the crawl benchmark; the defaults give
the stock site unchanged.

Noise tags (``Article.noise``) and how the HTML differs from the expected fields
are described in ``replica/README.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from replica import epaper, texts

DEFAULT_SEED = 20261124
TZ = ZoneInfo("Asia/Shanghai")

START_DATE = dt.date(2026, 11, 10)
DAYS = 12
ARTICLES_PER_DAY = (5, 8)
LIVE_ARTICLES_PER_DAY = (100, 150)  # the live portal's volume (docs/wxrb-site.md: ids rise ~120-150 a day)
MIN_ARTICLES = 72  # days are topped up (never past 8) until the site has this many
FIRST_DOC_ID = 465000
DOC_ID_STEP_PER_DAY = (120, 150)
DAY_ID_SPAN = 119  # a day's ids are drawn (sparse) from base+1 .. base+119
PUBLISH_MINUTES = (6 * 60 + 30, 22 * 60 + 30)  # 06:30 .. 22:29
ARTICLES_PER_PAGE = 10
PARAGRAPH_COUNTS = (4, 5, 5, 6, 6, 7, 7, 8, 9)  # drawn uniformly: mostly 5-7 paragraphs
MAX_TITLE_TRIES = 200

# (section name, section path, [(channel name, channel slug)]); order = nav order.
SECTIONS = [
    ("新闻中心", "/news/", [("无锡新闻", "wxxw"), ("区县新闻", "qxxw"), ("图片新闻", "tpxw")]),
    ("经济", "/economy/", [("产业", "cy"), ("财经", "cj"), ("楼市", "ls")]),
    ("民生", "/life/", [("社会", "sh"), ("教育", "jy"), ("健康", "jk")]),
    ("文旅", "/culture/", [("文化", "wh"), ("体育", "ty"), ("旅游", "ly")]),
]
# Share of articles per channel; channels not listed stay empty.
CHANNEL_WEIGHTS = {
    "无锡新闻": 0.30,
    "区县新闻": 0.12,
    "产业": 0.12,
    "财经": 0.10,
    "社会": 0.12,
    "教育": 0.08,
    "文化": 0.09,
    "体育": 0.07,
}
SOURCE_WEIGHTS = {"无锡日报": 45, "江南晚报": 20, "无锡新传媒": 27, "新华社": 8}
XINHUA_CHANNELS = ("无锡新闻", "产业", "财经")  # 新华社 copy only appears here

# Byline shapes: (weight, [(role, number of names)]); [] = no byline.
BYLINE_SHAPES = [
    (15, []),
    (35, [("记者", 1)]),
    (15, [("记者", 2)]),
    (18, [("记者", 1), ("通讯员", 1)]),
    (8, [("记者", 2), ("通讯员", 1)]),
    (4, [("记者", 1), ("见习记者", 1)]),
    (5, [("通讯员", 2)]),
]
EVENING_PAPER = "江南晚报"  # its reporters sign as 晚报记者
NAME_SEPARATORS = (" ", " ", " ", "、")  # between names of one role
IMAGE_RATE = 0.35
PHOTO_CREDIT_RATE = 0.75
EDITOR_RATE = 0.5
EVENT_DAY_BEFORE_RATE = 0.3  # the lead's date is the day before the URL date

# Noise tags in canonical order, with the share of eligible articles that get them.
NOISE_RATES = {
    "inline_byline": 0.2,
    "glued_byline": 0.25,
    "nbsp": 0.2,
    "br_in_paragraph": 0.15,
    "related_news": 0.12,
}
NOISE_ORDER = [
    "inline_byline",
    "glued_byline",
    "nbsp",
    "br_in_paragraph",
    "related_news",
    "footer_in_body",
    "mirror_garbling",
]
FOOTER_IN_BODY_COUNT = (2, 3)  # other articles (besides the seed) with the footer glued in
RELATED_LINKS = 3

STAFF_SIZES = {"reporters": 24, "correspondents": 14, "photographers": 8, "editors": 6}

SEED_FILE = Path(__file__).parent / "data" / "seed_article.txt"
# What a correct cleaner makes of the seed's body: simplified, no pinyin notes, no mojibake, the
# byline moved out. Reviewed by hand line by line against the seed (tests/processing/test_textclean.py).
SEED_CLEAN_FILE = Path(__file__).parent / "data" / "seed_article.clean.txt"
SEED_AUTHORS = ["尹晖"]  # the mojibake byline （尹暉） at the end of the seed, recovered
SEED_FOOTER_LINES = 3  # the seed file ends with the portal footer (3 lines)
SEED_DATE = dt.date(2026, 11, 14)
SEED_CHANNEL = "无锡新闻"

# The portal footer in simplified Chinese; glued into bodies for "footer_in_body".
FOOTER_LINES = [
    "Copyright(C) 1998-2026 wxrb.com All Rights Reserved 无锡日报报业集团无锡新传媒网 版权所有未经授权禁止复制或镜像",
    "互联网新闻信息服务许可证:32120170007 信息网络传播视听节目许可证:110330069 "
    "广播电视节目制作经营许可证:(苏)字第00306号",
    "苏新网备2006009 苏ICP备05004020号",
]
MOBILE_FOOTER_LINE = "1998-2023 无锡日报报业集团无锡新传媒网版权所有"


@dataclass
class Channel:
    name: str
    section: str
    path: str  # e.g. /news/wxxw/
    list_pages: int
    section_path: str  # e.g. /news/


@dataclass
class Article:
    doc_id: int
    date: dt.date
    path: str
    channel: str
    channel_path: str
    title: str
    published_at: dt.datetime
    source: str
    authors: list[str]
    photographers: list[str]
    editor: str | None
    paragraphs: list[str]
    images: list[dict]
    noise: list[str]
    # Rendering inputs (not part of the manifest):
    byline: str = ""  # inside the parentheses, e.g. "记者 张三 通讯员 李四"
    dateline: str = ""  # before an inline byline: "本报讯" or "新华社南京11月14日电"
    photo_credit: str = ""  # inside the parentheses, e.g. "王五 摄"
    related: list[str] = field(default_factory=list)  # paths of the related-news links
    body_tail: list[str] = field(default_factory=list)  # footer lines glued into #zoom
    expected_paragraphs: list[str] = field(default_factory=list)  # manifest paragraphs, when not `paragraphs`


@dataclass
class Site:
    seed: int
    start_date: dt.date
    end_date: dt.date
    channels: list[Channel]
    articles: list[Article]  # sorted by published_at
    pinned: int = 0  # each channel's oldest articles shown again on top of its first list page (置顶)

    def sections(self) -> list[tuple[str, str, list[Channel]]]:
        """(section name, section path, channels) in nav order."""
        out: list[tuple[str, str, list[Channel]]] = []
        for channel in self.channels:
            if not out or out[-1][0] != channel.section:
                out.append((channel.section, channel.section_path, []))
            out[-1][2].append(channel)
        return out

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels if c.name == name)

    def channel_articles(self, name: str) -> list[Article]:
        """A channel's articles, newest first (the order of its list pages)."""
        mine = [a for a in self.articles if a.channel == name]
        return sorted(mine, key=lambda a: (a.published_at, a.doc_id), reverse=True)

    def list_page(self, name: str, page: int) -> list[Article]:
        """Articles on list page ``page`` (1-based) of a channel; page 1 opens with the pinned ones."""
        mine = self.channel_articles(name)
        start = (page - 1) * ARTICLES_PER_PAGE
        top = mine[::-1][: self.pinned] if page == 1 else []
        return top + mine[start : start + ARTICLES_PER_PAGE]

    def article_by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.articles}

    def newest(self, count: int) -> list[Article]:
        return list(reversed(self.articles))[:count]


# --- public API -------------------------------------------------------------------


def build_site(
    seed: int = DEFAULT_SEED,
    *,
    days: int | None = None,
    articles_per_day: tuple[int, int] = ARTICLES_PER_DAY,
    pinned: int = 0,
) -> Site:
    """Generate the whole site from ``seed``; the same arguments give the same site.

    ``days`` (default ``DAYS``, read at call time) days from START_DATE, each with a number of
    articles drawn from ``articles_per_day``; ``pinned``: how many of each channel's oldest
    articles also sit on top of its first list page, as portals pin old notices.
    """
    days = DAYS if days is None else days
    seed_day = (SEED_DATE - START_DATE).days + 1
    if days < seed_day or not 1 <= articles_per_day[0] <= articles_per_day[1] or pinned < 0:
        raise ValueError(f"build_site needs days >= {seed_day} (the seed article is dated {SEED_DATE}), "
                         f"1 <= articles_per_day[0] <= [1] and pinned >= 0; got days={days}, "
                         f"articles_per_day={articles_per_day}, pinned={pinned}")
    rng = random.Random(seed)
    staff = _make_staff(rng)
    slots = _make_slots(rng, days, articles_per_day)
    channels = _deal_channels(rng, len(slots))
    seed_index = _seed_slot(slots, channels)
    kind_order = {name: rng.sample(range(len(kinds)), len(kinds)) for name, kinds in texts.STORIES.items()}
    used = {name: 0 for name in texts.STORIES}
    titles = {texts.SEED_TITLE}
    articles = []
    for index, ((published_at, doc_id), channel) in enumerate(zip(slots, channels, strict=True)):
        if index == seed_index:
            articles.append(_seed_article(published_at, doc_id))
            continue
        order = kind_order[channel]
        kind = texts.STORIES[channel][order[used[channel] % len(order)]]
        used[channel] += 1
        article = _make_article(rng, published_at, doc_id, channel, kind, staff, titles)
        titles.add(article.title)
        articles.append(article)
    _assign_noise(rng, articles)
    _assign_related(rng, articles)
    return Site(
        seed=seed,
        start_date=START_DATE,
        end_date=START_DATE + dt.timedelta(days=days - 1),
        channels=_channels(articles),
        articles=articles,
        pinned=pinned,
    )


def manifest(site: Site) -> dict:
    """The JSON-ready description of the site served at /__replica__/manifest.json."""
    return {
        "seed": site.seed,
        "start_date": site.start_date.isoformat(),
        "end_date": site.end_date.isoformat(),
        "channels": [
            {
                "name": c.name,
                "section": c.section,
                "path": c.path,
                "list_pages": c.list_pages,
                "articles": len(site.channel_articles(c.name)),
            }
            for c in site.channels
        ],
        "articles": [_article_entry(a) for a in site.articles],
        **_epaper_entries(site),
    }


def _epaper_entries(site: Site) -> dict:
    """The print e-papers' part of the manifest (replica/epaper.py, README "E-papers")."""
    papers = epaper.build_epapers(site)
    return {"epaper_articles": epaper.article_entries(papers), "epaper_pages": epaper.page_entries(papers)}


def channel_path(section_path: str, slug: str) -> str:
    return f"{section_path}{slug}/"


def read_seed_lines() -> tuple[list[str], list[str]]:
    """(article lines, footer lines) of the seed file, exactly as stored."""
    lines = SEED_FILE.read_text(encoding="utf-8").split("\n")
    return lines[:-SEED_FOOTER_LINES], lines[-SEED_FOOTER_LINES:]


# --- skeleton: days, ids, channels ----------------------------------------------------


def _make_slots(rng: random.Random, days: int, per_day: tuple[int, int]) -> list[tuple[dt.datetime, int]]:
    """(published_at, doc_id) for every article, in time order; ids rise with time.

    A day busier than DAY_ID_SPAN widens its id span (and the step to the next day) to fit."""
    span = max(DAY_ID_SPAN, per_day[1])
    step = (max(DOC_ID_STEP_PER_DAY[0], span + 1), max(DOC_ID_STEP_PER_DAY[1], span + 31))
    slots = []
    base = FIRST_DOC_ID + rng.randint(0, 50)
    for offset, count in enumerate(_daily_counts(rng, days, per_day)):
        day = START_DATE + dt.timedelta(days=offset)
        minutes = sorted(rng.sample(range(*PUBLISH_MINUTES), count))
        ids = sorted(rng.sample(range(1, span + 1), count))
        for minute, id_offset in zip(minutes, ids, strict=True):
            at = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)
            slots.append((at, base + id_offset))
        base += rng.randint(*step)
    return slots


def _daily_counts(rng: random.Random, days: int, per_day: tuple[int, int]) -> list[int]:
    counts = [rng.randint(*per_day) for _ in range(days)]
    while sum(counts) < min(MIN_ARTICLES, days * per_day[1]):
        day = rng.randrange(days)
        counts[day] = min(counts[day] + 1, per_day[1])
    return counts


def _deal_channels(rng: random.Random, total: int) -> list[str]:
    """A shuffled deck of channel names with counts proportional to CHANNEL_WEIGHTS."""
    counts = {name: max(1, round(weight * total)) for name, weight in CHANNEL_WEIGHTS.items()}
    counts[SEED_CHANNEL] += total - sum(counts.values())
    deck = [name for name, count in counts.items() for _ in range(count)]
    rng.shuffle(deck)
    return deck


def _seed_slot(slots: list[tuple[dt.datetime, int]], channels: list[str]) -> int:
    """Index of the slot that carries the seed article (first 无锡新闻 slot on SEED_DATE)."""
    day = [i for i, (at, _) in enumerate(slots) if at.date() == SEED_DATE]
    for index in day:
        if channels[index] == SEED_CHANNEL:
            return index
    channels[day[0]] = SEED_CHANNEL
    return day[0]


def _channels(articles: list[Article]) -> list[Channel]:
    out = []
    for section, section_path, entries in SECTIONS:
        for name, slug in entries:
            count = sum(1 for a in articles if a.channel == name)
            pages = max(1, math.ceil(count / ARTICLES_PER_PAGE))
            out.append(Channel(name, section, channel_path(section_path, slug), pages, section_path))
    return out


def _channel_path_of(name: str) -> str:
    for _, section_path, entries in SECTIONS:
        for channel_name, slug in entries:
            if channel_name == name:
                return channel_path(section_path, slug)
    raise KeyError(name)


def _doc_path(day: dt.date, doc_id: int) -> str:
    return f"/doc/{day:%Y/%m/%d}/{doc_id}.shtml"


# --- people ---------------------------------------------------------------------


def _make_staff(rng: random.Random) -> dict[str, list[str]]:
    """Disjoint pools of invented names: reporters, correspondents, photographers, editors."""
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


def _byline(rng: random.Random, staff: dict[str, list[str]], source: str) -> tuple[list[str], str]:
    """(authors in byline order, byline text inside the parentheses)."""
    shapes = [shape for _, shape in BYLINE_SHAPES]
    shape = rng.choices(shapes, weights=[w for w, _ in BYLINE_SHAPES])[0]
    if source == "新华社":
        shape = [("记者", rng.randint(1, 2))]
    reporters = rng.sample(staff["reporters"], 3)
    correspondents = rng.sample(staff["correspondents"], 2)
    authors, parts = [], []
    for role, count in shape:
        pool = correspondents if role == "通讯员" else reporters
        names = [pool.pop() for _ in range(count)]
        if role == "记者" and source == EVENING_PAPER:
            role = "晚报记者"
        parts.append(f"{role} {rng.choice(NAME_SEPARATORS).join(names)}")
        authors.extend(names)
    return authors, " ".join(parts)


# --- article text -------------------------------------------------------------------


def _context(rng: random.Random, day: dt.date) -> dict[str, str]:
    """One article's slot values (see the texts module docstring)."""
    district = rng.choice(list(texts.DISTRICT_PLACES))
    place = rng.choice(texts.DISTRICT_PLACES[district])
    industry, suffix = rng.choice(texts.INDUSTRIES)
    race, race_venue = rng.choice(texts.RACES)
    event_day = day - dt.timedelta(days=1) if rng.random() < EVENT_DAY_BEFORE_RATE else day
    return {
        "md": f"{event_day.month}月{event_day.day}日",
        "d": district,
        "dz": "该市" if district.endswith("市") else "该区",
        "dq": "全市" if district.endswith("市") else "全区",
        "p": place,
        "ind": industry,
        "co": rng.choice(texts.COMPANY_PREFIXES) + suffix + "有限公司",
        "amt": _tenths(rng, 30, 980),
        "amt2": _tenths(rng, 6, 198),
        "bigamt": str(rng.randint(300, 1500)),
        "area": _tenths(rng, 12, 450),
        "pct": _tenths(rng, 30, 249),
        "pct2": _tenths(rng, 8, 120),
        "pctx": str(rng.randint(80, 99)),
        "km": _tenths(rng, 50, 380),
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
        "campaign": rng.choice(texts.CAMPAIGNS),
        "fest": rng.choice(texts.FESTIVALS),
        "heritage": rng.choice(texts.HERITAGE_SITES),
        "play": rng.choice(texts.PLAYS),
        "venue": rng.choice(texts.VENUES),
        "race": race,
        "rvenue": race_venue,
    }


def _tenths(rng: random.Random, low: int, high: int) -> str:
    """A number with one decimal, drawn as an integer count of tenths (no float rounding)."""
    value = rng.randint(low, high)
    return f"{value // 10}.{value % 10}"


def _paragraphs(rng: random.Random, kind: dict, ctx: dict[str, str]) -> list[str]:
    """Lead + a subset of the kind's body (order kept); generic paragraphs fill up to the target."""
    target = rng.choice(PARAGRAPH_COUNTS)
    body = kind["body"]
    wanted = target - 1
    picked = [body[i] for i in sorted(rng.sample(range(len(body)), min(wanted, len(body))))]
    extra = rng.sample(texts.GENERIC_BODY, wanted - len(picked))
    templates = [rng.choice(kind["leads"]), *picked[:-1], *extra, picked[-1]]
    return [t.format(**ctx) for t in templates]


def _images(rng: random.Random, staff, day: dt.date, doc_id: int, ctx) -> tuple[list[dict], list[str], str]:
    """(images, photographers, photo credit text) — photographers only when there are images."""
    if rng.random() >= IMAGE_RATE:
        return [], [], ""
    images = [
        {
            "src": f"/uploads/{day:%Y/%m/%d}/{doc_id}_{n}.jpg",
            "caption": rng.choice(texts.CAPTIONS).format(**ctx),
        }
        for n in range(1, rng.choice((1, 1, 1, 2)) + 1)
    ]
    if rng.random() >= PHOTO_CREDIT_RATE:
        return images, [], ""
    photographers = rng.sample(staff["photographers"], rng.choice((1, 1, 1, 2)))
    return images, photographers, rng.choice(NAME_SEPARATORS).join(photographers) + " 摄"


def _make_article(rng, published_at, doc_id, channel, kind, staff, titles) -> Article:
    day = published_at.date()
    for _ in range(MAX_TITLE_TRIES):
        ctx = _context(rng, day)
        title = rng.choice(kind["titles"]).format(**ctx)
        if title not in titles:
            break
    else:
        raise RuntimeError(f"no unique title left for a {channel} story")
    paragraphs = _paragraphs(rng, kind, ctx)
    sources = [s for s in SOURCE_WEIGHTS if s != "新华社" or channel in XINHUA_CHANNELS]
    source = rng.choices(sources, weights=[SOURCE_WEIGHTS[s] for s in sources])[0]
    authors, byline = _byline(rng, staff, source)
    images, photographers, credit = _images(rng, staff, day, doc_id, ctx)
    editor = rng.choice(staff["editors"]) if rng.random() < EDITOR_RATE else None
    return Article(
        doc_id=doc_id,
        date=day,
        path=_doc_path(day, doc_id),
        channel=channel,
        channel_path=_channel_path_of(channel),
        title=title,
        published_at=published_at,
        source=source,
        authors=authors,
        photographers=photographers,
        editor=editor,
        paragraphs=paragraphs,
        images=images,
        noise=[],
        byline=byline,
        photo_credit=credit,
    )


def _seed_article(published_at: dt.datetime, doc_id: int) -> Article:
    """The article carrying the real mirror copy, garbling and all. The manifest gives what a
    correct cleaner recovers from it (``SEED_CLEAN_FILE``), including the garbled byline."""
    lines, footer = read_seed_lines()
    day = published_at.date()
    return Article(
        doc_id=doc_id,
        date=day,
        path=_doc_path(day, doc_id),
        channel=SEED_CHANNEL,
        channel_path=_channel_path_of(SEED_CHANNEL),
        title=texts.SEED_TITLE,
        published_at=published_at,
        source="无锡日报",
        authors=list(SEED_AUTHORS),
        photographers=[],
        editor=None,
        paragraphs=lines,
        expected_paragraphs=SEED_CLEAN_FILE.read_text(encoding="utf-8").splitlines(),
        images=[],
        noise=["footer_in_body", "mirror_garbling"],
        body_tail=footer,
    )


# --- noise and links ---------------------------------------------------------------------


def _assign_noise(rng: random.Random, articles: list[Article]) -> None:
    """Tag articles with noise; every tag occurs at least once whatever the seed."""
    generated = [a for a in articles if "mirror_garbling" not in a.noise]
    for tag, rate in NOISE_RATES.items():
        eligible = [a for a in generated if _noise_allowed(a, tag)]
        chosen = [a for a in eligible if _forced(a, tag) or rng.random() < rate]
        for article in chosen or eligible[:1]:
            article.noise.append(tag)
    for article in rng.sample(generated, rng.randint(*FOOTER_IN_BODY_COUNT)):
        article.noise.append("footer_in_body")
        article.body_tail = list(FOOTER_LINES)
    for article in articles:
        article.noise.sort(key=NOISE_ORDER.index)
        if "inline_byline" in article.noise:
            article.dateline = _dateline(article)


def _noise_allowed(article: Article, tag: str) -> bool:
    if tag == "inline_byline":
        return bool(article.byline)
    if tag == "glued_byline":
        return bool(article.byline) and "inline_byline" not in article.noise
    return True


def _forced(article: Article, tag: str) -> bool:
    """新华社 copy always opens with its dateline and byline."""
    return tag == "inline_byline" and article.source == "新华社"


def _dateline(article: Article) -> str:
    if article.source == "新华社":
        return f"新华社南京{article.date.month}月{article.date.day}日电"
    return "本报讯"


def _assign_related(rng: random.Random, articles: list[Article]) -> None:
    """Three related links per article, one of them to an earlier day when there is one."""
    for article in articles:
        others = [a for a in articles if a.doc_id != article.doc_id]
        older = [a for a in others if a.date < article.date]
        picked = [rng.choice(older)] if older else []
        rest = [a for a in others if a.doc_id not in {p.doc_id for p in picked}]
        picked += rng.sample(rest, RELATED_LINKS - len(picked))
        article.related = [a.path for a in picked]


def _article_entry(article: Article) -> dict:
    return {
        "url": article.path,
        "doc_id": str(article.doc_id),
        "date": article.date.isoformat(),
        "channel": article.channel,
        "title": article.title,
        "published_at": article.published_at.isoformat(),
        "source": article.source,
        "authors": list(article.authors),
        "photographers": list(article.photographers),
        "editor": article.editor,
        "lead": article.paragraphs[0] if article.dateline else None,
        "paragraphs": list(article.expected_paragraphs or article.paragraphs),
        "images": [dict(image) for image in article.images],
        "noise": list(article.noise),
    }
