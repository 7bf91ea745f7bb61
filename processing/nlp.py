"""Chinese text processing with jieba: segmentation and keywords.

jieba builds its prefix dictionary on first use (about a second); it is loaded lazily, once
per process, so importing this module (e.g. while Airflow parses a DAG file) costs nothing.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from pathlib import Path

from processing import dictionaries, settings

# Parts of speech TextRank ranks: place (ns), organisation (nt), other proper (nz) names, nouns, verbal nouns.
TEXTRANK_POS = ("ns", "nt", "nz", "n", "vn")

# Keywords worth keeping: two or more CJK characters, or a Latin/number term like 5G or G312.
KEYWORD_SHAPE = re.compile(r"^([\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9]{1,})$")


@functools.cache
def _jieba():
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    dictionaries.load_into(jieba)
    jieba.analyse.default_tfidf.stop_words |= dictionaries.stopwords()
    return jieba


def segment(text: str) -> list[str]:
    """Tokens in order, whitespace dropped (precise mode)."""
    return [token for token in words(text) if token.strip()]


def search_segment(text: str) -> list[str]:
    """Tokens for a search index: jieba's search mode also emits the words inside a long one
    (锡山区 -> 锡山, 山区, 锡山区), so a shorter query finds it.

    Search mode is the precise cut plus, before each word longer than two (three) characters,
    its two-character (three-character) pieces that are dictionary words: built here on
    ``words``, so an article's title and body reuse the cut its TF-IDF keywords made.
    """
    known = _jieba().dt.FREQ
    tokens = []
    for word in words(text):
        if not word.strip():
            continue
        if len(word) > 2:
            tokens += [gram for gram in _pieces(word, 2) if known.get(gram)]
        if len(word) > 3:
            tokens += [gram for gram in _pieces(word, 3) if known.get(gram)]
        tokens.append(word)
    return tokens


def _pieces(word: str, size: int) -> list[str]:
    return [word[start:start + size] for start in range(len(word) - size + 1)]


def words(text: str) -> list[str]:
    """jieba's precise cut of ``text``, one line at a time.

    A newline always ends one of jieba's blocks, so cutting line by line gives the tokens of
    cutting the whole text (only a "\r\n" across lines comes out as two whitespace tokens).
    The lines' cuts are kept: enrichment cuts the article text for TF-IDF, then its title
    and its body (the same lines) for the search tokens, and jieba runs once per line.
    """
    _jieba()  # the user dictionary and gazetteer names first
    tokens = []
    for number, line in enumerate(text.split("\n")):
        if number:
            tokens.append("\n")
        tokens += _line_words(line)
    return tokens


@functools.lru_cache(maxsize=1024)
def _line_words(line: str) -> tuple[str, ...]:
    return tuple(_jieba().cut(line))


def clear_caches() -> None:
    """Forget the kept cuts: a benchmark running the same pages again must not reuse them."""
    _line_words.cache_clear()
    _pos_tokens.cache_clear()


def dictionary_version() -> str:
    """Versions of the user dictionary, stopwords and gazetteer (processing/data)."""
    return dictionaries.version()


def keywords(text: str, top_k: int = settings.KEYWORDS_PER_ARTICLE, idf_path: Path | None = None
             ) -> list[tuple[str, float]]:
    """(keyword, weight) by TF-IDF, strongest first; stopwords (processing/data) never count.
    ``idf_path``: a corpus IDF file (processing.idf); jieba's bundled table when None."""
    extractor = _tfidf(idf_path) if idf_path else _bundled_tfidf()
    return _kept(extractor.extract_tags(text, topK=top_k * 2, withWeight=True), top_k)


def pos_tokens(text: str) -> tuple:
    """jieba's part-of-speech segmentation (``posseg``: pairs with ``.word`` and ``.flag``), in order.

    It is the costliest step of enrichment, and TextRank and the entity extractor each need it
    for the same article text: the last few results are kept, so an article is segmented once.
    """
    _jieba()  # the user dictionary and gazetteer names first
    return _pos_tokens(text)


@functools.lru_cache(maxsize=8)
def _pos_tokens(text: str) -> tuple:
    import jieba.posseg

    return tuple(jieba.posseg.cut(text))


def textrank(text: str, top_k: int = settings.KEYWORDS_PER_ARTICLE) -> list[tuple[str, float]]:
    """(keyword, weight) by jieba's TextRank over nouns, names and verbal nouns, strongest first."""
    found = _textrank().textrank(text, topK=top_k * 2, withWeight=True, allowPOS=TEXTRANK_POS)
    return _kept(found, top_k)


class _CachedTokenizer:
    """Stands in for ``jieba.dt`` inside TF-IDF, so that it reuses ``words``."""

    def cut(self, text: str) -> list[str]:
        return words(text)


class _CachedPosTokenizer:
    """Stands in for ``jieba.posseg.dt`` inside TextRank, so that it reuses ``pos_tokens``."""

    def cut(self, text: str) -> tuple:
        return pos_tokens(text)


@functools.cache
def _textrank():
    """jieba's TextRank with its default stopwords, segmenting through ``pos_tokens``."""
    analyse = _jieba().analyse
    extractor = analyse.TextRank()
    extractor.tokenizer = extractor.postokenizer = _CachedPosTokenizer()
    extractor.stop_words = set(analyse.default_textrank.stop_words)
    return extractor


def _kept(found, top_k: int) -> list[tuple[str, float]]:
    stop = dictionaries.stopwords()
    kept = [(word, float(weight)) for word, weight in found if KEYWORD_SHAPE.match(word) and word not in stop]
    return kept[:top_k]


@functools.cache
def _bundled_tfidf():
    """jieba's default TF-IDF extractor (bundled IDF table, shared) segmenting through ``words``."""
    extractor = copy.copy(_jieba().analyse.default_tfidf)
    extractor.tokenizer = _CachedTokenizer()
    return extractor


@functools.cache
def _tfidf(idf_path: Path):
    """A TF-IDF extractor on a corpus IDF file, sharing the loaded dictionaries and stopwords."""
    analyse = _jieba().analyse
    extractor = analyse.TFIDF(str(idf_path))
    extractor.tokenizer = _CachedTokenizer()
    extractor.stop_words = set(analyse.default_tfidf.stop_words)
    return extractor
