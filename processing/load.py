"""Write one processed batch in one transaction: COPY into staging tables, then merge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from processing import settings
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
    keywords: list[tuple[str, float]] = field(default_factory=list)
    skip_reason: str | None = None


ARTICLE_COLUMNS = (
    "url", "site", "doc_id", "channel", "title", "published_at", "source", "authors", "body",
    "paragraphs", "char_count", "parser", "parser_version", "content_hash", "first_seen_at",
    "raw_page_id",
)


def load_batch(conn: psycopg.Connection, results: list[PageResult]) -> None:
    with conn.transaction():
        conn.execute(query("create_article_staging"))
        cursor = conn.cursor()
        with cursor.copy(f"COPY articles_staging ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            for result in results:
                if result.article:
                    copy.write_row(_article_row(result))
        with cursor.copy("COPY keywords_staging (url, keyword, weight, method, rank) FROM STDIN") as copy:
            for result in results:
                for rank, (keyword, weight) in enumerate(result.keywords, start=1):
                    copy.write_row((result.url, keyword, weight, settings.KEYWORD_METHOD, rank))
        with cursor.copy(
            "COPY processing_staging (raw_page_id, parser, parser_version, status, url, message) FROM STDIN"
        ) as copy:
            for r in results:
                status = "loaded" if r.article else "skipped"
                copy.write_row((r.raw_page_id, r.parser, r.parser_version, status, r.url, r.skip_reason))
        conn.execute(query("merge_articles"))
        conn.execute(query("merge_keywords"))
        conn.execute(query("record_processing"))


def _article_row(result: PageResult) -> tuple:
    a = result.article
    return (
        result.url, a.site, a.doc_id, a.channel, a.title, a.published_at, a.source, a.authors,
        a.body, a.paragraphs, a.char_count, a.parser, a.parser_version, a.content_hash,
        result.first_seen_at, result.raw_page_id,
    )
