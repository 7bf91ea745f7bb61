"""The corpus IDF table: document frequencies of the articles' own jieba tokens.

jieba's bundled IDF table comes from a general corpus, where 企业 or 社区 are rare enough to top
every Wuxi article's keywords. ``compute`` counts, in the database, in how many articles each
token occurs and stores ``ln(articles / df)`` as a new version; ``latest`` hands the newest
version to jieba as an IDF file. Until the corpus holds ``MIN_ARTICLES``, keywords keep the
bundled table (method ``tfidf_jieba``).
"""

from __future__ import annotations

import functools
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from processing.sql import query

log = logging.getLogger(__name__)

MIN_ARTICLES = 50  # fewer articles give document frequencies that are mostly noise
KEEP_VERSIONS = 3  # older versions are deleted; keywords keep naming the version that made them


def compute(conn: psycopg.Connection) -> str | None:
    """Count document frequencies over every article; return the new version (None: too few)."""
    articles = conn.execute("SELECT count(*) FROM articles WHERE body_tokens IS NOT NULL").fetchone()[0]
    if articles < MIN_ARTICLES:
        log.info("corpus IDF not computed: %d articles, at least %d needed", articles, MIN_ARTICLES)
        return None
    version = f"{datetime.now(UTC):%Y%m%d%H%M%S%f}-{articles}"
    with conn.transaction():
        conn.execute("INSERT INTO corpus_idf_versions (version, articles, terms) VALUES (%s, %s, 0)",
                      [version, articles])
        terms = conn.execute(query("compute_corpus_idf"), {"version": version, "articles": articles}).rowcount
        conn.execute("UPDATE corpus_idf_versions SET terms = %s WHERE version = %s", [terms, version])
        conn.execute("DELETE FROM corpus_idf_versions WHERE version NOT IN"
                     " (SELECT version FROM corpus_idf_versions ORDER BY computed_at DESC, version DESC LIMIT %s)",
                     [KEEP_VERSIONS])
    log.info("corpus IDF %s: %d terms over %d articles", version, terms, articles)
    return version


def latest(conn: psycopg.Connection) -> tuple[str, Path] | None:
    """(version, IDF file for jieba) of the newest corpus IDF, or None when there is none."""
    row = conn.execute("SELECT version FROM corpus_idf_versions ORDER BY computed_at DESC, version DESC LIMIT 1"
                       ).fetchone()
    if row is None:
        return None
    version = row[0]
    path = _cache_dir() / f"idf-{version}.txt"
    if not path.exists():
        rows = conn.execute("SELECT term, idf FROM corpus_idf WHERE version = %s", [version])
        tmp = path.with_suffix(".part")
        tmp.write_text("".join(f"{term} {idf:.6f}\n" for term, idf in rows), encoding="utf-8")
        tmp.replace(path)
    return version, path


@functools.cache
def _cache_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="wxrb-idf-"))
