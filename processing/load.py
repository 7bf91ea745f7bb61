"""Write one processed batch in one transaction.

Articles not stored yet are COPYed straight into their tables. Stored ones are first compared with
what the batch would write: an unchanged article costs one read and no write, and only those that
differ go through staging tables and the merge queries (``sql/queries/merge_*.sql``), which decide
what changes exactly as for every article before. docs/performance.md ("Load") has the figures.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from processing.article import Article
from processing.sql import query


@dataclass
class PageResult:
    """What processing made of one raw page: an article, or the reason there is none."""

    raw_page_id: int
    url: str
    first_seen_at: datetime
    parser: str
    parser_version: str
    article: Article | None = None
    keywords: list[tuple[str, str, list[tuple[str, float]]]] = field(default_factory=list)  # (method, model version, [(keyword, weight)])
    tokens: tuple[str, str, str] | None = None  # (tokens_version, title_tokens, body_tokens) for search
    entities: list = field(default_factory=list)  # processing.entities.Entity
    figures: list = field(default_factory=list)  # processing.figures.Figure
    minhash: bytes | None = None  # processing.dedup signature of title and body
    nlp_version: str | None = None
    skip_reason: str | None = None
    flagged: bool = False  # extracted, but too garbled to load: recorded, not written to articles

    @property
    def status(self) -> str:
        return "flagged" if self.flagged else "loaded" if self.article else "skipped"


# The articles columns a load writes, with their PostgreSQL types for binary COPY
# (sql/migrations 0003, 0007, 0009, 0011; a test checks them against the catalog).
ARTICLE_COLUMN_TYPES = (
    ("url", "text"), ("site", "text"), ("doc_id", "text"), ("channel", "text"), ("page_no", "text"),
    ("page_name", "text"), ("kicker", "text"), ("title", "text"), ("subtitle", "text"),
    ("published_at", "timestamptz"), ("published_at_source", "text"), ("source", "text"),
    ("authors", "text[]"), ("photographers", "text[]"), ("editor", "text"), ("lead", "text"), ("body", "text"),
    ("paragraphs", "text[]"), ("images", "jsonb"), ("char_count", "int4"), ("parser", "text"),
    ("parser_version", "text"), ("content_hash", "text"), ("cleaning", "jsonb"), ("original_text", "text"),
    ("encoding_declared", "text"), ("encoding_used", "text"), ("garble_ratio", "float4"),
    ("first_seen_at", "timestamptz"), ("raw_page_id", "int8"), ("tokens_version", "text"),
    ("title_tokens", "text"), ("body_tokens", "text"), ("minhash", "bytea"), ("nlp_version", "text"),
)
ARTICLE_COLUMNS = tuple(column for column, _ in ARTICLE_COLUMN_TYPES)
ARTICLE_TYPES = tuple(kind for _, kind in ARTICLE_COLUMN_TYPES)
KEYWORD_COLUMNS = ("keyword", "weight", "method", "rank", "model_version")
KEYWORD_TYPES = ("text", "float4", "text", "int4", "text")
ENTITY_COLUMNS = ("kind", "name", "mentions", "role")
ENTITY_TYPES = ("text", "text", "int4", "text")
FIGURE_COLUMNS = ("ordinal", "what", "value", "unit", "kind", "qualifier", "raw", "display_value",
                  "magnitude", "sentence")
FIGURE_TYPES = ("int4", "text", "numeric", "text", "text", "text", "text", "numeric", "text", "text")
VERSION_COLUMNS = ("article_id", "version", "content_hash", "kicker", "title", "subtitle", "body", "authors",
                   "parser", "parser_version", "raw_page_id")
VERSION_TYPES = ("int8", "int4", "text", "text", "text", "text", "text", "text[]", "text", "text", "int8")


def load_batch(conn: psycopg.Connection, results: list[PageResult]) -> int:
    """Write the batch; returns how many new article versions it recorded."""
    loaded = [r for r in results if r.status == "loaded"]
    with conn.transaction():
        cursor = conn.cursor(row_factory=tuple_row)
        found = cursor.execute(query("stored_articles"), {"urls": [r.url for r in loaded]},
                               binary=True).fetchall()  # binary: a real is read back exactly as stored
        stored = {row[0]: row[1:] for row in found}
        if len({r.url for r in loaded}) < len(loaded):  # the merge rejects a URL twice, as it always did
            new, merge = [], loaded
        else:
            new = [r for r in loaded if r.url not in stored]
            merge = _differing(cursor, [r for r in loaded if r.url in stored], stored)
        versions = 0
        if new:
            try:
                with conn.transaction():
                    versions += _copy_new(cursor, new)
            except psycopg.errors.UniqueViolation:  # stored meanwhile by another load, or a key repeated
                merge = new + merge
        if merge:
            versions += _merge(cursor, merge)
        cursor.execute(query("record_processing"), {
            "raw_page_ids": [r.raw_page_id for r in results], "parsers": [r.parser for r in results],
            "parser_versions": [r.parser_version for r in results], "statuses": [r.status for r in results],
            "urls": [r.url for r in results], "messages": [r.skip_reason for r in results]})
    return versions


def _copy_new(cursor: psycopg.Cursor, new: list[PageResult]) -> int:
    """Articles no row has yet, with their version 1 and detail rows: plain COPYs, nothing to compare."""
    ids = [i for (i,) in cursor.execute(query("next_article_ids"), {"n": len(new)})]
    _copy(cursor, "articles", ("id", *ARTICLE_COLUMNS), ("int8", *ARTICLE_TYPES),
          ((i, *_article_row(r)) for i, r in zip(ids, new, strict=True)))
    _copy(cursor, "article_versions", VERSION_COLUMNS, VERSION_TYPES,
          (_version_row(i, r) for i, r in zip(ids, new, strict=True)))
    _copy_details(cursor, list(zip(ids, new, strict=True)), "article_id")
    return len(new)


def _merge(cursor: psycopg.Cursor, results: list[PageResult]) -> int:
    """Stored articles that differ: stage them, then the merge queries decide what changes."""
    cursor.execute(query("create_article_staging"))
    _copy(cursor, "articles_staging", ARTICLE_COLUMNS, ARTICLE_TYPES, (_article_row(r) for r in results))
    _copy_details(cursor, [(r.url, r) for r in results], "url", staging=True)
    cursor.execute(query("merge_articles"))
    versions = cursor.execute(query("record_article_versions")).rowcount
    cursor.execute(query("merge_keywords"))
    cursor.execute(query("merge_entities_figures"))
    return versions


def _copy_details(cursor: psycopg.Cursor, keyed: list[tuple], key: str, staging: bool = False) -> None:
    """Keywords, entities and figures of (key, result) pairs, into their tables or staging tables."""
    key_type = "int8" if key == "article_id" else "text"
    for (table, staged), columns, types, rows in (
            (("article_keywords", "keywords_staging"), KEYWORD_COLUMNS, KEYWORD_TYPES, _keyword_rows),
            (("article_entities", "entities_staging"), ENTITY_COLUMNS, ENTITY_TYPES, _entity_rows),
            (("article_figures", "figures_staging"), FIGURE_COLUMNS, FIGURE_TYPES, _figure_rows)):
        _copy(cursor, staged if staging else table, (key, *columns), (key_type, *types),
              ((k, *row) for k, r in keyed for row in rows(r)))


def _copy(cursor: psycopg.Cursor, table: str, columns: tuple, types: tuple, rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _differing(cursor: psycopg.Cursor, results: list[PageResult], stored: dict) -> list[PageResult]:
    """The stored articles that the merge would change: their row, their newest version or details."""
    candidates = {}
    for r in results:
        article_id, first_seen_at, newest_version, *columns, images, cleaning = stored[r.url]
        columns += [_canonical_json(images), _canonical_json(cleaning)]
        if (newest_version == r.article.content_hash and tuple(columns) == _compared(r)
                and not _earlier(r.first_seen_at, first_seen_at)):
            candidates[article_id] = r
    if not candidates:
        return results
    ids = list(candidates)
    details = {i: (set(), set(), set()) for i in ids}
    for n, name in enumerate(("stored_keywords", "stored_entities", "stored_figures")):
        for article_id, *row in cursor.execute(query(name), {"ids": ids}, binary=True).fetchall():
            details[article_id][n].add(tuple(row))
    unchanged = {id(r) for i, r in candidates.items() if details[i] == _details(r)}
    return [r for r in results if id(r) not in unchanged]


def _compared(r: PageResult) -> tuple:
    """What merge_articles compares, in the order of stored_articles.sql, as the stored values read back."""
    a = r.article
    return (a.content_hash, a.parser, a.parser_version, r.raw_page_id, a.channel, a.page_no, a.page_name,
            a.published_at, a.published_at_source, a.source, a.authors, a.photographers, a.editor, a.lead,
            a.encoding_declared, a.encoding_used, _real(a.garble_ratio), *(r.tokens or (None, None, None)),
            r.nlp_version, _canonical_json(a.images), _canonical_json(a.cleaning))


def _details(r: PageResult) -> tuple[set, set, set]:
    """The detail rows as stored_keywords/entities/figures.sql read them back."""
    keywords = {(method, keyword, _real(weight), rank, version) for keyword, weight, method, rank, version
                in _keyword_rows(r)}
    return keywords, set(_entity_rows(r)), set(_figure_rows(r))


def _earlier(new: datetime, stored: datetime) -> bool:
    """Whether first_seen_at would move back (a naive time cannot be compared here: say yes)."""
    return new.tzinfo is None or new < stored


def _canonical_json(value) -> str | object:
    """The same text only for JSON values jsonb holds as equal (1 and 1.0 differ here, which only costs
    a merge); an object equal to nothing when the value has no such text (keys of mixed types)."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return object()


def _real(value: float) -> float:
    """The value a binary COPY into a real column stores (the nearest single); NaN, equal to nothing,
    when it cannot be stored."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except (OverflowError, struct.error, TypeError):
        return math.nan


def _article_row(result: PageResult) -> tuple:
    a = result.article
    return (
        result.url, a.site, a.doc_id, a.channel, a.page_no, a.page_name, a.kicker, a.title,
        a.subtitle, a.published_at, a.published_at_source, a.source, a.authors, a.photographers,
        a.editor, a.lead, a.body, a.paragraphs, Jsonb(a.images), a.char_count, a.parser,
        a.parser_version, a.content_hash, Jsonb(a.cleaning), a.original_text,
        a.encoding_declared, a.encoding_used, a.garble_ratio, result.first_seen_at,
        result.raw_page_id, *(result.tokens or (None, None, None)), result.minhash,
        result.nlp_version,
    )


def _version_row(article_id: int, r: PageResult) -> tuple:
    a = r.article
    return (article_id, 1, a.content_hash, a.kicker, a.title, a.subtitle, a.body, a.authors, a.parser,
            a.parser_version, r.raw_page_id)


def _keyword_rows(r: PageResult):
    for method, version, found in r.keywords:
        for rank, (keyword, weight) in enumerate(found, start=1):
            yield keyword, weight, method, rank, version


def _entity_rows(r: PageResult):
    for e in r.entities:
        yield e.kind, e.name, e.mentions, e.role


def _figure_rows(r: PageResult):
    for n, f in enumerate(r.figures, start=1):
        yield n, f.what, f.value, f.unit, f.kind, f.qualifier, f.raw, f.display_value, f.magnitude, f.sentence
