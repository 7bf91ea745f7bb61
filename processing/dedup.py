"""Near-duplicate articles grouped into stories: the portal story and its print reprint are one.

Pure and database-free. A text is an article's title and paragraphs, one per line
(``title + "\\n" + "\\n".join(paragraphs)``). Two texts are the same story when

1. their MinHash estimate of the Jaccard similarity of 5-character shingles reaches
   ``JACCARD_THRESHOLD`` (MinHashLSH only finds the candidates), and
2. they do not contradict each other: aligned line by line, one text may add or drop
   characters (a subtitle folded into the title, an extra paragraph, a reordered title), but
   no span may say something else in the same place (``12种`` / ``5种``, ``马山`` / ``周铁镇``).

Step 2 exists because local news reuses templates: on the replica, different stories of one
template reach a Jaccard of 0.96, higher than a real reprint with an extra paragraph (0.88).
Shingles are characters, not jieba tokens: Chinese has no spaces, characters need no
dictionary, and on the replica both give the same separation (tests/processing/test_dedup.py).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from typing import NamedTuple

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE_SIZE = 5  # characters per shingle; 5 keeps common 2-4 character words from matching alone
NUM_PERM = 128  # MinHash permutations: 1 KB per signature, estimate error ~0.03 near J = 0.85
# Stored signatures are only comparable with the same seed and permutation scheme (datasketch 2.0
# defaults to affine32 and refuses to rebuild hash values without being told the scheme).
SIGNATURE_SEED = 1
SIGNATURE_SCHEME = "affine32"
# LSH recall floor: pairs from here up become candidates. Well below JACCARD_THRESHOLD so that
# the banding (and the estimate's noise) loses no pair that the final test would keep.
LSH_THRESHOLD = 0.5
# Final test on the estimated Jaccard. A reprint with one extra paragraph scores 0.88 on the
# replica; 0.7 leaves room for shorter stories, and the contradiction check keeps precision.
JACCARD_THRESHOLD = 0.7
# An equal run shorter than this does not separate two edits: 500 -> 450 aligns as
# "+4, =5, -0", which is one substitution, not an insertion and a deletion.
MIN_ANCHOR = 3
# Lines of two texts are compared character by character only if they are this similar;
# otherwise one is a dropped line and the other an added one (an extra paragraph).
LINE_PAIR_RATIO = 0.5
# Print says 我市 where the portal says 无锡 (replica/README.md, title_reworded).
EDITORIAL_SYNONYMS = (("无锡市", "我市"), ("无锡", "我市"))
# A reprint may cut, extend or reorder its headline, but keeps most of its wording: at least this
# share of the shorter title's character bigrams must be in the other title.
TITLE_CONTAINMENT = 0.5
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # with sign and decimals: -1℃ is not 1℃, 3.9% 104个 is not 39104


def normalize(text: str) -> str:
    """Letters and digits only (NFKC: full-width digits become ASCII); no spaces, no punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")


def shingles(text: str) -> set[str]:
    """SHINGLE_SIZE-character shingles of the normalized text (the whole text if shorter)."""
    chars = normalize(text)
    return {chars[i : i + SHINGLE_SIZE] for i in range(max(1, len(chars) - SHINGLE_SIZE + 1))}


@functools.cache
def _permutations() -> np.ndarray:
    """The permutation parameters every signature shares (fixed seed and scheme): drawn once per
    process rather than for each MinHash, which datasketch does when it is not given them."""
    return MinHash(num_perm=NUM_PERM, seed=SIGNATURE_SEED, scheme=SIGNATURE_SCHEME).permutations


def signature(text: str) -> MinHash:
    """MinHash of the text's shingles; equal texts give equal signatures in every process."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SIGNATURE_SEED, scheme=SIGNATURE_SCHEME,
                      permutations=_permutations())
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles(text))])
    return minhash


def signature_bytes(text: str) -> bytes:
    """The signature as NUM_PERM little-endian uint64 values (for a bytea column)."""
    return signature_to_bytes(signature(text))


def signature_to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype("<u8").tobytes()


def signature_from_bytes(data: bytes) -> MinHash:
    hashvalues = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return MinHash(num_perm=NUM_PERM, seed=SIGNATURE_SEED, hashvalues=hashvalues, scheme=SIGNATURE_SCHEME,
                   permutations=_permutations())


def same_story(a_text: str, b_text: str) -> bool:
    similar = signature(a_text).jaccard(signature(b_text)) >= JACCARD_THRESHOLD
    return similar and not contradicts(a_text, b_text)


def contradicts(a_text: str, b_text: str) -> bool:
    """True when the texts tell different facts; the first line of each is its title.

    Titles must share most of their wording (TITLE_CONTAINMENT); then the titles, and each pair
    of similar body lines, may only gain or lose characters, never swap them, and the numbers of
    one line must all be in the other.
    """
    a_lines, b_lines = _fact_lines(a_text), _fact_lines(b_text)
    if not a_lines or not b_lines:
        return False
    if _containment(a_lines[0].chars, b_lines[0].chars) < TITLE_CONTAINMENT:
        return True
    pairs = [(a_lines[0], b_lines[0]), *_paired_body_lines(a_lines[1:], b_lines[1:])]
    return any(_has_substitution(a, b) or not _numbers_nest(a, b) for a, b in pairs)


class _Line(NamedTuple):
    chars: str  # normalize()d, with EDITORIAL_SYNONYMS made canonical
    numbers: tuple[str, ...]  # signed numbers as printed: 3.9, 104, -1


def _fact_lines(text: str) -> list[_Line]:
    lines = []
    for line in unicodedata.normalize("NFKC", text).splitlines():
        chars = normalize(line)
        for variant, canonical in EDITORIAL_SYNONYMS:
            chars = chars.replace(variant, canonical)
        if chars:
            lines.append(_Line(chars, tuple(NUMBER.findall(line.replace("−", "-")))))
    return lines


def _containment(a_line: str, b_line: str) -> float:
    """Share of the shorter line's character bigrams found in the other line."""
    a_grams, b_grams = _bigrams(a_line), _bigrams(b_line)
    shorter, longer = sorted((a_grams, b_grams), key=len)
    return len(shorter & longer) / len(shorter) if shorter else 1.0


def _bigrams(line: str) -> set[str]:
    return {line[i : i + 2] for i in range(len(line) - 1)} or ({line} if line else set())


def _paired_body_lines(a_lines: list[_Line], b_lines: list[_Line]) -> list[tuple[_Line, _Line]]:
    """Changed body lines paired with their most similar counterpart; the rest are added or dropped."""
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    pairs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            pairs += _best_pairs(a_lines[i1:i2], b_lines[j1:j2])
    return pairs


def _best_pairs(a_lines: list[_Line], b_lines: list[_Line]) -> list[tuple[_Line, _Line]]:
    """Greedy by similarity: each line in at most one pair, pairs at least LINE_PAIR_RATIO alike."""
    scored = []
    for i, a_line in enumerate(a_lines):
        for j, b_line in enumerate(b_lines):
            ratio = difflib.SequenceMatcher(None, a_line.chars, b_line.chars, autojunk=False).ratio()
            if ratio >= LINE_PAIR_RATIO:
                scored.append((-ratio, i, j))
    used_a, used_b, pairs = set(), set(), []
    for _ratio, i, j in sorted(scored):
        if i not in used_a and j not in used_b:
            used_a.add(i), used_b.add(j)
            pairs.append((a_lines[i], b_lines[j]))
    return pairs


def _numbers_nest(a_line: _Line, b_line: _Line) -> bool:
    """One line's numbers are among the other's: 11月9日 -> 11月19日 is an insertion but not nesting."""
    a_numbers, b_numbers = Counter(a_line.numbers), Counter(b_line.numbers)
    return a_numbers <= b_numbers or b_numbers <= a_numbers


def _has_substitution(a_line: _Line, b_line: _Line) -> bool:
    """Some edit region (edits joined across equal runs shorter than MIN_ANCHOR) changes both sides."""
    matcher = difflib.SequenceMatcher(None, a_line.chars, b_line.chars, autojunk=False)
    removed = added = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and i2 - i1 >= MIN_ANCHOR:
            removed = added = 0
            continue
        if tag != "equal":
            removed, added = removed + (i2 - i1), added + (j2 - j1)
        if removed and added:
            return True
    return False


class StoryIndex:
    """Articles seen so far, searchable for the same story.

    Keeps each text, because the contradiction check needs it; for the daily job, load a window
    of recent days (reprints run on the same day or the next).
    """

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[Hashable, MinHash] = {}
        self._texts: dict[Hashable, str] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, article_id: Hashable) -> bool:
        return article_id in self._texts

    def add(self, article_id: Hashable, text: str, minhash: MinHash | None = None) -> None:
        """Index one article; ``minhash`` saves recomputing a stored signature."""
        if article_id in self._texts:
            raise ValueError(f"article {article_id!r} is already indexed")
        minhash = minhash if minhash is not None else signature(text)
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = minhash
        self._texts[article_id] = text

    def query(self, text: str, minhash: MinHash | None = None) -> list[tuple[Hashable, float]]:
        """(article_id, estimated Jaccard) of the indexed same-story articles, best first."""
        minhash = minhash if minhash is not None else signature(text)
        found = []
        for article_id in self._lsh.query(minhash):
            score = minhash.jaccard(self._signatures[article_id])
            if score >= JACCARD_THRESHOLD and not contradicts(text, self._texts[article_id]):
                found.append((article_id, score))
        return sorted(found, key=lambda pair: (-pair[1], str(pair[0])))

    def assign(
        self,
        new_items: Iterable[tuple[Hashable, str]],
        existing: Mapping[Hashable, Hashable] | None = None,
    ) -> dict[Hashable, Hashable]:
        """Index ``new_items`` and give them clusters; ``existing`` maps indexed ids to cluster ids.

        The cluster id is the smallest article id of the cluster, so a new article that joins
        two existing clusters merges them: the result also holds every existing article whose
        cluster id changed (rows to update). Existing clusters are trusted, not re-checked.
        """
        existing = existing or {}
        forest = _UnionFind()
        for article_id, cluster_id in existing.items():
            forest.union(article_id, cluster_id)
        new_ids = []
        for article_id, text in new_items:
            minhash = signature(text)
            for other_id, _score in self.query(text, minhash):
                forest.union(article_id, other_id)
            self.add(article_id, text, minhash)
            forest.find(article_id)
            new_ids.append(article_id)
        changed = {
            article_id for article_id, cluster_id in existing.items() if forest.find(article_id) != cluster_id
        }
        return {article_id: forest.find(article_id) for article_id in [*new_ids, *sorted(changed, key=str)]}


def clusters(items: Iterable[tuple[Hashable, str]]) -> dict[Hashable, Hashable]:
    """article_id -> cluster id (the smallest article id of its story) for a whole batch."""
    return StoryIndex().assign(items)


class _UnionFind:
    """Disjoint sets whose representative is always the smallest member."""

    def __init__(self) -> None:
        self._parent: dict[Hashable, Hashable] = {}

    def find(self, item: Hashable) -> Hashable:
        self._parent.setdefault(item, item)
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: Hashable, b: Hashable) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b))
            self._parent[high] = low
