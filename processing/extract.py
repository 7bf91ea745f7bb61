"""Page bytes to an Article: decode, pick the parser (URL, then markup, then the generic
fallback), extract, and attach the decoding evidence."""

from __future__ import annotations

from processing import garbling
from processing.article import Article
from processing.decode import NotHtmlError, decode_html, looks_like_html
from processing.parsers import Parser, parser_for


def extract(body: bytes, url: str | None = None, encoding: str | None = None,
            parser: type[Parser] | None = None) -> Article:
    """``encoding``: the charset the HTTP header declared, when known; ``parser``: a parser
    class to use instead of the one ``parser_for`` picks (reprocessing with a given version).

    Raises ``NotHtmlError`` for bytes that are not an HTML page and
    ``processing.parsers.ParseError`` when the page holds no article.
    """
    if not body.strip():
        raise NotHtmlError("empty input: no HTML to extract from")
    if b"\x00" in body[:4096] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotHtmlError("binary data (NUL bytes), not an HTML page")
    decoded = decode_html(body, encoding)
    if not looks_like_html(decoded.text):
        raise NotHtmlError("no HTML markup found (no <html>, <body>, <p> or <div> tag)")
    parser = parser or parser_for(url, decoded.text)
    article = parser(decoded.text, url).parse()
    article.encoding_declared = decoded.declared
    article.encoding_used = decoded.used
    article.garble_ratio = round(decoded.replacement_ratio + garbling.garble_ratio(f"{article.title}\n{article.body}"), 4)
    return article


def is_flagged(article: Article) -> bool:
    """Too much of the text is replacement characters or unrepaired mojibake to load it as is."""
    return article.garble_ratio > garbling.GARBLE_THRESHOLD


__all__ = ["NotHtmlError", "extract", "is_flagged"]
