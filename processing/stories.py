"""Story clusters in the database: copies of one story (portal and print) share ``story_id``.

Runs after each processing pass. Articles without a story (new ones, and those whose content
changed) are matched against the articles published within ``STORY_WINDOW_DAYS`` of them,
using their stored MinHash signatures and ``processing.dedup``'s fact check; the story id is the
smallest article id of the cluster, so it never depends on the order of processing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import psycopg

from processing import dedup
from processing.sql import query

log = logging.getLogger(__name__)

# Reprints run the same day or the next; a wider window costs memory and finds nothing more.
STORY_WINDOW_DAYS = 3


def article_text(title: str, paragraphs: list[str]) -> str:
    """What dedup compares: the title on the first line, then the paragraphs."""
    return "\n".join([title, *paragraphs])


def cluster_new(conn: psycopg.Connection) -> int:
    """Give every unclustered article its story; returns how many rows were updated."""
    span = conn.execute(query("unclustered_span")).fetchone()
    if span is None or span[0] is None:
        return 0
    since, until = span[0] - timedelta(days=STORY_WINDOW_DAYS), span[1] + timedelta(days=STORY_WINDOW_DAYS)
    rows = conn.execute(query("articles_for_clustering"), {"since": since, "until": until}).fetchall()
    index = dedup.StoryIndex()
    existing, new = {}, []
    for article_id, story_id, title, paragraphs, minhash in rows:
        if story_id is None:
            new.append((article_id, article_text(title, paragraphs)))
        else:
            index.add(article_id, article_text(title, paragraphs),
                      dedup.signature_from_bytes(bytes(minhash)) if minhash else None)
            existing[article_id] = story_id
    assigned = index.assign(sorted(new), existing)
    with conn.transaction():
        with conn.cursor() as cursor:
            cursor.executemany("UPDATE articles SET story_id = %s WHERE id = %s",
                               [(story, article) for article, story in assigned.items()])
    log.info("story clusters: %d articles assigned (%d new) within %s..%s", len(assigned), len(new),
             since.date(), until.date())
    return len(assigned)
