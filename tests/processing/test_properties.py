"""Properties of extraction and cleaning on inputs nobody wrote by hand (hypothesis).

- any bytes: ``extract`` returns an Article or raises NotHtmlError / ParseError, nothing else,
  and does not hang;
- real pages mutated (truncated, cut, spliced, duplicated, re-encoded, charset removed): the same;
- any text, and text built from the mirror-damage alphabet: ``textclean`` returns, and its output
  holds no ``</p>``.

Examples are derandomised and the database is off, so CI sees the same examples on every run.
"""

from __future__ import annotations

import functools
import html
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from processing import textclean
from processing.article import Article
from processing.decode import decode_html
from processing.extract import NotHtmlError, extract
from processing.parsers import ParseError

# Generated inputs start with <?xml …> on purpose; bs4 warns about that on every such example.
pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
CASES = Path(__file__).resolve().parents[1] / "extraction" / "cases"
DEADLINE_MS = 2000  # one extraction of a mutated page; a hang shows up as a deadline error


@pytest.fixture(scope="module", autouse=True)
def warm_caches():
    """Load the dictionaries (OpenCC, pypinyin, jieba) once, so no example pays it against the deadline."""
    textclean.clean_text("無錫新區(qū)形神兼?zhèn)?rdquo;為導向，根基?!。ㄒ鼤煟?/p>")
    extract((CASES / "generic_mirror_traditional.html").read_bytes())


def reproducible(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=DEADLINE_MS,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def assert_extracts_or_refuses(body: bytes, url: str | None = None, encoding: str | None = None) -> str:
    """The property; returns what happened, for hypothesis' statistics."""
    try:
        article = extract(body, url, encoding)
    except (NotHtmlError, ParseError) as exc:
        return type(exc).__name__
    assert isinstance(article, Article)
    assert article.title and article.paragraphs and all(isinstance(p, str) and p for p in article.paragraphs)
    assert article.published_at is None or isinstance(article.published_at, datetime)
    assert article.published_at is None or article.published_at.tzinfo is not None
    json.dumps(article.to_json(), ensure_ascii=False)
    return f"article ({article.parser})"


# --- arbitrary bytes ----------------------------------------------------------------------------

HTML_PIECES = [
    b"<html>",
    b"<head>",
    b"<body>",
    b"<p>",
    b"</p>",
    b"<div>",
    b"<h1>",
    b"</h1>",
    b"<title>",
    b"<br>",
    b"<meta charset=gbk>",
    b"<meta charset='utf-16'>",
    b"<?xml version='1.0' encoding='gb2312'?>",
    b"<time datetime='2026-11-14T08:12'>",
    b"<meta property='article:published_time' content='x'>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"&nbsp;",
    b"&#xfffff;",
    b"<!--",
    b"-->",
    b"<script>",
    b"<img src=",
    "来源：新华社 2026年11月14日 08:12 责任编辑：王五（记者 张三）區(qū)".encode(),
    "惠山古镇老街区启动微更新，百年祠堂群将分批开放。".encode("gb18030"),
]
html_soup = st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.binary(max_size=24)), max_size=40).map(
    b"".join
)


@pytest.mark.timeout(120)
@reproducible(800)
@given(st.binary(max_size=4096))
def test_any_bytes(body):
    event(assert_extracts_or_refuses(body))


@pytest.mark.timeout(120)
@reproducible(800)
@given(
    html_soup,
    st.sampled_from(
        [
            None,
            "https://www.wxrb.com/doc/2026/11/14/463770.shtml",
            "http://szb.wxrb.com/pc/content/202611/14/content_1.html",
            "https://example.cn/2026-11/14/1.html",
        ]
    ),
    st.sampled_from([None, "utf-8", "gbk", "utf-16", "latin-1", "no-such-charset"]),
)
def test_html_like_bytes(body, url, encoding):
    event(assert_extracts_or_refuses(body, url, encoding))


# --- generated news pages of unknown layout (the generic parser's header, date and source rules)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PROSE = st.text(st.one_of(CJK, st.sampled_from("，。、“”（）：0123456789 ")), min_size=1, max_size=80)
NUMBER = st.integers(0, 99).map(str)
DATE_SHAPES = [
    "{y}-{mo}-{d} {h}:{mi}",
    "{y}/{mo}/{d} {h}:{mi}:{s}",
    "{y}年{mo}月{d}日 {h}:{mi}",
    "{y}年{mo}月{d}日{h}:{mi}",
    "发布时间：{y}年{mo}月{d}日",
    "时间：{y}-{mo}-{d}",
    "{mo}月{d}日",
    "{y}.{mo}.{d}",
]


@st.composite
def news_pages(draw, layout: str) -> tuple[bytes, str | None]:
    """A page of an unknown site (or in the portal's markup): any mix of meta date, <time>, header
    line, breadcrumb, body paragraphs and images, with odd dates, labels and URLs."""
    numbers = {k: draw(st.integers(0, 9999 if k == "y" else 99)) for k in ("y", "mo", "d", "h", "mi", "s")}
    date = draw(st.sampled_from(DATE_SHAPES)).format(**numbers)
    header = " ".join(
        draw(
            st.lists(
                st.sampled_from(
                    [
                        date,
                        f"来源：{draw(PROSE)}",
                        f"作者：{draw(PROSE)}",
                        f"记者 {draw(PROSE)}",
                        "编辑：",
                        "来源：",
                        "|",
                    ]
                ),
                max_size=5,
            )
        )
    )
    meta = draw(st.sampled_from(["", '<meta property="article:published_time" content="{}">']))
    meta = meta.format(draw(st.sampled_from([date, f"{numbers['y']}-13-40T25:61:00+99:00", draw(PROSE), ""])))
    time_el = draw(
        st.sampled_from(["", f"<time datetime='{date}'>{date}</time>", "<li><time>{date}</time></li>"])
    )
    crumbs = draw(st.sampled_from(["", '<div class="crumbs">位置：<a>首页</a> &gt; <a>{}</a></div>']))
    crumbs = crumbs.format(draw(PROSE))
    paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in draw(st.lists(PROSE, max_size=6)))
    image = st.tuples(st.sampled_from(["src", "data-src"]), st.sampled_from(IMAGE_SRCS), PROSE)
    images = "".join(
        f"<p><img {attr}='{html.escape(src)}' alt='{html.escape(alt)}'></p><p class='pic-desc'>{html.escape(alt)}</p>"
        for attr, src, alt in draw(st.lists(image, max_size=2))
    )
    title = html.escape(draw(PROSE))
    if layout == "portal":
        head = (
            f"<div class='bigTit'><h1><strong>{title}</strong></h1></div><div class='ldate'><p><span>"
            f"{numbers['y']}</span></p><p>{numbers['mo']}/{numbers['d']}</p><p>{numbers['h']}:{numbers['mi']}</p>"
            f"<p>来源</p><p>{html.escape(header)}</p></div>"
        )
        content = f"<div id='zoom'>{images}{paragraphs}</div>"
    else:
        head = f"<h1>{title}</h1><div class='info'>{html.escape(header)}{time_el}</div>"
        content = f"<div class='content'>{images}{paragraphs}</div>"
    page = (
        f"<html><head>{meta}<title>{title}_某某网</title></head><body>{crumbs}{head}{content}"
        f"<div class='comment'><time datetime='2026-11-15T10:00'>x</time><p>{html.escape(draw(PROSE))}</p></div>"
        "</body></html>"
    )
    encoding = draw(st.sampled_from(["utf-8", "gb18030"]))
    url = draw(st.sampled_from([None, *URL_SHAPES[layout]]))
    return page.encode(encoding), url.format(**numbers) if url else None


IMAGE_SRCS = ["a.jpg", "//x.cn/b.png", "data:,", "", " ", "http://[::1/c.jpg"]
URL_SHAPES = {
    "generic": ["https://example.cn/{y}/{mo}/{d}/1.html", "https://example.cn/{y}{mo}{d}/1.html"],
    "portal": ["https://www.wxrb.com/doc/2026/11/14/463770.shtml"],
}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("layout", ["generic", "portal"])
@reproducible(400)
@given(data=st.data())
def test_generated_news_pages(layout, data):
    body, url = data.draw(news_pages(layout), label="page")
    event(assert_extracts_or_refuses(body, url))
    try:
        article = extract(body, url)
    except (NotHtmlError, ParseError):
        return
    assert article.published_at is None or str(article.published_at.tzinfo) == "Asia/Shanghai"
    assert article.published_at_source in (None, "page", "page_date", "url")


# --- mutated real pages -------------------------------------------------------------------------

CHARSET = re.compile(rb"""\s*charset\s*=\s*["']?[\w-]+["']?""", re.IGNORECASE)


@functools.cache
def real_pages() -> tuple[tuple[bytes, str | None], ...]:
    """Every stored case page (with its URL) and replica pages of each template, rendered in-process."""
    from replica.content import build_site
    from replica.templates import build_routes

    pages = []
    for path in sorted(CASES.glob("*.html")):
        meta_path = path.with_suffix(".json")
        url = json.loads(meta_path.read_text(encoding="utf-8")).get("url") if meta_path.exists() else None
        pages.append((path.read_bytes(), url))
    routes = build_routes(build_site())
    for pattern in (r"^/doc/\d{4}/", r"^/pc/content/", r"^/jnwb/pc/content/", r"^/paper/wxrb/html/"):
        path = next((p for p in sorted(routes) if re.match(pattern, p) and routes[p].status == 200), None)
        if path:
            pages.append((routes[path].body, None))
    return tuple(pages)


def test_mutation_sources_include_cases_and_replica_pages():
    """Unmutated, every page is an article, except the cases whose expected result is an error."""
    pages = real_pages()
    assert len(pages) >= len(list(CASES.glob("*.html"))) + 2
    expected_errors = {
        path.stem
        for path in CASES.parent.glob("expected/*/v*/*.json")
        if "error" in json.loads(path.read_text(encoding="utf-8"))
    }
    refused = set()
    for (body, url), name in zip(pages, page_names(), strict=False):
        try:
            extract(body, url)
        except ParseError:
            refused.add(name)
    assert refused <= expected_errors


def page_names() -> list[str]:
    return [path.stem for path in sorted(CASES.glob("*.html"))]


MUTATIONS = ("truncate", "delete", "insert", "duplicate", "gb18030", "utf-16", "no-charset")


def mutate(data, body: bytes, kind: str) -> bytes:
    i = data.draw(st.integers(0, len(body)), label="i")
    j = data.draw(st.integers(i, len(body)), label="j")
    if kind == "truncate":
        return body[:i]
    if kind == "delete":
        return body[:i] + body[j:]
    if kind == "insert":
        return body[:i] + data.draw(st.binary(min_size=1, max_size=64), label="inserted") + body[i:]
    if kind == "duplicate":
        return body[:j] + body[i:j] + body[j:]
    if kind == "no-charset":
        return CHARSET.sub(b"", body)
    return decode_html(body).text.encode(kind)


@pytest.mark.timeout(180)
@reproducible(1200)
@given(st.data())
def test_mutated_real_pages(data):
    body, url = data.draw(st.sampled_from(real_pages()), label="page")
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    mutated = mutate(data, body, kind)
    outcome = assert_extracts_or_refuses(mutated, data.draw(st.sampled_from([url, None]), label="url"))
    event(f"{kind}: {outcome}")


# --- textclean ----------------------------------------------------------------------------------


def escaped(tag: str, times: int) -> str:
    for _ in range(times):
        tag = html.escape(tag, quote=False)
    return tag


# A tag as text, escaped 0-3 times (CMS copies double-escape), or nested in itself (<</p>/p>).
TAG_AS_TEXT = st.one_of(
    st.builds(escaped, st.sampled_from(["</p>", "<p>", "<br/>", "</span>"]), st.integers(0, 3)),
    st.builds(lambda n: "<" * n + "</p>" + "/p>" * n, st.integers(1, 3)),
)
DAMAGE = st.one_of(
    TAG_AS_TEXT,
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.sampled_from(["(qū)", "(chǎn)", "(yè)", "(jing)", "(ji)(ji)", "(街道)", "(C)", "(", ")", "（", "）"]),
    st.sampled_from(["?", "?!", "!", "\ufffd", "。", "，", "“", "”", "　", "\u00a0", " ", "\n", "\r\n"]),
    st.sampled_from(
        [
            "</p>",
            "<p>",
            "<br/>",
            "<",
            ">",
            "/",
            "p",
            "&nbsp;",
            "&rdquo;",
            "&",
            ";",
            "</",
            "<<//pp>>",
            "&lt;",
            "&gt;",
            "&amp;",
        ]
    ),
    st.sampled_from(
        [
            "（记者 张三）",
            "（张三 摄）",
            "责任编辑：王五",
            "本报讯",
            "声明：本文仅代表作者个人观点",
            "苏ICP备05004020号",
            "版權所有",
            "區",
            "發",
            "產",
            "無錫",
        ]
    ),
)
damaged_text = st.lists(DAMAGE, max_size=60).map("".join)


def cleaned_output(text: str) -> str:
    result = textclean.clean_text(text)
    parts = [*result.paragraphs, *result.authors, *result.photographers, result.editor or ""]
    return "\n".join(parts)


@pytest.mark.timeout(120)
@reproducible(1500)
@given(st.one_of(st.text(max_size=300), damaged_text))
def test_clean_text_returns_without_stray_paragraph_tags(text):
    assert "</p>" not in cleaned_output(text)
    line = textclean.clean_line(text.replace("\n", " "))
    assert line is None or "</p>" not in line
