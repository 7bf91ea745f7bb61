"""Reporters from the bylines that close (or open) a wxrb article body.

Shapes seen on the site (docs/wxrb-site.md §1–2):
  （记者 张三）  （记者 张三 李四 通讯员 王五）  （朱冬娅、见习记者 姚程玉）   a paragraph of its own
  ……全方位夯实粮食安全根基。（记者 张三）                                  glued to the last paragraph
  本报讯（记者 张三）昨天……   新华社南京11月14日电（记者 张三）……              opening the first paragraph
  （张三 摄）  （张三、李四 摄）                                             photographers, not authors
The byline is taken out of the body; the dateline words (本报讯, 新华社…电) go with it.
"""

from __future__ import annotations

import re

ROLE_WORDS = ("本报记者", "晚报记者", "见习记者", "实习记者", "记者", "通讯员", "实习生", "文/图")
PARENS = r"[（(](?P<inner>[^（）()]{2,60})[）)]"
BYLINE_PARAGRAPH = re.compile(rf"^{PARENS}$")
GLUED_BYLINE = re.compile(rf"{PARENS}$")
LEAD_BYLINE = re.compile(rf"^(本报讯|晚报讯|本报[^（(]{{0,8}}电|新华社[^（(]{{0,16}}电){PARENS}")
NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
SEPARATORS = re.compile(r"[\s、，,/]+")
ROLE_MARK = "|"  # stands for a role word while names are split out: it ends a run of spaced characters


def names_in(inner: str) -> tuple[list[str], list[str]]:
    """(authors, photographers) named inside a byline's parentheses."""
    authors, photographers = [], []
    for part in re.split(r"[;；]", inner):
        is_photo = bool(re.search(r"(摄|摄影)$", part.strip()))
        part = re.sub(r"(摄影|摄)$", "", part.strip())
        for role in ROLE_WORDS:
            part = part.replace(role, f" {ROLE_MARK} ")
        names = [n for n in _join_spaced_names(SEPARATORS.split(part)) if NAME.match(n)]
        (photographers if is_photo else authors).extend(names)
    return authors, photographers


def _join_spaced_names(tokens: list[str]) -> list[str]:
    """Print layouts pad two-character names to the width of three: （记者　王　芳）. No name has
    one character, so a run of one-character tokens is one name spelled out: 王 芳 -> 王芳."""
    joined, run = [], []
    for token in tokens + [""]:
        if len(token) == 1 and "\u4e00" <= token <= "\u9fff":
            run.append(token)
            continue
        if run:
            joined.append("".join(run))
            run = []
        if token:
            joined.append(token)
    return joined


def is_byline(inner: str) -> bool:
    """A byline names people and roles only; ``（下转第三版）`` or a sentence does not qualify."""
    authors, photographers = names_in(inner)
    leftover = SEPARATORS.sub("", inner)
    for name in authors + photographers:
        leftover = leftover.replace(name, "")
    for word in ROLE_WORDS + ("摄影", "摄"):
        leftover = leftover.replace(word, "")
    return bool(authors or photographers) and not SEPARATORS.sub("", leftover)


def split_bylines(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Return (paragraphs without bylines, authors in order of appearance)."""
    kept, authors = [], []
    for text in paragraphs:
        whole = BYLINE_PARAGRAPH.match(text)
        if whole and is_byline(whole["inner"]):
            authors.extend(names_in(whole["inner"])[0])
            continue
        lead = LEAD_BYLINE.match(text) if not kept else None
        if lead and is_byline(lead["inner"]):
            authors.extend(names_in(lead["inner"])[0])
            text = text[lead.end():].strip()
        kept.append(text)
    # Glued to prose, a bare name could be a place note like （东亭段）: require a role word.
    glued = GLUED_BYLINE.search(kept[-1]) if kept else None
    if glued and is_byline(glued["inner"]) and any(role in glued["inner"] for role in ROLE_WORDS):
        authors.extend(names_in(glued["inner"])[0])
        kept[-1] = kept[-1][: glued.start()].rstrip()
    return [p for p in kept if p], list(dict.fromkeys(authors))
