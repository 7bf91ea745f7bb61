"""``wxrb extract FILE``: one JSON object on stdout, a one-line message and an exit code otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wxrb.cli import main

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "extraction" / "cases"
ARTICLE_KEYS = {
    "title",
    "published_at",
    "authors",
    "source",
    "body",
    "parser",
    "parser_version",
    "url",
    "paragraphs",
    "images",
    "editor",
    "channel",
    "lead",
    "garble_ratio",
    "encoding_used",
    "content_hash",
    "char_count",
}

# The portal template as the replica serves it (docs/wxrb-site.md §1), saved without its URL.
PORTAL_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>锡山区新增三条公交线路-无锡新传媒</title></head><body>
<div class="header"><div class="logo"><a href="/">无锡新传媒</a></div></div>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/news/">新闻中心</a> &gt;
<a href="/news/wx/index.shtml">无锡新闻</a> &gt; 正文</div>
<div class="bigTit"><h1><strong>锡山区新增三条公交线路</strong></h1></div>
<div class="ldate"><p><span>2026</span></p><p>11/14</p><p>08:12</p><p>来源</p><p>无锡日报</p></div>
<div class="share"><span>分享到：</span><a class="fa fa-star" title="收藏"></a></div>
<div class="fontSize">字号：<a>大</a><a>中</a><a>小</a></div>
<div id="zoom" class="font16"><p>\u3000\u3000本报讯 锡山区今起新增三条公交线路，方便沿线居民出行。</p>
<p>\u3000\u3000新线路连接地铁站、学校和医院，早晚高峰加密班次。</p><p>（记者 张三）</p>
<p>责任编辑：李四</p></div>
<div class="footer"><p>Copyright(C) 1998-2026 wxrb.com All Rights Reserved</p><p>苏ICP备05004020号</p></div>
</body></html>
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_portal_page_without_url(tmp_path, capsys):
    code, out, err = run(capsys, write(tmp_path, "page.shtml", PORTAL_PAGE.encode("utf-8")))
    assert code == 0 and err == ""
    data = json.loads(out)
    assert ARTICLE_KEYS <= data.keys()
    assert data["parser"] == "portal" and data["title"] == "锡山区新增三条公交线路"
    assert data["published_at"] == "2026-11-14T08:12:00+08:00" and data["source"] == "无锡日报"
    assert data["authors"] == ["张三"] and data["editor"] == "李四"


def test_portal_page_with_url(tmp_path, capsys):
    path = write(tmp_path, "page.shtml", PORTAL_PAGE.encode("utf-8"))
    code, out, _ = run(capsys, path, "--url", "https://www.wxrb.com/doc/2026/11/14/463770.shtml")
    assert code == 0 and json.loads(out)["doc_id"] == "463770"


def test_generic_page_with_declared_encoding(capsys):
    code, out, err = run(capsys, str(CASES / "generic_gov_gbk.html"), "--encoding", "gbk")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert ARTICLE_KEYS <= data.keys()
    assert data["parser"] == "generic" and data["channel"] == "部门动态"
    assert data["title"] == "市发展改革委召开全市重点项目推进会" and data["encoding_used"] == "gb18030"


def test_output_is_one_utf8_json_object(capsys):
    code, out, _ = run(capsys, str(CASES / "generic_xinhua_dispatch.html"))
    assert code == 0 and "新华网" in out and "\\u" not in out  # ensure_ascii=False
    assert out.startswith("{\n  ") and isinstance(json.loads(out), dict)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("image.png", PNG, "binary"),
        ("empty.html", b"", "empty"),
        ("blank.html", b" \n\t\n", "empty"),
        ("notes.txt", "锡山区新增三条公交线路。\n这不是网页，只是一段文字。\n".encode(), "no HTML markup"),
    ],
)
def test_not_html(tmp_path, capsys, name, data, reason):
    path = write(tmp_path, name, data)
    code, out, err = run(capsys, path)
    assert code == 3 and out == ""
    assert err.startswith(f"wxrb extract: {path} is not an HTML page: ") and reason in err
    assert err.count("\n") == 1


def test_html_without_article(tmp_path, capsys):
    path = write(
        tmp_path,
        "nav.html",
        b"<html><head><title>x</title></head><body><div><a href='/'>home</a></div></body></html>",
    )
    code, out, err = run(capsys, path)
    assert code == 4 and out == "" and err.startswith(f"wxrb extract: no article found in {path}: ")


def test_missing_file(tmp_path, capsys):
    path = str(tmp_path / "nope.html")
    code, out, err = run(capsys, path)
    assert code == 2 and out == "" and err.startswith(f"wxrb extract: cannot read {path}: ")


def test_directory_is_unreadable(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "cannot read" in err


def test_unknown_encoding(capsys):
    code, _, err = run(capsys, str(CASES / "generic_gov_gbk.html"), "--encoding", "no-such-charset")
    assert code == 2 and "unknown encoding 'no-such-charset'" in err


# A mirror's broken copy: the replacement characters are in the page itself.
GARBLED_PAGE = (
    '<html><head><meta charset="utf-8"><title>锡东大桥封闭施工</title></head><body><h1>锡东大桥封闭施工</h1>'
    '<div class="content"><p>锡东大桥今晚22时起封闭施工\ufffd\ufffd预计持续三天\ufffd请车辆绕行\ufffd</p>'
    "<p>施工期间\ufffd\ufffd公交线路调整\ufffd具体以站牌为准\ufffd\ufffd</p></div></body></html>"
)


def test_garbled_page_is_printed_and_flagged(tmp_path, capsys):
    path = write(tmp_path, "garbled.html", GARBLED_PAGE.encode("utf-8"))
    code, out, err = run(capsys, path)
    assert code == 5 and json.loads(out)["garble_ratio"] > 0.01
    assert err.startswith(f"wxrb extract: {path} is flagged: garble ratio ") and err.count("\n") == 1


def test_flagged_page_prints_json_and_exits_5(capsys, monkeypatch):
    import processing.extract

    monkeypatch.setattr(processing.extract, "is_flagged", lambda article: True)
    code, out, err = run(capsys, str(CASES / "generic_wechat_account.html"))
    assert code == 5 and json.loads(out)["parser"] == "generic"
    assert "flagged" in err and "garble ratio" in err


def test_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["extract", "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for line in ("exit codes:", "  2  ", "  3  ", "  4  ", "  5  "):
        assert line in out


IMPORTS_PROBE = """
import sys
from wxrb.cli import main
code = main(["extract", sys.argv[1]])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"airflow", "psycopg", "scrapy", "twisted"})
print("HEAVY", heavy, file=sys.stderr)
sys.exit(code)
"""


def test_subprocess_without_database_or_airflow(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "WXRB_HOME": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
    }
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_PROBE, str(CASES / "generic_meta_utc.html")],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout.decode("utf-8"))["published_at"] == "2026-11-14T01:05:00+08:00"
    heavy = result.stderr.decode().rsplit("HEAVY", 1)[1]
    assert "airflow" not in heavy and "scrapy" not in heavy and "twisted" not in heavy


def test_extract_does_not_import_psycopg(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_PROBE, str(CASES / "generic_meta_utc.html")],
        capture_output=True,
        cwd=REPO,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "WXRB_HOME": str(tmp_path)},
    )
    assert "psycopg" not in result.stderr.decode().rsplit("HEAVY", 1)[1]
