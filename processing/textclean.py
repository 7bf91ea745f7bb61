"""The cleaning pipeline for plain text: an article copied from a mirror, one paragraph a line.

The steps, in order (each a function of ``clean``, ``garbling``, ``boilerplate`` or ``bylines``):

1. stray HTML tags and entities            clean.strip_stray_tags
2. pinyin notes  區(qū) → 區                 garbling.strip_pinyin_notes
3. byte-shifted GBK mojibake               garbling.repair_mojibake (then step 1 again: a repair
                                           can bring back the ``<`` of ``</p>`` or ``&`` of ``&rdquo;``)
4. traditional → simplified                clean.to_simplified (the input is kept in ``original``)
5. whitespace, one paragraph a line        clean.normalise_whitespace
6. footer, licence, ICP lines; disclaimers clean.is_boilerplate, boilerplate.DISCLAIMER_LINE
7. 责任编辑 line → ``editor``               clean.editor_of
8. bylines → ``authors``, ``photographers`` bylines.split_bylines, bylines.names_in

Nothing here touches a database or Airflow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from processing import boilerplate, bylines, clean, garbling

# A bare-name byline glued after the last sentence: ……安全根基。（尹晖）. bylines.split_bylines
# wants a role word in a glued byline, since （东亭段） after a noun is a place note; after
# sentence-final punctuation a parenthesised name is the byline (seed page, byline repaired
# from mojibake).
SENTENCE_END_BYLINE = re.compile(rf"(?<=[。！？!?…”])\s*(?P<byline>{bylines.PARENS})$")
# …but not a source or an editorial mark, which look the same: 。（新华社） 。（央视新闻） 。（待续）
NOT_A_BYLINE = re.compile(r"(社|网|报|台|视|新闻|客户端|中心|办|局|委|部|待续|未完|续完|全文完)$")


@dataclass
class CleanText:
    paragraphs: list[str]
    original: str
    authors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    editor: str | None = None
    pinyin_notes_removed: int = 0
    mojibake_repaired: list[tuple[str, str]] = field(default_factory=list)
    mojibake_dropped_chars: int = 0
    dropped_lines: list[str] = field(default_factory=list)
    converted_to_simplified: bool = False
    garble_ratio: float = 0.0  # of the cleaned text: damage left after repair

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def changed_script_or_repaired(self) -> bool:
        """True when ``original`` is worth keeping: the script was converted or damage repaired."""
        return bool(
            self.converted_to_simplified
            or self.pinyin_notes_removed
            or self.mojibake_repaired
            or self.mojibake_dropped_chars
        )

    def stats(self) -> dict[str, int | float | bool]:
        return {
            "paragraphs": len(self.paragraphs),
            "pinyin_notes_removed": self.pinyin_notes_removed,
            "mojibake_repaired": len(self.mojibake_repaired),
            "mojibake_dropped_chars": self.mojibake_dropped_chars,
            "lines_dropped": len(self.dropped_lines),
            "converted_to_simplified": self.converted_to_simplified,
            "garble_ratio": round(self.garble_ratio, 6),
            "garbled": self.garble_ratio > garbling.GARBLE_THRESHOLD,
        }


def is_disclaimer(line: str) -> bool:
    """An aggregator's 声明：本文仅代表作者个人观点… line."""
    return bool(boilerplate.DISCLAIMER_LINE.search(clean.to_simplified(line)))


def repair(text: str, result: CleanText, simplify: bool | None = None) -> str:
    """Steps 1–4: tags, pinyin notes, mojibake, simplified script; counts go into ``result``.
    ``simplify``: convert to simplified; None decides from the text (``clean.is_traditional``)."""
    text, result.pinyin_notes_removed = garbling.strip_pinyin_notes(clean.strip_stray_tags(text))
    mojibake = garbling.repair_mojibake(text)
    result.mojibake_repaired = mojibake.repaired
    result.mojibake_dropped_chars = mojibake.dropped_chars
    text = clean.strip_stray_tags(mojibake.text)
    if simplify is None:
        simplify = clean.is_traditional(text)
    simple = clean.to_simplified(text) if simplify else text
    result.converted_to_simplified = simple != text
    return simple


def drop_lines(lines: list[str], result: CleanText) -> list[str]:
    """Steps 5–7: empty, boilerplate and disclaimer lines go; the 责任编辑 line becomes ``editor``."""
    kept = []
    for line in map(clean.normalise_whitespace, lines):
        if not line:
            continue
        if clean.is_boilerplate(line) or is_disclaimer(line):
            result.dropped_lines.append(line)
        elif (editor := clean.editor_of(line)) is not None:
            result.editor = result.editor or editor
        else:
            kept.append(line)
    return kept


def split_sentence_end_byline(paragraphs: list[str]) -> list[str]:
    """Move a bare-name byline after the last sentence to a paragraph of its own."""
    match = SENTENCE_END_BYLINE.search(paragraphs[-1]) if paragraphs else None
    if not match or NOT_A_BYLINE.search(match["inner"]) or not bylines.is_byline(match["inner"]):
        return paragraphs
    return [*paragraphs[:-1], paragraphs[-1][: match.start()].rstrip(), match["byline"]]


def photographers_in(paragraphs: list[str]) -> list[str]:
    """Names credited with 摄 in any byline-shaped parentheses: （张三 摄）."""
    names = []
    for paragraph in paragraphs:
        for match in re.finditer(bylines.PARENS, paragraph):
            if bylines.is_byline(match["inner"]):
                names.extend(bylines.names_in(match["inner"])[1])
    return list(dict.fromkeys(names))


def take_bylines(paragraphs: list[str], result: CleanText) -> list[str]:
    """Step 8: bylines leave the body for ``authors`` and ``photographers``."""
    paragraphs = split_sentence_end_byline(paragraphs)
    result.photographers = photographers_in(paragraphs)
    kept, result.authors = bylines.split_bylines(paragraphs)
    return kept


def clean_line(text: str, simplify: bool | None = None) -> str | None:
    """A headline or label: steps 1–5 on one line; None when nothing is left. ``simplify`` as
    in ``repair``: a page's headlines follow the decision made on its body."""
    return clean.normalise_whitespace(" ".join(repair(text, CleanText([], text), simplify).splitlines())) or None


def clean_text(text: str) -> CleanText:
    """Clean a mirror's copy of an article: simplified paragraphs plus what was taken out."""
    result = CleanText(paragraphs=[], original=text)
    lines = drop_lines(repair(text, result).splitlines(), result)
    result.paragraphs = take_bylines(lines, result)
    result.garble_ratio = garbling.garble_ratio(result.text)
    return result
