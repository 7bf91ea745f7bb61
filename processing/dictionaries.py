"""Wuxi-aware dictionaries as versioned data: jieba user dictionary, stopwords, gazetteer.

The files live in ``processing/data`` (see its README) and each opens with a header line
``# version: YYYY.MM.N``; ``version()`` combines the three so that stored tokens and entities
can name the dictionaries that produced them. Every file is read once per process.

锡 is deliberately not a stopword: alone it often means Wuxi (在锡举行, 来锡, 驻锡) and the
gazetteer lists it as an alias of 无锡市, matched only in those patterns (processing.entities).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
USER_DICT = DATA / "wuxi_userdict.txt"
STOPWORDS = DATA / "stopwords.txt"
GAZETTEER = DATA / "gazetteer.csv"

VERSION_HEADER = re.compile(r"^#\s*version:\s*(\S+)\s*$")
ALIAS_SEPARATOR = "|"
# Low, so that an alias never outweighs a common word (长安 stays as jieba knows it).
ALIAS_FREQUENCY = 50
PLACE_LEVELS = ("city", "district", "county_city", "town", "street", "place")


@dataclass(frozen=True)
class Place:
    name: str
    normalised: str
    level: str  # one of PLACE_LEVELS
    parent: str | None  # normalised name of the enclosing place
    aliases: tuple[str, ...]

    def ancestors(self) -> list[Place]:
        """Enclosing places, nearest first: 鹅湖镇 -> [锡山区, 无锡市]."""
        index = gazetteer_index()
        chain, parent = [], self.parent
        while parent:
            place = index[parent]
            chain.append(place)
            parent = place.parent
        return chain


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _data_lines(path: Path) -> list[str]:
    """Non-empty lines that are not ``#`` comments."""
    return [line for line in _lines(path) if line.strip() and not line.lstrip().startswith("#")]


def file_version(path: Path) -> str:
    """The ``# version: …`` of a data file's first line."""
    first = _lines(path)[0] if path.exists() else ""
    match = VERSION_HEADER.match(first)
    if not match:
        raise ValueError(f"{path.name}: first line must be '# version: …'")
    return match.group(1)


@functools.cache
def version() -> str:
    """e.g. ``userdict 2026.11.1 / stopwords 2026.11.1 / gazetteer 2026.11.1``."""
    files = (("userdict", USER_DICT), ("stopwords", STOPWORDS), ("gazetteer", GAZETTEER))
    return " / ".join(f"{label} {file_version(path)}" for label, path in files)


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _data_lines(STOPWORDS))


@functools.cache
def gazetteer() -> tuple[Place, ...]:
    rows = csv.DictReader(io.StringIO("\n".join(_data_lines(GAZETTEER))))
    return tuple(_place(row) for row in rows)


def _place(row: dict) -> Place:
    aliases = tuple(a.strip() for a in (row["aliases"] or "").split(ALIAS_SEPARATOR) if a.strip())
    if row["level"] not in PLACE_LEVELS:
        raise ValueError(f"gazetteer: {row['name']}: unknown level {row['level']!r}")
    return Place(row["name"], row["normalised"] or row["name"], row["level"], row["parent"] or None, aliases)


@functools.cache
def gazetteer_index() -> dict[str, Place]:
    """Places by normalised name."""
    return {place.normalised: place for place in gazetteer()}


def user_dict_text() -> str:
    """The user dictionary without comments, as ``jieba.load_userdict`` reads it."""
    return "\n".join(_data_lines(USER_DICT)) + "\n"


@functools.cache
def user_words(tag: str) -> frozenset[str]:
    """Words of the user dictionary with a POS tag, e.g. the curated organisations (``nt``)."""
    entries = (line.split() for line in _data_lines(USER_DICT))
    return frozenset(parts[0] for parts in entries if len(parts) == 3 and parts[2] == tag)


def load_into(jieba) -> None:
    """Add the user dictionary and the gazetteer's names and aliases to an initialised jieba."""
    jieba.load_userdict(io.BytesIO(user_dict_text().encode("utf-8")))
    for place in gazetteer():
        if len(place.name) >= 3:  # short names (太湖, 蠡湖) are in the user dict with a frequency
            jieba.add_word(place.name, tag="ns")
        for alias in place.aliases:  # 鸿山 in 缓解了鸿山等 (else HMM makes 了鸿山 a name)
            if len(alias) >= 2 and not jieba.dt.FREQ.get(alias):
                jieba.add_word(alias, freq=ALIAS_FREQUENCY, tag="ns")
