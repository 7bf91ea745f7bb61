"""Bytes to text: the declared charset first, then detection for pages that declare none.

Order: the charset given by the caller (the HTTP header the crawler saw), then a BOM, then a
``<meta>`` charset; gb2312 and gbk are read as their superset gb18030 (w3lib's mapping), so a
page that declares gb2312 but uses a rarer character still decodes. A page that declares
nothing, or whose declared charset does not decode it, is tried as UTF-8, then as GB18030
(the encodings wxrb.com and its mirrors use, docs/wxrb-site.md §1), then handed to
charset-normalizer's detection. What was declared, what was used and how much of the text
is replacement characters are returned, so a page decoded badly is flagged, not loaded
silently (``processing.settings.MAX_REPLACEMENT_RATIO``).
"""

from __future__ import annotations

from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

# Tried in this order when nothing is declared or the declaration is wrong.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")


class NotHtmlError(ValueError):
    """The bytes are not an HTML document (binary data, an image, an empty file)."""


@dataclass
class Decoded:
    text: str
    declared: str | None  # what the page or its HTTP header said, normalised (gb2312 -> gb18030)
    used: str  # what the text was decoded with
    replacement_ratio: float  # share of U+FFFD among the non-space characters

    @property
    def detected(self) -> bool:
        return self.declared is None or self.declared != self.used


def decode_html(body: bytes, declared: str | None = None) -> Decoded:
    """Decode a page; ``declared`` is the charset of the HTTP header when there was one."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        body = body[len(bom):]
    declared = _normalise(declared) or _normalise(bom_encoding) or _normalise(html_body_declared_encoding(body))
    for encoding in ([declared] if declared else []) + list(FALLBACK_ENCODINGS):
        try:
            return _decoded(body.decode(encoding), declared, encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    detected = _detect(body) or declared or "utf-8"
    return _decoded(body.decode(detected, errors="replace"), declared, detected)


def replacement_ratio(text: str) -> float:
    if "\ufffd" not in text:  # nearly every page: no need to count the visible characters
        return 0.0
    visible = sum(1 for ch in text if not ch.isspace())
    return text.count("\ufffd") / visible if visible else 0.0


def looks_like_html(text: str) -> bool:
    """True when the decoded text has markup: a tag that HTML pages have, not just a '<'."""
    head = text[:20000].lower()
    return any(tag in head for tag in ("<html", "<body", "<p", "<div", "<h1", "<title", "<!doctype html"))


def _decoded(text: str, declared: str | None, used: str) -> Decoded:
    return Decoded(text, declared, _normalise(used) or used, replacement_ratio(text))


def _normalise(encoding: str | None) -> str | None:
    """w3lib's canonical name (gb2312, gbk -> gb18030; latin-1 -> cp1252), or None if unknown."""
    return resolve_encoding(encoding) if encoding else None


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return best.encoding if best else None
