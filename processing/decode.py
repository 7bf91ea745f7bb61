"""Bytes to text, the way Scrapy does it: HTTP header, then BOM, then <meta>, then detection.

gb2312 and gbk are read as their superset gb18030 (w3lib's mapping), so a page that declares
gb2312 but uses a rarer character still decodes.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_html(body: bytes, encoding: str | None = None, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). ``encoding`` is the one the crawler used, when known."""
    if encoding:
        content_type = f"text/html; charset={encoding}"
    used, text = html_to_unicode(content_type, body)
    return text, used
