"""The plain-text cleaning pipeline (processing.textclean) on the seed page and small inputs.

replica/data/seed_article.clean.txt is a REVIEWED output: it was generated with
``clean_text(seed).text`` and then checked line by line against the seed by eye (every place a
pinyin note or mojibake was, 形神兼备 and the byline 尹晖, (街道) and (东亭段) kept) and against
an independent derivation (known notes removed by a plain regex, the two mojibake stretches
replaced by hand, OpenCC t2s). Regenerate it only when a rule changes, and review the diff.
The assertions after the file comparison do not depend on the file.
"""

import json
import re
from pathlib import Path

import pytest

from processing import textclean
from processing.textclean import clean_text

DATA = Path(__file__).resolve().parents[2] / "replica" / "data"
SEED = DATA / "seed_article.txt"
SEED_CLEAN = DATA / "seed_article.clean.txt"


@pytest.fixture(scope="module")
def seed():
    return clean_text(SEED.read_text(encoding="utf-8"))


def test_seed_matches_reviewed_output(seed):
    assert seed.text == SEED_CLEAN.read_text(encoding="utf-8").rstrip("\n")


def test_seed_has_no_pinyin_notes_tags_or_mojibake_marks(seed):
    assert not re.search(r"[\u4e00-\u9fff]\([A-Za-z\u00c0-\u024f]+\)", seed.text)
    assert "</p>" not in seed.text and "&rdquo;" not in seed.text
    assert not re.search(r"\?[\u3000-\u9fff\uff00-\uffef]|[\u3000-\u9fff\uff00-\uffef]\?", seed.text)
    assert not re.search(r"[\u3100-\u312f]", seed.text), "no bopomofo"


def test_seed_has_no_footer(seed):
    for marker in ("Copyright", "版权所有", "许可证", "ICP", "苏新网备", "wxrb.com"):
        assert marker not in seed.text
    assert len(seed.dropped_lines) == 3


def test_seed_is_simplified(seed):
    for traditional in "區發無錫經濟產業態創備暉":
        assert traditional not in seed.text
    assert seed.converted_to_simplified
    assert seed.original == SEED.read_text(encoding="utf-8")


def test_seed_keeps_legitimate_parentheses_and_recovers_damaged_words(seed):
    assert "G312快速化(东亭段)" in seed.text
    assert "“功能区+镇(街道)”" in seed.text
    assert "以“形神兼备”为导向" in seed.text
    assert seed.paragraphs[-1].endswith("全方位夯实粮食安全根基。")


def test_seed_byline(seed):
    assert seed.authors == ["尹晖"]
    assert seed.photographers == []
    assert seed.editor is None
    assert "尹晖" not in seed.text


def test_seed_stats(seed):
    stats = seed.stats()
    assert json.loads(json.dumps(stats)) == stats
    assert stats["pinyin_notes_removed"] == 105
    assert stats["mojibake_repaired"] == 2
    assert stats["mojibake_dropped_chars"] == 0
    assert stats["lines_dropped"] == 3
    assert stats["paragraphs"] == len(seed.paragraphs) == 11
    assert stats["garble_ratio"] == 0.0 and not stats["garbled"]
    assert seed.changed_script_or_repaired


def test_text_without_damage_is_unchanged():
    text = "市委全会结束的第三天，锡山区委书记方力就带队前往北京。\n锡山区将深入开展“一十百千万”行动(街道)。"
    result = clean_text(text)
    assert result.text == text
    assert result.stats()["pinyin_notes_removed"] == result.stats()["mojibake_repaired"] == 0
    assert not result.converted_to_simplified and not result.changed_script_or_repaired


def test_traditional_text_without_damage_only_changes_script():
    result = clean_text("市委全會結束的第三天,錫山區委書記方力就帶隊前往北京。\n什麼?你說的對。")
    assert result.text == "市委全会结束的第三天,锡山区委书记方力就带队前往北京。\n什么?你说的对。"
    assert result.converted_to_simplified
    assert (result.pinyin_notes_removed, result.mojibake_repaired, result.dropped_lines) == (0, [], [])


@pytest.mark.parametrize(
    "line",
    [
        "声明：本文仅代表作者个人观点，不代表本站立场。",
        "免责声明：本站部分内容来自网络，如有侵权请联系删除。",
        "本文来源于网络，如有侵权，请联系删除。",
        "聲明：本文僅代表作者個人觀點。",
    ],
)
def test_disclaimer_lines_are_dropped(line):
    result = clean_text(f"锡山区将深入开展行动。\n{line}")
    assert result.paragraphs == ["锡山区将深入开展行动。"]
    assert len(result.dropped_lines) == 1


def test_a_sentence_about_a_statement_is_not_a_disclaimer():
    text = "区政府发布声明，回应群众关切。"
    assert clean_text(text).paragraphs == [text]


def test_editor_reporters_and_photographers():
    result = clean_text(
        "本报讯（记者 张三 通讯员 李四）昨天，锡山区开展行动。\n"
        "（王五 摄）\n"
        "活动现场气氛热烈。\n"
        "责任编辑：赵六"
    )
    assert result.paragraphs == ["昨天，锡山区开展行动。", "活动现场气氛热烈。"]
    assert result.authors == ["张三", "李四"]
    assert result.photographers == ["王五"]
    assert result.editor == "赵六"


def test_bare_name_after_the_last_sentence_is_a_byline_but_a_place_note_is_not():
    assert clean_text("全方位夯实粮食安全根基。（尹晖）").authors == ["尹晖"]
    result = clean_text("开工建设G312快速化（东亭段）")
    assert result.authors == [] and result.text == "开工建设G312快速化（东亭段）"


@pytest.mark.parametrize(
    "text", ["会议取得圆满成功。（新华社）", "大家都来了。（央视新闻）", "故事还没完。（待续）"]
)
def test_a_source_or_editorial_mark_after_the_last_sentence_is_no_byline(text):
    result = clean_text(text)
    assert (result.authors, result.text) == ([], text)


def test_whitespace_and_empty_lines():
    result = clean_text("\u3000\u3000第一段。  \n\n \n\u3000\u3000第二段。\r\n")
    assert result.paragraphs == ["第一段。", "第二段。"]


def test_clean_line_for_headlines():
    assert textclean.clean_line(" 錫山區(qū)加快發(fā)展 </b>") == "锡山区加快发展"
    assert textclean.clean_line("  ") is None
