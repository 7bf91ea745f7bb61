"""Mechanical repair of the damage mirror sites do to wxrb text (docs: wxrb-site.md §3).

Two kinds of damage, both produced by a program and undone by one:

1. **Pinyin notes.** A character followed by its reading in ASCII parentheses: ``區(qū)``,
   ``發(fā)展``; the rarer shape puts toneless pinyin after nearly every character, sometimes
   twice: ``經(jing)濟(ji)``, ``價(jia)(jia)``. A note is a note only when its letters are a
   reading of the character right before it, so ``(街道)``, ``(東亭段)``, ``(C)`` and ``(AI)`` stay.

2. **Byte-shifted GBK mojibake.** The annotator worked on GBK bytes, so it also matched a
   "character" made of the last byte of one character and the first byte of the next, inserted
   ``(pinyin)`` between them, and the page was then decoded with everything after it one byte off.
   The mirror's decoder turns a lead byte that has no valid trail byte into ``?`` and, in the
   seed, swallows the ASCII byte that followed it (``(``, ``&``, ``<``). Decoding realigns at the
   next ASCII byte, so the damage is a short *stretch*: a ``?``, a head, a run of shifted
   characters and a closing ``?``.

What the seed (replica/data/seed_article.txt) shows, worked out by re-encoding by hand; the
test module's mirror simulation reproduces the first stretch byte for byte:

- ``形神兼?zhèn)?rdquo;為導向`` was ``形神兼備&rdquo;為導向``. GBK: ``兼`` = BC E6, ``備`` = 82 E4, and
  E6 82 is ``鎮`` (zhèn): the annotator inserted ``(zhèn)`` after it, inside ``兼備``. The decoder
  read 82 + ``(`` as one bad pair (``?``), the letters, then E4 + ``&`` as another (``?``). The
  pinyin pins the first lost byte to 81 or 82 (E6 81 鎭, E6 82 鎮, both zhèn); the second is free.
  Of the plausible characters that gives, jieba's dictionary cannot decide (兼备 and 兼并 are both
  words); pypinyin's phrase list has the idiom 形神兼备, and only ``備`` makes a 4-character word,
  so it is chosen. The swallowed ``&`` is put back because ``rdquo;`` is an entity name.
- ``根基?!。ㄒ鼤煟?/p>`` was ``根基。　（尹暉）</p>``: the byline, after an ideographic space.
  GBK: ``。`` = A1 A3, ``　`` = A1 A1, so the bytes held A3 A1, which is ``！``; a ``！`` → ``!``
  replacement turned ``。　`` into A1 21 A1, read as ``?``, ``!`` (not swallowed this time), and
  then, one byte off, ``。ㄒ鼤煟`` = A1A3 A8D2 FC95 9FA3. Re-encoding that run behind the A1 left
  over from ``　`` decodes as ``　（尹暉`` plus a dangling A3; the closing ``?`` is A3's partner
  (A9, with the ``<`` of ``</p>`` swallowed), and of the A3 xx characters only ``）`` closes the
  open ``（``. §3.2 describes the same ``?!`` for ``。“``, so ``?!`` is read as ``。`` + A1.

So the seed has two stretches, both recovered, nothing dropped; its other 105 notes are aligned
ones (``區(qū)``) that ``strip_pinyin_notes`` removes.

Each repaired stretch is reported as (garbled, recovered). A byte that nothing pins down (no
pinyin, no bracket to close, no word of 4+ characters) leaves its character out, counted as
dropped. A stretch that is certainly damage (a swallowed ``(`` before pinyin, or bopomofo) but
does not decode into plausible text is deleted and its characters counted. A ``?`` whose
neighbourhood does not read as shifted (an English question, ``?q=1``, ``吗?我``), or whose
shifted reading is not fully plausible, is left alone.

How well it works: inserting an annotation at each of the 890 cross-boundary positions of the
seed's body and decoding the way the seed's mirror did, 342 sentences come back whole and 548
one or two characters short (those characters counted as dropped); none comes back wrong.
Not handled: a decoder that also swallowed a non-ASCII byte after a bad lead would leave the
text shifted past the closing mark, and that rest is not followed.
"""

from __future__ import annotations

import functools
import html
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from processing.clean import to_simplified

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PINYIN_LETTERS = "a-zA-Z\u00c0-\u024f"
NOTE = rf"\((?P<note>[{PINYIN_LETTERS}]+[1-5]?)\)"

# A Han character followed by one or more ASCII-parenthesised Latin words: 區(qū), 價(jia)(jia).
NOTED_CHAR = re.compile(rf"(?P<han>[{HAN}])(?P<notes>(?:\([{PINYIN_LETTERS}]+[1-5]?\))+)")
ONE_NOTE = re.compile(NOTE)

# A damaged stretch: mark, head, run of shifted characters, closing mark. The mark is what a
# GBK decoder leaves for a byte it cannot read: ASCII ? on the mirrors, U+FFFD in Python.
#   head: a pinyin note whose "(" the decoder swallowed (兼?zhèn)…), or the "!" left by a
#   ！→! replacement (根基?!。ㄒ…, §3.2).
STRETCH = re.compile(
    r"(?P<left>[?\ufffd])"
    rf"(?P<head>\(?(?P<pinyin>[{PINYIN_LETTERS}]+[1-5]?)\)|!(?=[^\x00-\x7f]))?"
    r"(?P<run>[^\x00-\x7f\ufffd]*)"
    r"(?P<right>[?\ufffd])?"
)

# ASCII text that shows which byte a closing mark swallowed: the rest of a tag or an entity.
SWALLOWED_LT = re.compile(r"/?[a-zA-Z][a-zA-Z0-9]*\s*/?>")
SWALLOWED_AMP = re.compile(r"#?[a-zA-Z0-9]{2,8};")

LEAD_BYTES = range(0x81, 0xFF)  # any GBK lead byte: what a mark can stand for
# A GBK trail byte that reads as ASCII once its lead byte is lost, ending a shifted stretch
# without a closing mark: 狀態 with ``(láo)`` inserted inside it comes out as 狀?láo)B, since
# 態 = 91 42 and 42 is "B".
TRAIL_LETTER = re.compile(r"[\x40-\x7e]")
GAP = "□"  # stands for a guessed character in the context of the next guess
# "?!" is 。 (A1 A3) followed by a character led by A1 (“, U+3000): the A3 A1 between them read
# as ！ and was replaced by "!" (seed page; §3.2's 。“ → ?!). The head gives 。 and that A1.
BANG_HEAD = ("。", 0xA1)

# Characters accepted in a recovered stretch besides common Han: CJK punctuation and U+3000.
CJK_PUNCTUATION = frozenset("\u3000，。、；：？！“”‘’（）《》〈〉【】「」『』—…·")
BRACKETS = {"）": "（", "》": "《", "】": "【", "」": "「", "』": "『", "”": "“", "’": "‘"}

# A guessed character is taken only when, with the known characters around it, it makes a
# dictionary word of at least MIN_GUESS_WORD characters, longer than any other option's
# (形神兼备, seed page) or as long and GUESS_MARGIN times as frequent; otherwise it is dropped as
# unknown. Shorter words are too easily a coincidence: 因為他說 damaged to 因?yàn)樗?說 would give
# 所 for 他 (所说), 市委十四屆 gives 市五十四屆 (五十四), 全要素 gives 三要素. With 4, no guess was
# wrong when every cross-boundary annotation of the seed's body was simulated (890 cases).
MIN_GUESS_WORD = 4
GUESS_MARGIN = 3
CONTEXT_CHARS = 4  # characters either side looked at when choosing a guessed character

# Share of non-space characters that look like damage above which a page is flagged. A clean
# page scores 0; the seed scores 0.17% before repair (4 of 2,316: three glued "?" and a ㄒ) and
# 0 after it; a page decoded with the wrong charset scores 10% and more. 1% leaves room for a
# few unrecoverable stretches and legitimate "?" and still catches real breakage.
GARBLE_THRESHOLD = 0.01

QUESTION_PARTICLES = "吗呢么吧嗎麼"  # 你好吗?我… : a "?" after these is a real question mark
# Bopomofo is GBK A8C5–A8E9: mainland news text never uses it, shifted GBK often shows it.
BOPOMOFO = re.compile(r"[\u3100-\u312f\u31a0-\u31bf]")
CJK_CHAR = re.compile(rf"[{HAN}\u3001-\u303f\u3100-\u312f\u31a0-\u31bf\uff01-\uff60]")

# A run after a "?" is read as shifted only if it holds bopomofo (GBK A8xx, never in news text)
# or at least this share of characters ordinary text does not use (seed: 。ㄒ鼤煟).
SHIFTED_SHARE = 0.25


# ---------------------------------------------------------------- pinyin notes


def _variants(reading: str) -> set[str]:
    """Toneless ``lv`` (pypinyin's spelling) also written ``lü`` or ``lu``."""
    return {reading, reading.replace("v", "ü"), reading.replace("v", "u")}


@functools.cache
def readings(char: str) -> frozenset[str]:
    """Every reading of a character and of its simplified form: tone marks, tone numbers, none."""
    from pypinyin import Style, pinyin

    found: set[str] = set()
    for form in {char, to_simplified(char)}:
        for style in (Style.TONE, Style.TONE3, Style.NORMAL):
            for options in pinyin(form, style=style, heteronym=True, errors="ignore"):
                for reading in options:
                    found |= _variants(reading.lower())
    return frozenset(found)


def is_reading_of(note: str, char: str) -> bool:
    """``qū`` of 區, case aside. A capitalised plain-ASCII note of two letters or more is an
    acronym, never a note: 愛(AI) keeps its (AI)."""
    if len(note) >= 2 and note.isupper() and note.isascii():
        return False
    return unicodedata.normalize("NFC", note.lower()) in readings(char)


def _strip_notes_of(match: re.Match) -> tuple[str, int]:
    """Drop the leading notes that read the character; keep the first one that does not, and after."""
    notes = ONE_NOTE.findall(match["notes"])
    removed = 0
    while removed < len(notes) and is_reading_of(notes[removed], match["han"]):
        removed += 1
    kept = "".join(f"({note})" for note in notes[removed:])
    return match["han"] + kept, removed


def strip_pinyin_notes(text: str) -> tuple[str, int]:
    """Remove ``(qū)`` after 區 and ``(jia)(jia)`` after 價; return the text and the count removed."""
    total = 0

    def replace(match: re.Match) -> str:
        nonlocal total
        kept, removed = _strip_notes_of(match)
        total += removed
        return kept

    return NOTED_CHAR.sub(replace, text), total


# ---------------------------------------------------------------- mojibake


@dataclass
class MojibakeRepair:
    text: str
    repaired: list[tuple[str, str]] = field(default_factory=list)  # (garbled, recovered)
    # One per character whose lost byte nothing pinned down, plus whole stretches deleted.
    dropped_chars: int = 0


def is_common(char: str) -> bool:
    """A character ordinary news text is made of: GB2312 Han (after t2s) or CJK punctuation."""
    if char in CJK_PUNCTUATION:
        return True
    simple = to_simplified(char)
    try:
        encoded = simple.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 * len(simple) and all(0xB0 <= b <= 0xF7 for b in encoded[::2])


def _gbk_pair(lead: int, trail: int) -> str | None:
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def _gbk_bytes(run: str) -> bytes | None:
    """The run's GBK bytes, or None when a character is not a double-byte GBK character."""
    try:
        encoded = run.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 * len(run) else None


@functools.cache
def _lexicons() -> tuple[dict[str, int], dict[str, list]]:
    """jieba's dictionary (word -> frequency) and pypinyin's phrases (it has the 4-character idioms)."""
    import jieba
    from pypinyin.phrases_dict import phrases_dict

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ, phrases_dict


def word_frequency(word: str) -> int:
    """jieba's count for a word, 1 for a phrase only pypinyin knows, 0 for no word."""
    frequencies, phrases = _lexicons()
    return frequencies.get(word) or int(word in phrases)


def _word_score(window: str, index: int) -> tuple[int, int]:
    """(length, frequency) of the best dictionary word in ``window`` covering ``index``: longer first."""
    simple = "".join(to_simplified(c) for c in window)
    best = (0, 0)
    for start in range(max(0, index - CONTEXT_CHARS), index + 1):
        for end in range(max(index + 1, start + 2), min(len(simple), start + CONTEXT_CHARS + 1) + 1):
            if frequency := word_frequency(simple[start:end]):
                best = max(best, (end - start, frequency))
    return best


def _closes_open_bracket(char: str, left: str) -> bool:
    opener = BRACKETS.get(char)
    return opener is not None and left.count(opener) > left.count(char)


def choose(options: set[str], left: str, right: str) -> str | None:
    """The one plausible character among ``options`` for a guessed byte, or None if unsure."""
    if len(options) == 1:
        return next(iter(options))
    closers = [c for c in options if _closes_open_bracket(c, left)]
    if len(closers) == 1:
        return closers[0]
    scored = sorted(((_word_score(left + c + right, len(left)), c) for c in options), reverse=True)
    (length, freq), char = scored[0]
    (next_length, next_freq), _ = scored[1]
    if length < MIN_GUESS_WORD:
        return None
    return char if length > next_length or freq >= GUESS_MARGIN * next_freq else None


@dataclass
class Stretch:
    """One damaged stretch as GBK byte options: a set of candidate values per byte."""

    start: int
    end: int
    prefix: str  # recovered text the head fixes outright (the 。 of "?!")
    options: list[set[int]]
    restored: str  # "</p>", "&rdquo;": the tag or entity whose first byte the closing mark swallowed
    certain: bool  # a swallowed "(" or bopomofo: damage for sure, dropped if it cannot be decoded


def looks_shifted(run: str) -> bool:
    """Characters decoded one byte off: bopomofo, or many characters news text does not use."""
    if not run:
        return False
    uncommon = sum(not is_common(c) for c in run)
    return bool(BOPOMOFO.search(run)) or uncommon >= SHIFTED_SHARE * len(run)


def _lost_bytes_for(pinyin: str, before: str) -> set[int]:
    """Lead bytes b such that (last GBK byte of ``before``, b) is a character read ``pinyin``."""
    encoded = _gbk_bytes(before) if before else None
    if encoded is None:
        return set()
    return {b for b in LEAD_BYTES if (c := _gbk_pair(encoded[-1], b)) and is_reading_of(pinyin, c)}


def _head(match: re.Match, before: str) -> tuple[str, list[set[int]]] | None:
    """The prefix text and leading byte options a stretch's head gives, None if not damage."""
    if match["pinyin"]:
        lost = _lost_bytes_for(match["pinyin"], before)
        return ("", [lost]) if lost else None
    if match["head"] == "!":
        return BANG_HEAD[0], [{BANG_HEAD[1]}]
    return "", [set(LEAD_BYTES)]


def _swallowed(after: str) -> str:
    """``<`` + the tag or ``&`` + the entity the closing mark cut: ``?/p>``, ``?rdquo;``; else ""."""
    for char, rest in (("<", SWALLOWED_LT), ("&", SWALLOWED_AMP)):
        if match := rest.match(after):
            return char + match[0]
    return ""


def _closing(text: str, match: re.Match, odd: bool) -> tuple[list[set[int]], int, str]:
    """Byte options after the run, where the stretch ends, and the tag or entity restored there."""
    after = text[match.end() :]
    if match["right"]:
        restored = _swallowed(after)
        return [set(LEAD_BYTES)], match.end() + max(len(restored) - 1, 0), restored
    if not odd:
        return [], match.end(), ""
    if TRAIL_LETTER.match(after):
        return [{ord(after[0])}], match.end() + 1, ""
    return [set(LEAD_BYTES)], match.end(), ""  # a byte lost at the end of the text


def find_stretch(text: str, match: re.Match) -> Stretch | None:
    """Read a STRETCH match as byte options; None when it is not damage (a real ``?``)."""
    run = match["run"]
    head = _head(match, text[match.start() - 1] if match.start() else "")
    run_bytes = _gbk_bytes(run)
    if head is None or run_bytes is None:
        return None
    if not match["pinyin"] and not looks_shifted(run):
        return None  # nothing shows that the run is shifted: leave the "?" alone
    prefix, options = head
    options = options + [{b} for b in run_bytes]
    closing, end, restored = _closing(text, match, odd=len(options) % 2 == 1)
    certain = bool(match["pinyin"] or BOPOMOFO.search(run))
    return Stretch(match.start(), end, prefix, options + closing, restored, certain)


def _pair_options(first: set[int], second: set[int]) -> set[str]:
    found = {_gbk_pair(a, b) for a in first for b in second}
    return {c for c in found if c and is_common(c)}


def decode_stretch(stretch: Stretch, text: str) -> tuple[str, int] | None:
    """Recovered text and the number of characters left unknown; None if it does not decode."""
    if len(stretch.options) % 2:
        return None
    pairs = [_pair_options(*stretch.options[i : i + 2]) for i in range(0, len(stretch.options), 2)]
    if not all(pairs):
        return None
    left = text[max(0, stretch.start - CONTEXT_CHARS) : stretch.start] + stretch.prefix
    after = html.unescape(stretch.restored + text[stretch.end : stretch.end + 12])[:CONTEXT_CHARS]
    recovered, unknown = stretch.prefix, 0
    for i, options in enumerate(pairs):
        known = itertools.takewhile(lambda p: len(p) == 1, pairs[i + 1 :])
        right = "".join(next(iter(p)) for p in known)
        char = choose(options, left, (right if len(right) >= CONTEXT_CHARS else right + after))
        unknown += char is None
        recovered += char or ""
        left += char if len(options) == 1 else GAP  # one guess is never the evidence for another
    return recovered + stretch.restored, unknown


def repair_mojibake(text: str) -> MojibakeRepair:
    """Re-decode byte-shifted stretches; drop the ones that cannot be recovered."""
    result = MojibakeRepair(text="")
    out, pos = [], 0
    for match in STRETCH.finditer(text):
        if match.start() < pos:
            continue
        stretch = find_stretch(text, match)
        if stretch is None:
            continue
        garbled = text[stretch.start : stretch.end]
        decoded = decode_stretch(stretch, text)
        if not stretch.certain and (decoded is None or decoded[1]):
            continue  # only a rare character after a "?": not sure enough to change anything
        out.append(text[pos : stretch.start])
        if decoded is None:
            out.append(stretch.restored)  # "</p>" of "?/p>" is not the mark's to lose
            result.dropped_chars += len(garbled) - max(len(stretch.restored) - 1, 0)
            logging.getLogger(__name__).debug("dropped mojibake %r", garbled)
        else:
            out.append(decoded[0])
            result.dropped_chars += decoded[1]
            result.repaired.append((garbled, decoded[0]))
        pos = stretch.end
    result.text = "".join(out) + text[pos:]
    return result


# ---------------------------------------------------------------- quality signal


def _is_damage(text: str, i: int) -> bool:
    """U+FFFD, private use, control; bopomofo; a "?" glued to CJK text (吗? aside)."""
    char, left, right = text[i], text[i - 1 : i], text[i + 1 : i + 2]
    if char == "\ufffd" or unicodedata.category(char) in ("Co", "Cc") or BOPOMOFO.match(char):
        return True
    if char != "?" or left in QUESTION_PARTICLES or not (left.strip() and right.strip()):
        return False
    return bool(CJK_CHAR.match(left) or CJK_CHAR.match(right))


# Every character _is_damage may flag (U+FFFD, "?", control, private use, bopomofo): only these
# positions are examined, which spares a Unicode lookup per character of every article.
DAMAGE_CANDIDATE = re.compile(
    "[\ufffd?\x00-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff\u3100-\u312f\u31a0-\u31bf]"
)


def garble_ratio(text: str) -> float:
    """Share of non-space characters that look like damage; 0.0 for clean text."""
    visible = len("".join(text.split()))  # str.split() and str.isspace() agree on what is space
    if not visible:
        return 0.0
    damaged = sum(1 for m in DAMAGE_CANDIDATE.finditer(text)
                  if not text[m.start()].isspace() and _is_damage(text, m.start()))
    return damaged / visible
