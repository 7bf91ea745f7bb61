"""Chinese text processing with jieba: segmentation and keywords.

jieba builds its prefix dictionary on first use (about a second); it is loaded lazily, once
per process, so importing this module (e.g. while Airflow parses a DAG file) costs nothing.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from processing import settings

# Place and institution names of Wuxi that jieba's general dictionary splits (新吴区 -> 新/吴区).
# The full, versioned dictionary is the text-intelligence work; this is its seed.
USER_DICT = Path(__file__).resolve().parent / "data" / "wuxi_userdict.txt"

# Keywords worth keeping: two or more CJK characters, or a Latin/number term like 5G or G312.
KEYWORD_SHAPE = re.compile(r"^([\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9]{1,})$")


@functools.cache
def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.load_userdict(str(USER_DICT))
    return jieba


def segment(text: str) -> list[str]:
    """Tokens in order, whitespace dropped (precise mode)."""
    return [token for token in _jieba().lcut(text) if token.strip()]


def keywords(text: str, top_k: int = settings.KEYWORDS_PER_ARTICLE) -> list[tuple[str, float]]:
    """(keyword, weight) by TF-IDF, strongest first."""
    analyse = _jieba().analyse
    found = analyse.extract_tags(text, topK=top_k * 2, withWeight=True)
    return [(word, float(weight)) for word, weight in found if KEYWORD_SHAPE.match(word)][:top_k]
