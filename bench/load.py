"""Load family: rows/s of the article upsert path (``processing.load.load_batch``) vs a plain COPY.

The replica's pages are crawled into a source database and processed once (``process_page``, outside
the timing). Each round then copies the source (``CREATE DATABASE ... TEMPLATE``: migrated, raw pages
in, no article) and times, on the same PageResult objects in batches of ``settings.BATCH_SIZE``:

- the baseline: COPY of the very article rows load_batch writes (same columns, same values, one
  transaction per batch) into a table without index, constraint or generated column;
- load_batch into the empty articles table (a backfill);
- load_batch of the same results again (every article unchanged: the common case of re-runs).

load_batch does more than the baseline on purpose (staging tables, the upsert with its unique and GIN
indexes, versions, keywords, entities, figures, processing status): the ratio is what all that costs.
"""

from __future__ import annotations

import statistics
import time

import psycopg

from bench.crawl import Databases, crawl, crawl_env, figure, replica_range
from processing import settings
from processing.load import ARTICLE_COLUMNS, PageResult, _article_row, load_batch
from processing.sql import query
from processing.stage import pending_pages, process_page
from wxrb import db

FAMILY = "load"
LOAD_RATIO_TARGET = 0.5
SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")


def run(opts: dict) -> list[dict]:
    quick = opts["quick"]
    start, end = replica_range(opts["replica_base_url"])
    with Databases(opts["dsn_admin"], "bench_load") as databases:
        source = databases.new()
        with crawl_env(opts["replica_base_url"]):
            for name in SOURCES[:1] if quick else SOURCES:
                crawl(source, name, start, end)
        started = time.perf_counter()
        results = page_results(source)
        processing_s = time.perf_counter() - started
        rounds = [load_round(databases.copy_of(source), results) for _ in range(1 if quick else 3)]
    rows = sum(1 for r in results if r.status == "loaded")
    copy = statistics.median(r["copy"] for r in rounds)
    fresh = statistics.median(r["fresh"] for r in rounds)
    again = statistics.median(r["again"] for r in rounds)
    batches = -(-len(results) // settings.BATCH_SIZE)
    notes = (f"{rows} articles ({len(results)} raw pages of the replica, processed once in {processing_s:.0f} s, "
             f"untimed) in {batches} batches of {settings.BATCH_SIZE}, {len(rounds)} round(s), median; "
             f"keyword, entity and figure rows: {sum(_detail_rows(r) for r in results)}")
    baseline = "COPY of the same article rows into an unindexed, unconstrained table"
    return [
        figure("article rows per second, load_batch into an empty database", rows / fresh, "rows/s",
               baseline, rows / copy, copy / fresh, f">= {LOAD_RATIO_TARGET}x COPY",
               copy / fresh >= LOAD_RATIO_TARGET, notes, FAMILY),
        figure("article rows per second, load_batch again (all unchanged)", rows / again, "rows/s",
               baseline, rows / copy, copy / again, f">= {LOAD_RATIO_TARGET}x COPY",
               copy / again >= LOAD_RATIO_TARGET, notes + "; second load of the same results, nothing changes", FAMILY),
    ]


def page_results(dsn: str) -> list[PageResult]:
    """Every stored page through the processing stage, as ``processing.stage`` makes them."""
    with db.connect(dsn) as conn:
        ids = pending_pages(conn)
        rows = conn.execute(query("raw_pages_by_id"), {"ids": ids}).fetchall()
    results = [process_page(*row) for row in rows]
    if not any(r.status == "loaded" for r in results):
        raise RuntimeError(f"none of the {len(results)} replica pages gave an article: is extraction broken?")
    return results


def _detail_rows(result: PageResult) -> int:
    return sum(len(found) for _, _, found in result.keywords) + len(result.entities) + len(result.figures)


def batches(results: list[PageResult]) -> list[list[PageResult]]:
    return [results[i:i + settings.BATCH_SIZE] for i in range(0, len(results), settings.BATCH_SIZE)]


def load_round(dsn: str, results: list[PageResult]) -> dict:
    """Seconds of the COPY baseline, of a first load_batch pass and of a second one (all unchanged)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        return {"copy": plain_copy(conn, results), "fresh": timed_load(conn, results),
                "again": timed_load(conn, results)}


def plain_copy(conn: psycopg.Connection, results: list[PageResult]) -> float:
    columns = ", ".join(ARTICLE_COLUMNS)
    conn.execute(f"CREATE TABLE articles_copy AS SELECT {columns} FROM articles WITH NO DATA")
    started = time.perf_counter()
    for batch in batches(results):
        with conn.transaction(), conn.cursor().copy(f"COPY articles_copy ({columns}) FROM STDIN") as copy:
            for result in batch:
                if result.status == "loaded":
                    copy.write_row(_article_row(result))
    return time.perf_counter() - started


def timed_load(conn: psycopg.Connection, results: list[PageResult]) -> float:
    started = time.perf_counter()
    for batch in batches(results):
        load_batch(conn, batch)
    return time.perf_counter() - started

