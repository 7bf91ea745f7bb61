"""Load family: rows/s of the article upsert path (``processing.load.load_batch``) vs a plain COPY.

The replica's pages are crawled into a source database and processed once (``process_page``, outside
the timing). Each round then copies the source (``CREATE DATABASE ... TEMPLATE``: migrated, raw pages
in, no article) and times, on the same PageResult objects in batches of ``settings.BATCH_SIZE``, one
transaction per batch:

- the baseline: COPY of the very article rows load_batch writes (same columns, same values, text
  format) into a table without index, constraint or generated column; the same in binary format;
- the floors, what any load path keeping the schema must pay: the article rows COPYed into a table made
  with ``LIKE articles INCLUDING ALL`` (its indexes, the GIN search index, the generated
  ``search_vector``, defaults, checks; with and without that generated column), and, in a second copy
  of the source, every row load_batch writes (articles, version 1, keywords, entities, figures,
  processing status) COPYed into the real tables, with their foreign keys;
- load_batch into the empty articles table (a backfill), with the time of each of its statements;
- load_batch of the same results again (every article unchanged: the common case of re-runs);
- load_batch of the same results with a new ``nlp_version`` (every article row changes, as after an
  extractor upgrade): the merge path.

Each connection first COPYs the rows untimed (a warm-up), so no timed pass pays for its cold caches.
rows/s = loaded articles / seconds; ratio = the figure's rate over the baseline's.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import statistics
import time

import psycopg

from bench import Databases, crawl_env, figure, replica_range
from bench.crawl import crawl
from processing import load, settings
from processing.load import ARTICLE_COLUMNS, ARTICLE_TYPES, PageResult, load_batch
from processing.sql import query
from processing.stage import pending_pages, process_page
from wxrb import db

FAMILY = "load"
LOAD_RATIO_TARGET = 0.5
SOURCES = ("portal", "epaper_wxrb", "epaper_jnwb")
# The named queries of processing.load, to label the statements of the per-statement breakdown.
LOAD_QUERIES = ("stored_articles", "stored_keywords", "stored_entities", "stored_figures", "next_article_ids",
                "create_article_staging", "merge_articles", "record_article_versions", "merge_keywords",
                "merge_entities_figures", "record_processing")
# The tables COPYed into ({} for the name): the baseline's, without index, constraint or default; the floor's.
PLAIN = f"CREATE TABLE {{}} AS SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WITH NO DATA"
LIKE = "CREATE TABLE {} (LIKE articles INCLUDING ALL)"


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
        rounds = [load_round(databases, source, results) for _ in range(1 if quick else 3)]
    rows = sum(1 for r in results if r.status == "loaded")
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0] if key != "steps"}
    copy = median["copy"]
    batches = -(-len(results) // settings.BATCH_SIZE)
    notes = (f"{rows} articles ({len(results)} raw pages of the replica, processed once in "
             f"{processing_s:.0f} s, untimed) in {batches} batches of {settings.BATCH_SIZE}, "
             f"{len(rounds)} round(s), median; "
             f"keyword, entity and figure rows: {sum(_detail_rows(r) for r in results)}")
    baseline = "COPY of the same article rows into an unindexed, unconstrained table"

    def rate(name: str, key: str, extra: str, target: bool = False) -> dict:
        ratio = copy / median[key]
        return figure(name, rows / median[key], "rows/s", baseline, rows / copy, ratio,
                      f">= {LOAD_RATIO_TARGET}x COPY" if target else None,
                      ratio >= LOAD_RATIO_TARGET if target else None, f"{notes}; {extra}", FAMILY)

    return [
        rate("article rows per second, load_batch into an empty database", "fresh",
             f"{median['all_rows'] / median['fresh']:.0%} of the rate of the floor below (COPY of every row "
             f"into the real tables); time per statement: {_steps(rounds, 'fresh')}", target=True),
        rate("article rows per second, load_batch again (all unchanged)", "again",
             "second load of the same results, nothing changes; time per statement: "
             + _steps(rounds, "again"), target=True),
        rate("article rows per second, load_batch with every article changed (new nlp_version)", "changed",
             "third load, every article row differs (the merge path: staging tables, merge queries); "
             f"time per statement: {_steps(rounds, 'changed')}"),
        rate("article rows per second, plain COPY in binary format", "copy_binary",
             "the baseline's rows and table, binary COPY (the format load_batch uses)"),
        rate("article rows per second, COPY into LIKE articles INCLUDING ALL (floor)", "like",
             "binary COPY, as load_batch does, into a table with articles' 7 indexes (GIN included), "
             "generated search_vector, defaults and checks (no foreign key): what any path keeping that "
             f"table pays; without the generated column: {rows / median['like_no_vector']:.0f} rows/s "
             f"({copy / median['like_no_vector']:.2f}x)"),
        rate("article rows per second, COPY of every row load_batch writes into the real tables (floor)",
             "all_rows", "articles, version 1, keywords, entities, figures and processing status of each "
             "batch, binary COPY into the migrated tables (indexes, generated column, foreign-key triggers) "
             "of an empty database: a first load without any lookup or merge; time per table: "
             + _steps(rounds, "all_rows")),
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


def load_round(databases: Databases, source: str, results: list[PageResult]) -> dict:
    """Seconds of the baselines, of the floors and of three load_batch passes (fresh, again, changed)."""
    changed = [dataclasses.replace(r, nlp_version=f"{r.nlp_version} (bench: changed)") if r.article else r
               for r in results]
    timings, steps = {}, {}
    with psycopg.connect(databases.copy_of(source), autocommit=True, cursor_factory=TimedCursor) as conn:
        warm_up(conn, results)
        timings["copy"] = copy_into(conn, "articles_copy", PLAIN, results, binary=False)
        timings["copy_binary"] = copy_into(conn, "articles_copy_binary", PLAIN, results, binary=True)
        timings["like"] = copy_into(conn, "articles_like", LIKE, results, binary=True)
        timings["like_no_vector"] = copy_into(  # dropping the column drops its GIN index too
            conn, "articles_like_no_vector", LIKE + "; ALTER TABLE {} DROP COLUMN search_vector", results,
            binary=True)
        for key, what in (("fresh", results), ("again", results), ("changed", changed)):
            timings[key], steps[key] = timed_load(conn, what)
    with psycopg.connect(databases.copy_of(source), autocommit=True, cursor_factory=TimedCursor) as conn:
        warm_up(conn, results)
        timings["all_rows"], steps["all_rows"] = every_row(conn, results)
    return {**timings, "steps": steps}


def warm_up(conn: psycopg.Connection, results: list[PageResult]) -> None:
    """Untimed COPYs first, so that no timed pass pays for the connection's cold caches (catalogs, the
    text search configuration of the generated column)."""
    copy_into(conn, "articles_warm_up", PLAIN, results, binary=False)
    copy_into(conn, "articles_like_warm_up", LIKE, results, binary=True)


def copy_into(conn: psycopg.Connection, table: str, create: str, results: list[PageResult],
              binary: bool) -> float:
    """COPY the article rows into ``table``, made by ``create`` ({} for its name); a transaction per batch."""
    conn.execute(create.replace("{}", table))
    statement = f"COPY {table} ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN"
    statement += " (FORMAT BINARY)" if binary else ""
    started = time.perf_counter()
    for batch in batches(results):
        with conn.transaction(), conn.cursor().copy(statement) as copy:
            if binary:
                copy.set_types(ARTICLE_TYPES)
            for result in batch:
                if result.status == "loaded":
                    copy.write_row(load._article_row(result))
    return time.perf_counter() - started


def timed_load(conn: psycopg.Connection, results: list[PageResult]) -> tuple[float, dict]:
    TimedCursor.spent.clear()
    started = time.perf_counter()
    for batch in batches(results):
        load_batch(conn, batch)
    return time.perf_counter() - started, dict(TimedCursor.spent)


def every_row(conn: psycopg.Connection, results: list[PageResult]) -> tuple[float, dict]:
    """Every row load_batch writes for a first load, COPYed straight into the real tables."""
    first_id = 1
    TimedCursor.spent.clear()
    started = time.perf_counter()
    for batch in batches(results):
        loaded = [r for r in batch if r.status == "loaded"]
        ids = range(first_id, first_id + len(loaded))
        first_id += len(loaded)
        pairs = list(zip(ids, loaded, strict=True))
        with conn.transaction():
            cursor = conn.cursor()
            load._copy(cursor, "articles", ("id", *ARTICLE_COLUMNS), ("int8", *ARTICLE_TYPES),
                       ((i, *load._article_row(r)) for i, r in pairs))
            load._copy(cursor, "article_versions", load.VERSION_COLUMNS, load.VERSION_TYPES,
                       (load._version_row(i, r) for i, r in pairs))
            load._copy_details(cursor, pairs, "article_id")
            article_ids = dict(zip((r.raw_page_id for r in loaded), ids, strict=True))
            load._copy(cursor, "raw_page_processing",
                       ("raw_page_id", "parser", "parser_version", "status", "article_id", "message"),
                       ("int8", "text", "text", "text", "int8", "text"),
                       ((r.raw_page_id, r.parser, r.parser_version, r.status, article_ids.get(r.raw_page_id),
                         r.skip_reason) for r in batch))
    return time.perf_counter() - started, dict(TimedCursor.spent)


class TimedCursor(psycopg.Cursor):
    """Adds the time of each statement and COPY to ``spent``, by query name or COPY target."""

    spent: collections.Counter = collections.Counter()

    def execute(self, statement, params=None, **kwargs):
        started = time.perf_counter()
        try:
            return super().execute(statement, params, **kwargs)
        finally:
            self.spent[_label(statement)] += time.perf_counter() - started

    @contextlib.contextmanager
    def copy(self, statement, params=None, **kwargs):
        started = time.perf_counter()
        with super().copy(statement, params, **kwargs) as copy:
            yield copy
        self.spent[_label(statement)] += time.perf_counter() - started


def _label(statement) -> str:
    text = statement if isinstance(statement, str) else str(statement)
    if text.startswith("COPY "):
        return "COPY " + text.split()[1]
    return next((name for name in LOAD_QUERIES if query(name) == text), " ".join(text.split()[:2]))


def _steps(rounds: list[dict], key: str) -> str:
    """The statements of a pass, slowest first, median seconds over the rounds (commits not included)."""
    names = rounds[0]["steps"][key]
    spent = {name: statistics.median(r["steps"][key].get(name, 0.0) for r in rounds) for name in names}
    return ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in
                     sorted(spent.items(), key=lambda item: -item[1]) if seconds >= 0.0005)
