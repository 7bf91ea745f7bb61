"""The processing stage: raw pages -> articles, in batches of ``settings.BATCH_SIZE``.

``process_pending`` takes the newest raw page of each URL whose last processing was by another
parser version (or none): running it twice changes nothing, the second run finds no pending
page. ``reprocess`` re-runs extraction on stored raw pages of a date range (and template)
whatever processed them before, without crawling: an article whose content changes gets a new
row in ``article_versions``; unchanged content adds nothing.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

from processing import dedup, dictionaries, entities, figures, idf, nlp, search, settings, stories
from processing.decode import NotHtmlError
from processing.extract import extract, is_flagged
from processing.load import PageResult, load_batch
from processing.parsers import PARSERS, ParseError, Parser, parser_for
from processing.sql import query
from processing.urls import canonical_url, parse_article_url
from processing.workers import WorkerDied
from processing.workers import pool as workers_pool
from wxrb import config
from wxrb.db import DatabaseUnavailable

log = logging.getLogger(__name__)


@dataclass
class StageReport:
    pending: int = 0
    loaded: int = 0
    skipped: int = 0
    flagged: int = 0
    new_versions: int = 0
    clustered: int = 0  # articles given (or moved to) a story cluster

    def __str__(self) -> str:
        text = f"{self.pending} raw pages: {self.loaded} articles loaded, {self.skipped} skipped"
        if self.flagged:
            text += f", {self.flagged} flagged as garbled (not loaded)"
        return text + f", {self.new_versions} new article versions, {self.clustered} clustered into stories"


def pending_pages(conn: psycopg.Connection) -> list[int]:
    """Ids of the raw pages whose current parser has not processed them yet."""
    pending = []
    for raw_id, url, parser, version in conn.execute(query("pending_raw_pages")):
        current = parser_for(url)
        if (parser, version) != (current.name, current.version):
            pending.append(raw_id)
    return pending


def pages_in_range(conn: psycopg.Connection, since: date | None, until: date | None,
                   template: str | None = None) -> list[int]:
    """Newest raw page of every article URL whose URL date is in [since, until] (and template)."""
    ids = []
    for raw_id, url, _, _ in conn.execute(query("pending_raw_pages")):
        ref = parse_article_url(url)
        if ref is None or (template and ref.template != template):
            continue
        if (since is None or ref.url_date >= since) and (until is None or ref.url_date <= until):
            ids.append(raw_id)
    return ids


def process_page(raw_id: int, url: str, body: bytes, encoding: str | None, first_seen_at,
                 parser: type[Parser] | None = None, idf_model: tuple[str, Path] | None = None) -> PageResult:
    """One raw page through decode, clean, extract and keywords; never raises for bad input."""
    url = canonical_url(url)
    parser = parser or parser_for(url)
    result = PageResult(raw_id, url, first_seen_at, parser.name, parser.version)
    try:
        result.article = extract(body, url, encoding, parser=parser)
    except (ParseError, NotHtmlError, UnicodeError, ValueError) as exc:
        result.skip_reason = f"{type(exc).__name__}: {exc}"
        log.warning("skipped raw page %s (%s): %s", raw_id, url, result.skip_reason)
        return result
    if is_flagged(result.article):
        result.flagged = True
        result.skip_reason = (f"garbled text: garble_ratio {result.article.garble_ratio:.3f} above the threshold; "
                              f"encoding declared {result.article.encoding_declared}, used {result.article.encoding_used}")
        log.warning("flagged raw page %s (%s): %s", raw_id, url, result.skip_reason)
        return result
    enrich(result, idf_model)
    return result


def enrich(result: PageResult, idf_model: tuple[str, Path] | None = None) -> None:
    """The text intelligence of one extracted article: keywords, search tokens, entities,
    figures and the signature that finds its other copies. ``idf_model``: (version, file) of
    the corpus IDF (processing.idf.latest); jieba's bundled table when None."""
    article = result.article
    text = stories.article_text(article.title, article.paragraphs)
    if idf_model:
        tfidf = (settings.CORPUS_KEYWORD_METHOD, idf_model[0], nlp.keywords(text, idf_path=idf_model[1]))
    else:
        tfidf = (settings.KEYWORD_METHOD, settings.JIEBA_VERSION, nlp.keywords(text))
    result.keywords = [tfidf, (settings.TEXTRANK_METHOD, settings.JIEBA_VERSION, nlp.textrank(text))]
    result.tokens = (search.tokens_version(), search.index_tokens(article.title), search.index_tokens(article.body))
    result.entities = entities.extract_entities(text)
    result.figures = figures.extract_figures(article.body)
    result.minhash = dedup.signature_bytes(text)
    result.nlp_version = nlp_version()


def nlp_version() -> str:
    return f"{dictionaries.version()} / extractors {settings.NLP_EXTRACTORS_VERSION}"


def refresh_places(conn: psycopg.Connection) -> None:
    """The gazetteer into ``places`` (a handful of rows; upserted on every run)."""
    version = dictionaries.file_version(dictionaries.GAZETTEER)
    rows = [{"name": p.normalised, "level": p.level, "parent": p.parent,
             "ancestors": [a.normalised for a in p.ancestors()], "aliases": list(p.aliases), "version": version}
            for p in dictionaries.gazetteer()]
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.executemany(query("refresh_places"), rows)


def process_pending(conn: psycopg.Connection, batch_size: int = settings.BATCH_SIZE,
                    cluster: bool = True) -> StageReport:
    """Process every pending page; each batch commits on its own, so work done survives a crash.
    ``cluster=False`` leaves story clustering to a later ``enrich_pending`` (what wxrb_daily does)."""
    conn.commit()
    conn.autocommit = True  # each load_batch() transaction is then a real transaction
    return _process(conn, pending_pages(conn), batch_size, cluster=cluster)


def enrich_pending(conn: psycopg.Connection, limit: int = settings.ENRICH_LIMIT,
                   batch_size: int = settings.BATCH_SIZE) -> StageReport:
    """Bring the text intelligence up to date, then cluster new articles into stories.

    Articles whose NLP output was made by older dictionaries or extractors (``nlp_version``) are
    extracted and enriched again from their stored raw page, at most ``limit`` per call, newest
    first (unchanged content adds no article version); then the articles without a story are
    clustered (``stories.cluster_new``).
    """
    conn.commit()
    conn.autocommit = True
    ids = [raw_id for (raw_id,) in conn.execute(
        "SELECT raw_page_id FROM articles WHERE nlp_version IS DISTINCT FROM %s"
        " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s", [nlp_version(), limit])]
    if ids:
        log.info("%d articles have NLP output from older dictionaries or extractors: enriching them again",
                 len(ids))
        report = _process(conn, ids, batch_size, cluster=False)
    else:
        report = StageReport(pending=0)
    with database_errors(conn, report):
        report.clustered = stories.cluster_new(conn)
    return report


def reprocess(conn: psycopg.Connection, since: date | None = None, until: date | None = None,
              parser: str | None = None, version: str | None = None,
              batch_size: int = settings.BATCH_SIZE) -> StageReport:
    """Extract again the stored pages of [since, until] (URL dates), optionally of one parser
    (template name) and, with ``version``, with that version of it instead of the newest."""
    if parser is not None and parser not in PARSERS:
        raise ValueError(f"unknown parser {parser!r}; known: {', '.join(PARSERS)}")
    forced = None
    if version is not None:
        if parser is None:
            raise ValueError("a parser version needs a parser name")
        forced = next((p for p in PARSERS[parser] if p.version == version), None)
        if forced is None:
            known = ", ".join(p.version for p in PARSERS[parser])
            raise ValueError(f"parser {parser} has no version {version!r}; known: {known}")
    conn.commit()
    conn.autocommit = True
    ids = pages_in_range(conn, since, until, parser)
    log.info("reprocessing %d raw pages (URL dates %s..%s, parser %s)", len(ids), since or "start",
             until or "end", f"{parser} v{version}" if forced else parser or "any")
    return _process(conn, ids, batch_size, forced)


@contextmanager
def database_errors(conn: psycopg.Connection, report: StageReport):
    """A lost or failing article database as one clear error that says what to do.

    Each batch is one transaction (load_batch): the batches committed before the failure are kept
    whole, the batch in progress is rolled back, and running again resumes where it stopped.
    """
    where = f"{conn.info.host}:{conn.info.port}/{conn.info.dbname}"  # read now: a lost connection has none
    try:
        yield
    except psycopg.OperationalError as exc:
        lost = "the connection was lost" if conn.broken else "a statement failed"
        done = report.loaded + report.skipped + report.flagged
        raise DatabaseUnavailable(
            f"the article database ({where}) failed during processing ({lost}) after {done} of "
            f"{report.pending} raw pages: {str(exc).strip() or type(exc).__name__}\n"
            "The batches written before are kept; the batch in progress was rolled back. Bring the "
            "database back (is the server running? is DATABASE_URL right?) and run processing again "
            "(`wxrb process`, or clear the Airflow task): it resumes with the pages not processed yet."
        ) from exc


def _process(conn: psycopg.Connection, ids: list[int], batch_size: int,
             parser: type[Parser] | None = None, cluster: bool = True) -> StageReport:
    report = StageReport(pending=len(ids))
    with database_errors(conn, report):
        refresh_places(conn)
        idf_model = idf.latest(conn)
        workers = worker_count(len(ids))
        log.info("processing %d raw pages in batches of %d, %s", len(ids), batch_size,
                 f"on {workers} worker processes" if workers > 1 else "in this process")
        batches = _processed_batches(conn, ids, batch_size, parser, idf_model, workers)
        with closing(batches):  # a failed load stops the workers at once
            for results in batches:
                report.new_versions += load_batch(conn, results)
                report.loaded += sum(1 for r in results if r.status == "loaded")
                report.skipped += sum(1 for r in results if r.status == "skipped")
                report.flagged += sum(1 for r in results if r.status == "flagged")
                done = report.loaded + report.skipped + report.flagged
                log.info("processed %d/%d raw pages (%d loaded, %d skipped, %d flagged, %d new versions)",
                         done, len(ids), report.loaded, report.skipped, report.flagged, report.new_versions)
        if cluster:
            report.clustered = stories.cluster_new(conn)
    return report


def worker_count(pages: int) -> int:
    """Worker processes for a run of ``pages``: 1 (this process) below settings.PARALLEL_MIN_PAGES."""
    if pages < settings.PARALLEL_MIN_PAGES:
        return 1
    return max(1, min(config.process_workers(), -(-pages // settings.CHUNK_SIZE)))


def _processed_batches(conn: psycopg.Connection, ids: list[int], batch_size: int,
                       parser: type[Parser] | None, idf_model: tuple[str, Path] | None,
                       workers: int) -> Iterator[list[PageResult]]:
    """The PageResults of each batch of ``ids``, in order.

    With several workers, the pages of the next batch are already being processed while the
    caller loads this one; the database is only ever used from this process, so each batch is
    still loaded in one transaction here, and a failed batch leaves the earlier ones committed.
    """
    starts = range(0, len(ids), batch_size)

    def rows_of(start: int) -> list[tuple]:
        return conn.execute(query("raw_pages_by_id"), {"ids": ids[start:start + batch_size]}).fetchall()

    if workers <= 1:
        for start in starts:
            yield [process_page(*row, parser=parser, idf_model=idf_model) for row in rows_of(start)]
        return
    with workers_pool(workers) as pool:
        def submit(start: int) -> list[Future]:
            rows = rows_of(start)
            return [pool.submit(_process_chunk, rows[i:i + settings.CHUNK_SIZE], parser, idf_model)
                    for i in range(0, len(rows), settings.CHUNK_SIZE)]

        try:
            ahead = iter(starts)
            in_flight = deque(submit(start) for start in itertools.islice(ahead, 2))
            while in_flight:
                futures = in_flight.popleft()
                following = next(ahead, None)
                if following is not None:
                    in_flight.append(submit(following))
                yield [result for future in futures for result in future.result()]
        except BrokenProcessPool as exc:
            raise WorkerDied(
                "a processing worker process died (killed, or out of memory?); the batches loaded before "
                "are kept. Run processing again to resume, or set WXRB_PROCESS_WORKERS=1 to process in one "
                "process") from exc


def _process_chunk(rows: list[tuple], parser: type[Parser] | None,
                   idf_model: tuple[str, Path] | None) -> list[PageResult]:
    return [process_page(*row, parser=parser, idf_model=idf_model) for row in rows]
