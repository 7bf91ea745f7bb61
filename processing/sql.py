"""Named queries: every SQL statement lives in a file under sql/queries/."""

from __future__ import annotations

import functools
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent.parent / "sql" / "queries"


@functools.cache
def query(name: str) -> str:
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
