"""Render the replica's pages from a ``Site``: HTML in the portal's markup, plus robots.txt,
the manifest and image bytes.

``build_routes(site)`` returns every fixed URL path the server answers, mapped to a
ready ``Page`` (status, headers, bytes). Article bodies follow the rules written down
in ``replica/README.md``: a correct parser turns each ``#zoom`` back into the
article's expected ``paragraphs``, ``authors``, ``photographers`` and ``editor``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape

from replica import epaper
from replica.content import FOOTER_LINES, MOBILE_FOOTER_LINE, Article, Channel, Site, manifest

HTML_TYPE = "text/html; charset=utf-8"
SITE_NAME = "无锡新传媒"
HOME_HEADLINES = 12
INDENT = "\u3000\u3000"  # two ideographic spaces open every body paragraph
NBSP_INDENT = "&nbsp;" * 4  # "nbsp" noise: this indent instead of INDENT
OFFSITE_LINKS = [
    ("https://www.example.org/", "友情链接：示例网站"),
    ("https://www.example.com/epaper/", "数字报"),
]
TRAP_PREFIXES = ("/search/", "/member/")  # disallowed in robots.txt, but answered with 200
ROBOTS_TXT = "User-agent: *\nDisallow: /search/\nDisallow: /member/\n"
MANIFEST_PATH = "/__replica__/manifest.json"

# A 1x1 grey baseline JPEG (quantisation all 1, one-code Huffman tables, DC 0, EOB).
TINY_JPEG = bytes.fromhex(
    "ffd8"
    "ffdb004300"
    + "01" * 64
    + "ffc0000b080001000101011100"
    + "ffc4001400"
    + "01"
    + "00" * 15
    + "00"
    + "ffc4001410"
    + "01"
    + "00" * 15
    + "00"
    + "ffda0008010100003f00"
    + "3f"
    + "ffd9"
)


@dataclass
class Page:
    status: int
    body: bytes
    content_type: str = HTML_TYPE
    headers: dict[str, str] = field(default_factory=dict)


# --- routes -----------------------------------------------------------------------------


def build_routes(site: Site) -> dict[str, Page]:
    """Every fixed path of the replica -> its page (redirects included)."""
    routes = {"/": Page(200, _html(home_page(site)))}
    for channel in site.channels:
        for number in range(1, channel.list_pages + 1):
            routes[channel.path + list_file(number)] = Page(200, _html(list_page(site, channel, number)))
        routes[channel.path] = redirect(channel.path + list_file(1))
    for _, section_path, channels in site.sections():
        routes[section_path] = redirect(channels[0].path + list_file(1))
    by_path = site.article_by_path()
    for article in site.articles:
        modified = format_datetime(article.published_at.astimezone(dt.UTC), usegmt=True)
        routes[article.path] = Page(
            200, _html(article_page(site, article, by_path)), headers={"Last-Modified": modified}
        )
        for image in article.images:
            routes[image["src"]] = Page(200, TINY_JPEG, "image/jpeg")
    for path, (body, content_type) in epaper.routes(epaper.build_epapers(site), TINY_JPEG).items():
        routes[path] = Page(200, body, content_type)  # the print e-papers (README "E-papers")
    routes["/robots.txt"] = Page(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
    data = json.dumps(manifest(site), ensure_ascii=False, indent=1).encode("utf-8")
    routes[MANIFEST_PATH] = Page(200, data, "application/json; charset=utf-8")
    return routes


def redirect(location: str) -> Page:
    body = f'<p>Moved to <a href="{escape(location)}">{escape(location)}</a></p>'
    return Page(301, _html(_document("Moved", body)), headers={"Location": location})


def not_found_page() -> Page:
    return Page(404, _html(_document("404 页面不存在", "<h1>404</h1><p>您访问的页面不存在。</p>")))


def trap_page(path: str) -> Page:
    """/search/ and /member/: forbidden by robots.txt, so a polite crawler never asks."""
    body = f"<h1>站内搜索</h1><p>{escape(path)}</p>"
    return Page(200, _html(_document("站内搜索", body)))


def list_file(number: int) -> str:
    """index.shtml, index_2.shtml, index_3.shtml … (there is no index_1.shtml)."""
    return "index.shtml" if number == 1 else f"index_{number}.shtml"


# --- pages ------------------------------------------------------------------------------------


def home_page(site: Site) -> str:
    items = "".join(_list_item(a) for a in site.newest(HOME_HEADLINES))
    offsite = " ".join(f'<a href="{url}">{escape(text)}</a>' for url, text in OFFSITE_LINKS)
    body = (
        f"{_header(site)}"
        f'<div class="headline"><h2>要闻</h2><ul>{items}</ul></div>'
        f'<div class="links">{offsite}</div>'
        f"{_footer()}"
    )
    return _document(SITE_NAME, body)


def list_page(site: Site, channel: Channel, number: int) -> str:
    items = "".join(_list_item(a) for a in site.list_page(channel.name, number))
    body = (
        f"{_header(site)}"
        f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{channel.section_path}">{escape(channel.section)}</a>'
        f" &gt; {escape(channel.name)}</div>"
        f'<div class="list"><ul>{items}</ul></div>'
        f"{_pager(number, channel.list_pages)}"
        f"{_footer()}"
    )
    return _document(f"{channel.name}-{SITE_NAME}", body)


def article_page(site: Site, article: Article, by_path: dict[str, Article]) -> str:
    channel = site.channel(article.channel)
    at = article.published_at
    body = (
        f"{_header(site)}"
        f'<div class="crumbs"><a href="/">首页</a> &gt; <a href="{channel.section_path}">{escape(channel.section)}</a>'
        f' &gt; <a href="{channel.path}index.shtml">{escape(channel.name)}</a> &gt; 正文</div>'
        f'<div class="bigTit"><h1><strong>{escape(article.title)}</strong></h1></div>'
        f'<div class="ldate"><p><span>{at:%Y}</span></p><p>{at:%m/%d}</p><p>{at:%H:%M}</p>'
        f"<p>来源</p><p>{escape(article.source)}</p></div>"
        '<div class="share"><span>分享到：</span><a class="fa fa-star" title="收藏"></a>'
        '<a class="fa fa-weibo" title="微博"></a><a class="fa fa-tencent-weibo" title="腾讯微博"></a></div>'
        '<div class="fontSize">字号：<a>大</a><a>中</a><a>小</a></div>'
        f'<div id="zoom" class="font16">{zoom(article, by_path)}</div>'
        f"{_related_block(article, by_path)}"
        f"{_footer()}"
    )
    return _document(f"{article.title}-{SITE_NAME}", body)


# --- the article body ----------------------------------------------------------------------------


def zoom(article: Article, by_path: dict[str, Article]) -> str:
    """Inner HTML of div#zoom: paragraphs (with noise), images, byline lines, editor, glued footer."""
    blocks = [f"<p>{inner}</p>" for inner in paragraph_blocks(article)]
    blocks[1:1] = [_image(image) for image in article.images]
    if "related_news" in article.noise:
        target = by_path[article.related[0]]
        blocks.append(f'<p>{INDENT}相关阅读：<a href="{target.path}">{escape(target.title)}</a></p>')
    if article.byline and not {"inline_byline", "glued_byline"} & set(article.noise):
        blocks.append(f"<p>（{escape(article.byline)}）</p>")
    if article.photo_credit:
        blocks.append(f"<p>（{escape(article.photo_credit)}）</p>")
    if article.editor:
        blocks.append(f"<p>责任编辑：{escape(article.editor)}</p>")
    blocks.extend(f"<p>{escape(line)}</p>" for line in article.body_tail)
    return "".join(blocks)


def paragraph_blocks(article: Article) -> list[str]:
    """Inner HTML of the text <p>s. Positions of nbsp and <br> noise derive from doc_id."""
    texts = list(article.paragraphs)
    if "inline_byline" in article.noise:
        texts[0] = f"{article.dateline}（{article.byline}）{texts[0]}"
    if "glued_byline" in article.noise:
        texts[-1] = f"{texts[-1]}（{article.byline}）"
    segments = [INDENT + escape(text, quote=False) for text in texts]
    nbsp = "nbsp" in article.noise
    if nbsp:
        first = article.doc_id % len(texts)
        segments[first] = NBSP_INDENT + escape(texts[first], quote=False)
        segments[(first + 1) % len(texts)] += "&nbsp;"
    if "br_in_paragraph" in article.noise:
        at = (article.doc_id // 7) % (len(segments) - 1)
        segments[at : at + 2] = [segments[at] + "<br>" + segments[at + 1]]
    if nbsp:
        segments.insert(len(segments) - 1, "&nbsp;")  # an empty spacer paragraph
    return segments


def _image(image: dict) -> str:
    return (
        f'<p style="text-align:center"><img src="{escape(image["src"])}"></p>'
        f'<p class="pic-desc">{escape(image["caption"])}</p>'
    )


def _related_block(article: Article, by_path: dict[str, Article]) -> str:
    links = "".join(
        f'<li><a href="{path}">{escape(by_path[path].title)}</a></li>' for path in article.related
    )
    return f'<div class="xgxw"><h3>相关新闻</h3><ul>{links}</ul></div>'


# --- shared pieces ----------------------------------------------------------------------------------


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _header(site: Site) -> str:
    return (
        f'<div class="header"><div class="logo"><a href="/">{SITE_NAME}</a></div>'
        '<div class="toplinks"><a href="/search/">站内搜索</a> <a href="/member/">会员登录</a></div>'
        f"{nav(site)}</div>"
    )


def nav(site: Site) -> str:
    """The top navigation: one li per section, each with a drop-down of its channels."""
    items = []
    for section, section_path, channels in site.sections():
        links = "".join(f'<a href="{c.path}index.shtml">{escape(c.name)}</a>' for c in channels)
        items.append(
            f'<li><a href="{section_path}">{escape(section)}</a><div class="subnav">{links}</div></li>'
        )
    return f'<div class="nav"><ul class="font24">{"".join(items)}</ul></div>'


def _footer() -> str:
    lines = "".join(f"<p>{escape(line)}</p>" for line in FOOTER_LINES)
    return f'<div class="footer">{lines}<p class="m-copyright">{escape(MOBILE_FOOTER_LINE)}</p></div>'


def _list_item(article: Article) -> str:
    title = escape(article.title)
    return (
        f'<li><a href="{article.path}" title="{title}">{title}</a>'
        f'<span class="time">{article.date.isoformat()}</span></li>'
    )


def _pager(number: int, pages: int) -> str:
    links = ['<a href="index.shtml">首页</a>']
    if number > 1:
        links.append(f'<a href="{list_file(number - 1)}">上一页</a>')
    if number < pages:
        links.append(f'<a href="{list_file(number + 1)}">下一页</a>')
    links.append(f'<a href="{list_file(pages)}">尾页</a>')
    return f'<div class="page">{" ".join(links)}</div>'


def _html(text: str) -> bytes:
    return text.encode("utf-8")
