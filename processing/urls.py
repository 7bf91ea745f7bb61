"""What wxrb.com URLs look like (site facts from docs/wxrb-site.md §1).

Shared by the spiders (discovery, the URL-date filter) and by processing (which parser,
which site, which doc id), so the article URL pattern has exactly one home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit, urlunsplit

# /doc/2026/08/14/463770.shtml  [confirmed]
PORTAL_ARTICLE_PATH = re.compile(r"^/doc/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>\d+)\.shtml$")

# Hosts that are the live portal; both http:// and https:// occur for the same page, so the
# canonical URL of a live page is always https://www.wxrb.com/...
LIVE_PORTAL_HOSTS = {"www.wxrb.com", "wxrb.com"}


@dataclass(frozen=True)
class ArticleRef:
    """What the URL alone tells about an article."""

    site: str  # 'portal', 'epaper_wxrb', 'epaper_jnwb'
    doc_id: str
    url_date: date


def parse_article_url(url: str) -> ArticleRef | None:
    """Return the article facts encoded in ``url``, or None when it is not an article URL."""
    match = PORTAL_ARTICLE_PATH.match(urlsplit(url).path)
    if not match:
        return None
    try:
        url_date = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:  # /doc/2026/13/40/1.shtml: not a date, so not an article
        return None
    return ArticleRef(site="portal", doc_id=match["id"], url_date=url_date)


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment, no query, https for the live portal hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in LIVE_PORTAL_HOSTS:
        return urlunsplit(("https", "www.wxrb.com", parts.path, "", ""))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))
