"""The ``wxrb`` command as users call it."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from wxrb.cli import main

WXRB = str(Path(sys.executable).parent / "wxrb")


def save_page(replica, path: str, directory: Path) -> Path:
    with urllib.request.urlopen(replica.base_url + path, timeout=10) as response:
        target = directory / Path(path).name
        target.write_bytes(response.read())
    return target


def test_extract_every_replica_article(replica, manifest, tmp_path, capsys):
    for expected in manifest["articles"]:
        file = save_page(replica, expected["url"], tmp_path)
        assert main(["extract", str(file), "--url", "https://www.wxrb.com" + expected["url"]]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["title"] == expected["title"]
        assert got["published_at"] == expected["published_at"]
        assert got["source"] == expected["source"]
        assert got["authors"] == expected["authors"]
        assert got["body"] == "\n".join(expected["paragraphs"])
        assert (got["site"], got["doc_id"]) == ("portal", expected["doc_id"])


def test_extract_console_script_prints_utf8_json(replica, manifest, tmp_path):
    expected = manifest["articles"][0]
    file = save_page(replica, expected["url"], tmp_path)
    result = subprocess.run([WXRB, "extract", str(file)], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    got = json.loads(result.stdout.decode("utf-8"))
    assert expected["title"].encode("utf-8") in result.stdout  # not \\u-escaped
    assert {"title", "published_at", "source", "authors", "body", "parser"} <= set(got)


def test_extract_gbk_page_without_any_help(replica, manifest, tmp_path, capsys):
    expected = manifest["articles"][1]
    utf8 = save_page(replica, expected["url"], tmp_path).read_bytes().decode("utf-8")
    gbk = tmp_path / "gbk.html"
    gbk.write_bytes(utf8.replace('charset="utf-8"', 'charset="gbk"').replace("charset=utf-8", "charset=gbk")
                    .encode("gbk"))
    assert b"charset=\"gbk\"" in gbk.read_bytes() or b"charset=gbk" in gbk.read_bytes()
    assert main(["extract", str(gbk)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["title"] == expected["title"]
    assert got["body"] == "\n".join(expected["paragraphs"])


def test_extract_rejects_a_page_that_is_no_article(tmp_path, capsys):
    file = tmp_path / "notes.txt"
    file.write_bytes(b"just some notes, no html")
    assert main(["extract", str(file)]) == 3
    assert "is not an HTML page" in capsys.readouterr().err


def test_extract_missing_file(capsys):
    assert main(["extract", "/nonexistent/page.html"]) == 2
    assert "No such file" in capsys.readouterr().err


def test_run_against_a_dead_site_fails_within_seconds(dsn):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    result = subprocess.run(
        [WXRB, "run", "--since", "2026-11-20"], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "WXRB_PORTAL_URL": f"http://127.0.0.1:{port}"},
    )
    assert result.returncode == 1
    assert "cannot reach" in result.stderr and "make demo" in result.stderr
    assert time.monotonic() - started < 30


def test_db_url_prints_the_configured_dsn(dsn, capsys):
    assert main(["db", "url"]) == 0
    assert capsys.readouterr().out.strip() == dsn


@pytest.mark.parametrize("argv", [["crawl", "portal", "--since", "2026-13-01"], ["run", "--until", "x"]])
def test_bad_dates_are_usage_errors(argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_cli_sources_are_the_job_sources():
    from wxrb import config, jobs

    assert list(config.SOURCES) == list(jobs.SPIDERS)
