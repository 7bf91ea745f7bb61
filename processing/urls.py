"""What wxrb.com URLs look like (site facts from docs/wxrb-site.md §1–2).

Shared by the spiders (discovery, the URL-date filter) and by processing (which parser,
which site, which doc id), so every URL pattern has exactly one home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit, urlunsplit

# www.wxrb.com: /doc/2026/08/14/463770.shtml  [confirmed]
PORTAL_ARTICLE_PATH = re.compile(r"^/doc/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>\d+)\.shtml$")
# szb.wxrb.com: /pc/content/202311/21/content_147451.html, also without /pc/ [confirmed];
# 江南晚报 under /jnwb/ [confirmed].
EPAPER_ARTICLE_PATH = re.compile(
    r"^(?P<paper>/jnwb)?(/pc)?/content/(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d+)\.html$"
)
# epaper.wxrb.com (2018-2019): /paper/wxrb/html/2019-03-01/content_123.htm  [confirmed in 2019 scripts]
OLD_EPAPER_ARTICLE_PATH = re.compile(
    r"^/paper/wxrb/html/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/content_(?P<id>\d+)\.htm$"
)

TEMPLATES = ((PORTAL_ARTICLE_PATH, "portal"), (EPAPER_ARTICLE_PATH, "szb"), (OLD_EPAPER_ARTICLE_PATH, "epaper_old"))

# Hosts of the live sites, with the scheme their canonical URLs use.
LIVE_HOSTS = {
    "www.wxrb.com": ("https", "www.wxrb.com"),
    "wxrb.com": ("https", "www.wxrb.com"),
    "szb.wxrb.com": ("http", "szb.wxrb.com"),
    "epaper.wxrb.com": ("http", "epaper.wxrb.com"),
}


@dataclass(frozen=True)
class ArticleRef:
    """What the URL alone tells about an article."""

    site: str  # 'portal', 'epaper_wxrb', 'epaper_jnwb'
    doc_id: str
    url_date: date
    template: str  # which page template: 'portal', 'szb', 'epaper_old'


def parse_article_url(url: str) -> ArticleRef | None:
    """Return the article facts encoded in ``url``, or None when it is not an article URL."""
    path = urlsplit(url).path
    found = [(m, template) for pattern, template in TEMPLATES if (m := pattern.match(path))]
    if not found:
        return None
    match, template = found[0]
    try:
        url_date = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:  # /doc/2026/13/40/1.shtml: not a date, so not an article
        return None
    site = {"portal": "portal", "epaper_old": "epaper_wxrb"}.get(template)
    site = site or ("epaper_jnwb" if match["paper"] else "epaper_wxrb")
    return ArticleRef(site=site, doc_id=match["id"], url_date=url_date, template=template)


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment or query, the live sites' scheme and host, and the
    e-paper's ``/content/`` alias written as ``/pc/content/``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    scheme, netloc = LIVE_HOSTS.get(host, (parts.scheme.lower(), parts.netloc.lower()))
    path = parts.path
    match = EPAPER_ARTICLE_PATH.match(path)
    if match and "/pc/" not in path:
        prefix = match["paper"] or ""
        path = f"{prefix}/pc{path[len(prefix):]}"
    return urlunsplit((scheme, netloc, path, "", ""))
