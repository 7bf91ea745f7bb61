"""The article fields: one dataclass, the same names as the ``articles`` columns."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Article:
    url: str | None
    site: str | None  # portal | epaper_wxrb | epaper_jnwb
    doc_id: str | None
    title: str
    published_at: datetime | None  # tz-aware, Asia/Shanghai
    source: str | None  # 来源
    authors: list[str] = field(default_factory=list)  # reporters and correspondents
    paragraphs: list[str] = field(default_factory=list)  # clean body paragraphs
    channel: str | None = None
    parser: str = ""
    parser_version: str = ""

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def char_count(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    @property
    def content_hash(self) -> str:
        """Changes exactly when what a reader sees changes (title or body)."""
        return hashlib.sha256(f"{self.title}\n\n{self.body}".encode()).hexdigest()

    def to_json(self) -> dict:
        """Fields as JSON-ready values; ``published_at`` in ISO 8601 with its offset."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data.update(body=self.body, char_count=self.char_count, content_hash=self.content_hash)
        return data
