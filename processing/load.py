"""Write one processed batch in one transaction: COPY into staging tables, then merge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import psycopg
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


ARTICLE_COLUMNS = (
    "url", "site", "doc_id", "channel", "page_no", "page_name", "kicker", "title", "subtitle",
    "published_at", "published_at_source", "source", "authors", "photographers", "editor", "lead",
    "body", "paragraphs", "images", "char_count", "parser", "parser_version", "content_hash",
    "cleaning", "original_text", "encoding_declared", "encoding_used", "garble_ratio",
    "first_seen_at", "raw_page_id", "tokens_version", "title_tokens", "body_tokens", "minhash",
    "nlp_version",
)


def load_batch(conn: psycopg.Connection, results: list[PageResult]) -> int:
    """Write the batch; returns how many new article versions it recorded."""
    loaded = [r for r in results if r.status == "loaded"]
    with conn.transaction():
        conn.execute(query("create_article_staging"))
        cursor = conn.cursor()
        with cursor.copy(f"COPY articles_staging ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            for result in results:
                if result.status == "loaded":
                    copy.write_row(_article_row(result))
        with cursor.copy("COPY keywords_staging (url, keyword, weight, method, rank, model_version) FROM STDIN") as copy:
            for r in loaded:
                for method, version, found in r.keywords:
                    for rank, (keyword, weight) in enumerate(found, start=1):
                        copy.write_row((r.url, keyword, weight, method, rank, version))
        with cursor.copy(
            "COPY processing_staging (raw_page_id, parser, parser_version, status, url, message) FROM STDIN"
        ) as copy:
            for r in results:
                copy.write_row((r.raw_page_id, r.parser, r.parser_version, r.status, r.url, r.skip_reason))
        with cursor.copy("COPY entities_staging (url, kind, name, mentions, role) FROM STDIN") as copy:
            for r in loaded:
                for e in r.entities:
                    copy.write_row((r.url, e.kind, e.name, e.mentions, e.role))
        with cursor.copy(
            "COPY figures_staging (url, ordinal, what, value, unit, kind, qualifier, raw, display_value,"
            " magnitude, sentence) FROM STDIN"
        ) as copy:
            for r in loaded:
                for n, f in enumerate(r.figures, start=1):
                    copy.write_row((r.url, n, f.what, f.value, f.unit, f.kind, f.qualifier, f.raw,
                                    f.display_value, f.magnitude, f.sentence))
        conn.execute(query("merge_articles"))
        versions = conn.execute(query("record_article_versions")).rowcount
        conn.execute(query("merge_keywords"))
        conn.execute(query("merge_entities_figures"))
        conn.execute(query("record_processing"))
    return versions


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
