"""Full-text search over jieba tokens (PostgreSQL side: sql/migrations/0009_add_article_search.sql).

Articles are indexed with jieba's search mode, which also emits the shorter words inside a long
one (锡山区 → 锡山, 山区, 锡山区), so a search for 锡山 finds them. A query is segmented in
precise mode and every word must occur. Both go through the same dictionaries; the version is
stored with the tokens (``articles.tokens_version``), so a dictionary change shows which rows
to rebuild with ``wxrb reprocess``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import psycopg

from processing import nlp

# A token worth indexing holds a letter, digit or Han character: punctuation and spaces are not.
WORD = re.compile(r"\w")
TOKENIZER = "jieba-0.42.1-search"


@dataclass
class Hit:
    article_id: int
    url: str
    title: str
    published_at: datetime | None
    site: str
    channel: str | None
    rank: float


def index_tokens(text: str) -> str:
    """Search-mode tokens of ``text``, separated by spaces (what to_tsvector('simple') splits on)."""
    return " ".join(token for token in nlp.search_segment(text) if WORD.search(token))


def query_words(query: str) -> str:
    """A user's phrase as space-separated words: 锡山区专精特新 → 锡山区 专精特新."""
    return " ".join(token for token in nlp.segment(query) if WORD.search(token))


def tokens_version() -> str:
    return f"{TOKENIZER} / {nlp.dictionary_version()}"


def search(conn: psycopg.Connection, query: str, since: date | None = None, until: date | None = None,
           limit: int = 20) -> list[Hit]:
    """Ranked articles matching every word of ``query`` (published_at dates in Asia/Shanghai)."""
    words = query_words(query)
    if not words:
        return []
    rows = conn.execute("SELECT * FROM search_articles(%s, %s, %s, %s)", [words, since, until, limit])
    return [Hit(*row) for row in rows]
