"""Cleaning rules, one small function each.

HTML-level rules remove template elements before text is taken; text-level rules work on
paragraphs and keep paragraph boundaries. ``processing.textclean`` applies them in order.
"""

from __future__ import annotations

import functools
import html
import re

from bs4 import Tag

from processing import boilerplate

STRAY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000\ufeff]+")
MAX_UNESCAPE_ROUNDS = 8  # a bound, so hostile input cannot loop for long
EDITOR_LINE = re.compile(r"^[（(【\[]?\s*(责任编辑|责编|編輯|责任编缉)\s*[:：]\s*(?P<name>[^）)】\]]+)[）)】\]]?$")


def drop_template_elements(container: Tag) -> Tag:
    """Remove share bar, font-size switch, breadcrumb, footer, related news, scripts."""
    for selector in boilerplate.NOISE_SELECTORS:
        for element in container.select(selector):
            element.decompose()
    return container


def drop_link_only_blocks(container: Tag) -> Tag:
    """Paragraphs that are nothing but links are navigation (the titles listed under 相关链接：),
    never article text (evaluation case portal_related_links_comments)."""
    for block in container.find_all(["p", "li"]):
        text = block.get_text("", strip=True)
        links = "".join(a.get_text("", strip=True) for a in block.find_all("a"))
        if text and text == links:
            block.decompose()
    return container


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


# Share of Han characters that OpenCC t2s changes above which a text is taken as written in
# traditional script. A mirror's traditional copy changes about a third (the seed page: 37%); a
# simplified page changes almost none, but t2s would still rewrite the odd character of a name
# (顾昇 -> 顾升, evaluation case portal_gb18030_undeclared), so simplified text is left alone.
TRADITIONAL_SHARE = 0.05
TRADITIONAL_MIN_CHARS = 2  # one changed character in a short line is a name, not a script


def is_traditional(text: str) -> bool:
    simple = to_simplified(text)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    changed = sum(1 for a, b in zip(text, simple, strict=False) if a != b)
    return (han > 0 and len(simple) == len(text) and changed >= TRADITIONAL_MIN_CHARS
            and changed / han >= TRADITIONAL_SHARE)


def strip_stray_tags(text: str) -> str:
    """Tags and entities that survived as text, e.g. the seed's trailing ``</p>``. Repeated
    until nothing changes: ``&amp;lt;/p&amp;gt;`` and ``<</p>/p>`` hide a tag inside another."""
    for _ in range(MAX_UNESCAPE_ROUNDS):
        stripped = html.unescape(STRAY_TAG.sub("", text))
        if stripped == text:
            break
        text = stripped
    return text


def normalise_whitespace(text: str) -> str:
    """U+3000 indents, nbsp and runs of spaces: trimmed at the ends, one space inside."""
    return SPACES.sub(" ", text).strip()


def is_boilerplate(line: str) -> bool:
    """Footer, copyright, licence, ICP/备案, share-widget, breadcrumb and related-reading lines."""
    simple = to_simplified(line)
    return bool(
        boilerplate.FOOTER_LINE.search(simple)
        or boilerplate.WIDGET_LINE.match(simple)
        or boilerplate.RELATED_LINE.match(simple)
        or boilerplate.BREADCRUMB_LINE.match(simple)
    )


def editor_of(line: str) -> str | None:
    """The name on a ``责任编辑：王五`` line, or None when the line is something else."""
    match = EDITOR_LINE.match(to_simplified(line))
    return normalise_whitespace(match["name"]) if match else None
