"""What is already stored, so an incremental crawl does not fetch it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from processing.sql import query
from wxrb import db


@dataclass(frozen=True)
class Validators:
    """HTTP validators of the newest stored version of a page."""

    etag: str | None
    last_modified: str | None

    def headers(self) -> dict[str, str]:
        """Conditional request headers: the server answers 304 when nothing changed."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


def days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def known_pages(patterns: list[str]) -> dict[str, Validators]:
    """Stored URLs matching any SQL LIKE pattern, e.g. ``%/doc/2026/11/20/%``."""
    if not patterns:
        return {}
    with db.connect() as conn:
        rows = conn.execute(query("known_pages"), {"patterns": patterns}).fetchall()
    return {url: Validators(etag, last_modified) for url, etag, last_modified in rows}
