"""``wxrb clean-text FILE [--json]``: a mirror's plain-text copy of an article, cleaned."""

import json
import subprocess
import sys
from pathlib import Path

from wxrb.cli import main

DATA = Path(__file__).resolve().parents[1] / "replica" / "data"
SEED = DATA / "seed_article.txt"
SEED_CLEAN = DATA / "seed_article.clean.txt"
WXRB = str(Path(sys.executable).parent / "wxrb")


def test_seed_prints_clean_text_and_reports_on_stderr(capsys):
    assert main(["clean-text", str(SEED)]) == 0
    out, err = capsys.readouterr()
    assert out == SEED_CLEAN.read_text(encoding="utf-8")
    assert "authors: 尹晖" in err
    assert "pinyin notes removed: 105" in err
    assert "mojibake: 2 stretches repaired, 0 characters dropped" in err
    assert "lines dropped: 3" in err


def test_seed_as_json(capsys):
    assert main(["clean-text", str(SEED), "--json"]) == 0
    out, err = capsys.readouterr()
    got = json.loads(out)
    assert got["paragraphs"] == SEED_CLEAN.read_text(encoding="utf-8").splitlines()
    assert got["authors"] == ["尹晖"]
    assert got["photographers"] == [] and got["editor"] is None
    assert got["stats"]["pinyin_notes_removed"] == 105
    assert got["stats"]["mojibake_repaired"] == 2
    assert "尹晖" in out, "not \\u-escaped"
    assert err == ""


def test_gb18030_file(tmp_path, capsys):
    file = tmp_path / "gbk.txt"
    file.write_bytes("錫山區(qū)委書記方力\n（記者 張三）".encode("gb18030"))
    assert main(["clean-text", str(file)]) == 0
    out, err = capsys.readouterr()
    assert out == "锡山区委书记方力\n"
    assert "read as gb18030" in err and "authors: 张三" in err


def test_missing_file(tmp_path, capsys):
    assert main(["clean-text", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_undecodable_file(tmp_path, capsys):
    file = tmp_path / "binary.txt"
    file.write_bytes(b"\x81\x20\xff\xfe\x80\x80")
    assert main(["clean-text", str(file)]) == 3
    assert "neither UTF-8 nor GB18030" in capsys.readouterr().err


def test_console_script_writes_utf8(tmp_path):
    result = subprocess.run(
        [WXRB, "clean-text", str(SEED)], capture_output=True, timeout=120, env={"LC_ALL": "C", "PATH": ""}
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout == SEED_CLEAN.read_bytes()
    assert "尹晖".encode() in result.stderr
