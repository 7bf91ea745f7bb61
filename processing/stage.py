"""The processing stage: raw pages not yet processed by their current parser -> articles.

Selects the newest raw page of each URL whose last processing was by another parser version
(or none), and handles them in batches of ``settings.BATCH_SIZE``, one transaction a batch.
Running it twice changes nothing: the second run finds no pending page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg

from processing import nlp, settings
from processing.extract import extract
from processing.load import PageResult, load_batch
from processing.parsers import ParseError, parser_for
from processing.sql import query
from processing.urls import canonical_url

log = logging.getLogger(__name__)


@dataclass
class StageReport:
    pending: int = 0
    loaded: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"{self.pending} pending raw pages: {self.loaded} articles loaded, {self.skipped} skipped"


def pending_pages(conn: psycopg.Connection) -> list[int]:
    """Ids of the raw pages whose current parser has not processed them yet."""
    pending = []
    for raw_id, url, parser, version in conn.execute(query("pending_raw_pages")):
        current = parser_for(url)
        if (parser, version) != (current.name, current.version):
            pending.append(raw_id)
    return pending


def process_page(raw_id: int, url: str, body: bytes, encoding: str | None, first_seen_at) -> PageResult:
    """One raw page through decode, clean, extract and keywords; never raises for bad input."""
    url = canonical_url(url)
    parser = parser_for(url)
    result = PageResult(raw_id, url, first_seen_at, parser.name, parser.version)
    try:
        result.article = extract(body, url, encoding)
    except (ParseError, UnicodeError, ValueError) as exc:
        result.skip_reason = f"{type(exc).__name__}: {exc}"
        log.warning("skipped raw page %s (%s): %s", raw_id, url, result.skip_reason)
        return result
    result.keywords = nlp.keywords(f"{result.article.title}\n{result.article.body}")
    return result


def process_pending(conn: psycopg.Connection, batch_size: int = settings.BATCH_SIZE) -> StageReport:
    """Process every pending page; each batch commits on its own, so work done survives a crash."""
    conn.commit()
    conn.autocommit = True  # each load_batch() transaction is then a real transaction
    report = StageReport()
    ids = pending_pages(conn)
    report.pending = len(ids)
    log.info("processing %d pending raw pages in batches of %d", len(ids), batch_size)
    for start in range(0, len(ids), batch_size):
        rows = conn.execute(query("raw_pages_by_id"), {"ids": ids[start:start + batch_size]}).fetchall()
        results = [process_page(*row) for row in rows]
        load_batch(conn, results)
        report.loaded += sum(1 for r in results if r.article)
        report.skipped += sum(1 for r in results if not r.article)
        log.info("processed %d/%d raw pages (%d loaded, %d skipped)",
                 min(start + batch_size, len(ids)), len(ids), report.loaded, report.skipped)
    return report
