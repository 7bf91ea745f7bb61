"""Mirror-damage rules (processing.garbling): small hand-written inputs, positive and negative,
and a simulation of the mirror that damaged the seed page."""

from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from processing import garbling
from processing.garbling import garble_ratio, repair_mojibake, strip_pinyin_notes

SEED = Path(__file__).resolve().parents[2] / "replica" / "data" / "seed_article.txt"


def mirror(text: str, annotated: str, note: str) -> str:
    """Damage ``text`` as the seed's mirror did: ``(note)`` inserted after the GBK bytes of
    ``annotated`` wherever they occur (across character boundaries too), then decoded with a bad
    lead byte read as ``?`` that swallows an ASCII byte after it."""
    data = text.encode("gbk").replace(annotated.encode("gbk"), f"{annotated}({note})".encode("gbk"))
    out, i = [], 0
    while i < len(data):
        if data[i] < 0x80:
            out.append(chr(data[i]))
            i += 1
            continue
        try:
            out.append(data[i : i + 2].decode("gbk"))
            i += 2
        except UnicodeDecodeError:
            out.append("?")
            i += 2 if i + 1 < len(data) and data[i + 1] < 0x80 else 1
    return "".join(out)


# ---------------------------------------------------------------- pinyin notes


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("錫山區(qū)委", "錫山區委", 1),
        ("發(fā)展產(chǎn)業(yè)", "發展產業", 3),
        ("無(wú)錫", "無錫", 1),
        ("經(jing)濟(ji)", "經濟", 2),  # toneless, after every character (§3.3)
        ("價(jia)(jia)格(ge)", "價格", 3),  # repeated
        ("區(Qū)域", "區域", 1),  # case aside
        ("綠(lǜ)色 綠(lv)色 綠(lü)色 綠(lu)色", "綠色 綠色 綠色 綠色", 4),  # ü as ü, v or u
        ("区(qu1)", "区", 1),  # tone number
        ("行(xing)(hang)", "行", 2),  # two readings of one character
        ("鎮(zhèn)(街道)", "鎮(街道)", 1),
    ],
)
def test_strip_pinyin_notes_removes_readings(text, expected, count):
    assert strip_pinyin_notes(text) == (expected, count)


@pytest.mark.parametrize(
    "text",
    [
        "功能區+鎮(街道)融合",
        "G312快速化(東亭段)",
        "Copyright(C) 1998-2024",
        "广播电视节目制作经营许可证:(苏)字第00306号",
        "人工智能(AI)产业",
        "愛(AI)",  # ai is a reading of 愛, but a capitalised note is an acronym
        "Hello (world) and ABS(asset)",  # a Latin word after a Latin word
        "中(abc)",  # letters that are no reading of the character
        "第(1)条",
    ],
)
def test_strip_pinyin_notes_keeps_legitimate_parentheses(text):
    assert strip_pinyin_notes(text) == (text, 0)


def test_a_note_that_reads_the_character_goes_and_one_that_does_not_stays():
    assert strip_pinyin_notes("行(xing)(abc)") == ("行(abc)", 1)


def test_readings_cover_the_simplified_form_too():
    assert {"qū", "qu", "qu1"} <= garbling.readings("區")
    assert "fā" in garbling.readings("發")


def test_seed_pinyin_notes():
    text, count = strip_pinyin_notes(SEED.read_text(encoding="utf-8"))
    assert count == 105
    assert "區(" not in text and "發(" not in text
    assert "(街道)" in text and "(東亭段)" in text and "(C)" in text and "(蘇)" in text
    assert "?zhèn)" in text, "a pinyin note whose ( was swallowed is mojibake, not a note"


# ---------------------------------------------------------------- mojibake


def test_seed_first_stretch_is_reproduced_by_the_mirror_simulation():
    assert mirror("形神兼備&rdquo;為導向", "鎮", "zhèn") == "形神兼?zhèn)?rdquo;為導向"
    assert "形神兼?zhèn)?rdquo;為導向" in SEED.read_text(encoding="utf-8")


def test_seed_stretch_with_swallowed_paren_and_entity():
    repair = repair_mojibake("實施科技創業載體高質量發展行動,以“形神兼?zhèn)?rdquo;為導向,")
    assert repair.text == "實施科技創業載體高質量發展行動,以“形神兼備&rdquo;為導向,"
    assert repair.repaired == [("?zhèn)?rdquo;", "備&rdquo;")]
    assert repair.dropped_chars == 0


def test_seed_byline_read_one_byte_off():
    repair = repair_mojibake("全方位夯實糧食安全根基?!。ㄒ鼤煟?/p>")
    assert repair.text == "全方位夯實糧食安全根基。\u3000（尹暉）</p>"
    assert repair.repaired == [("?!。ㄒ鼤煟?/p>", "。\u3000（尹暉）</p>")]
    assert repair.dropped_chars == 0


def test_full_stop_and_quote_turned_into_question_and_bang():
    # §3.2: 。“ is A1A3 A1B0; its A3A1 read as ！ and was replaced by "!".
    assert repair_mojibake("工作完成了?!拔覀冏甙伞?/p>").text == "工作完成了。“我們走吧”</p>"


def annotated_inside(text: str, i: int) -> str:
    """``text`` as the mirror serves it when its annotator matched the "character" made of the
    last byte of ``text[i]`` and the first byte of ``text[i + 1]``."""
    data = text.encode("gbk")
    offset = len(text[: i + 1].encode("gbk")) - 1
    straddle = data[offset : offset + 2].decode("gbk")
    return mirror(text, straddle, pinyin(straddle, style=Style.TONE)[0][0])


@pytest.mark.parametrize(
    ("original", "i", "garbled"),
    [
        ("錫山區將深入開展行動", 1, "錫山?lǚ)^將深入開展行動"),
        ("我們要拿出最好狀態,推動經濟發展。", 7, "我們要拿出最好狀?láo)B,推動經濟發展。"),  # 態 = 91 42
        ("形神兼備&rdquo;為導向", 2, "形神兼?zhèn)?rdquo;為導向"),  # the seed's stretch
        ("構建現代化產業體系作為強區之要", 9, "構建現代化產業體系作?xí)閺妳^之要"),
        ("開展“一十百千萬”行動", 3, "開展“一?huáng)?百千萬”行動"),
    ],
)
def test_simulated_cross_boundary_annotations_come_back_whole(original, i, garbled):
    assert annotated_inside(original, i) == garbled
    repair = repair_mojibake(garbled)
    assert repair.text == original
    assert repair.dropped_chars == 0


def test_yin_wei_style_mojibake_drops_the_byte_nothing_pins_down():
    # 因為 = D2F2 9EE9; F2 9E is 驗 (yàn). The first lost byte is 9E (from the pinyin), the last
    # one is free and no 4-character word pins it, so 為 is counted as dropped, not guessed.
    assert mirror("因為", "驗", "yàn") == "因?yàn)?"
    repair = repair_mojibake("因?yàn)")
    assert repair.text == "因"
    assert repair.dropped_chars == 1
    assert repair.repaired == [("?yàn)", "")]


def test_a_guess_needs_a_long_word_and_is_never_chained():
    # 因為他說: the byte of 他 is lost; 所 would make 所说 (a word), but two characters are no proof.
    repair = repair_mojibake(mirror("因為他說,我們會來。", "驗", "yàn"))
    assert "所" not in repair.text
    assert repair.text.endswith("說,我們會來。")
    assert "?" not in repair.text


def test_certain_damage_that_cannot_be_decoded_is_dropped_and_counted():
    repair = repair_mojibake("好?ㄅ")
    assert repair.text == "好"
    assert repair.dropped_chars == 2


@pytest.mark.parametrize(
    "text",
    [
        "What? Why not?",
        "http://www.wxrb.com/search?q=%E6%97%A0&page=2",
        "你去哪里?我不知道。",
        "真的吗?!我不信。",
        "价格?",
        "是谁?堃",  # a rare character after a "?" that does not decode into anything better
        "中(abc)?xyz",
        "市委全會結束的第三天,錫山區委書記方力就帶隊前往北京。",
    ],
)
def test_text_with_a_real_question_mark_does_not_change(text):
    repair = repair_mojibake(text)
    assert (repair.text, repair.repaired, repair.dropped_chars) == (text, [], 0)


# ---------------------------------------------------------------- garble ratio


def test_garble_ratio_of_clean_text_is_zero():
    assert garble_ratio("市委全会结束的第三天，锡山区委书记方力就带队前往北京。What? 你好吗?我很好") == 0.0
    assert garble_ratio("") == 0.0
    assert garble_ratio(" \n\u3000") == 0.0


@pytest.mark.parametrize(
    ("text", "damaged"),
    [
        ("中文\ufffd\ufffd", 2),  # replacement characters
        ("中\ue000文", 1),  # private use area
        ("中\x01文", 1),  # a control character
        ("中ㄅ文", 1),  # bopomofo
        ("兼?zhèn)備", 1),  # a mark glued to Han
        ("因為?他", 1),
    ],
)
def test_garble_ratio_counts_damage(text, damaged):
    assert garble_ratio(text) == pytest.approx(damaged / len(text))


def test_garble_ratio_of_the_seed_before_and_after_repair():
    seed = SEED.read_text(encoding="utf-8")
    assert 0 < garble_ratio(seed) < garbling.GARBLE_THRESHOLD
    repaired = repair_mojibake(strip_pinyin_notes(seed)[0]).text
    assert garble_ratio(repaired) == 0.0


def test_text_decoded_with_the_wrong_charset_is_flagged():
    wrong = "市委全会结束的第三天，锡山区委书记方力就带队前往北京。".encode().decode("gbk", errors="replace")
    assert garble_ratio(wrong) > garbling.GARBLE_THRESHOLD
