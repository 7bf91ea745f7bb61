"""What a spider hands to the pipeline: one fetched page, bytes untouched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RawPageItem:
    url: str  # canonical URL (processing.urls.canonical_url)
    final_url: str  # URL as fetched, after redirects
    fetched_at: datetime
    http_status: int
    headers: dict[str, str] = field(default_factory=dict)
    declared_encoding: str | None = None
    used_encoding: str = "utf-8"
    body: bytes = b""
    edition: str | None = None  # e-papers only: 无锡日报 / 江南晚报
    page_no: str | None = None  # 版次, e.g. A02
    page_name: str | None = None  # 版名, e.g. 区域新闻
