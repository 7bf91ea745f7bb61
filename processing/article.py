"""The article fields: one dataclass, the same names as the ``articles`` columns and the keys
of ``wxrb extract`` and of the evaluation fixtures (table in README "Article fields").
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime

# Where published_at came from, best first (articles.published_at_source):
PUBLISHED_AT_SOURCES = (
    "page",  # a date and a time shown on the page (portal ldate block, a generic page's 2026-11-14 08:12)
    "page_date",  # a date shown on the page without a time: midnight of that day (print editions)
    "url",  # the date in the URL (/doc/2026/11/14/…): midnight, only when the page shows none
)


@dataclass
class Article:
    url: str | None
    site: str | None  # portal | epaper_wxrb | epaper_jnwb; None for pages of other sites
    doc_id: str | None
    title: str
    published_at: datetime | None  # tz-aware, Asia/Shanghai
    published_at_source: str | None = None  # one of PUBLISHED_AT_SOURCES
    kicker: str | None = None  # 引题, the line above the title (print)
    subtitle: str | None = None  # 副题, the line below the title (print)
    source: str | None = None  # 来源, or the edition for print pages
    authors: list[str] = field(default_factory=list)  # reporters and correspondents
    photographers: list[str] = field(default_factory=list)  # names in a （… 摄） credit
    editor: str | None = None  # 责任编辑
    channel: str | None = None  # portal channel from the breadcrumb, or the print page name
    page_no: str | None = None  # print page number, e.g. A02
    page_name: str | None = None  # print page name, e.g. 区域新闻
    lead: str | None = None  # the 本报讯 / 新华社…电 paragraph (= paragraphs[0]), dateline cut
    paragraphs: list[str] = field(default_factory=list)  # clean body paragraphs
    images: list[dict] = field(default_factory=list)  # [{"src": path or URL, "caption": text or None}]
    parser: str = ""
    parser_version: str = ""
    # Cleaning evidence: counts of what was repaired or dropped (processing.textclean stats),
    # the decoded text before repair when repair changed it, and the page's encodings.
    cleaning: dict = field(default_factory=dict)
    original_text: str | None = None
    encoding_declared: str | None = None
    encoding_used: str | None = None
    garble_ratio: float = 0.0

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def char_count(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    @property
    def content_hash(self) -> str:
        """Changes exactly when what a reader sees changes (headlines or body)."""
        shown = "\n".join(x or "" for x in (self.kicker, self.title, self.subtitle))
        return hashlib.sha256(f"{shown}\n\n{self.body}".encode()).hexdigest()

    def to_json(self) -> dict:
        """Fields as JSON-ready values; ``published_at`` in ISO 8601 with its offset."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data.update(body=self.body, char_count=self.char_count, content_hash=self.content_hash)
        return data
