"""Decoding: the declared charset first, detection for undeclared GBK, evidence recorded."""

import pytest

from processing.decode import decode_html, looks_like_html

TEXT = "无锡日报讯 锡山区推进产业强链，喆、昇等字也要解得出来。"


def page(meta: str, body: str = TEXT) -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("declared", ["gb2312", "gbk", "GB2312"])
def test_gb2312_and_gbk_are_read_as_gb18030(declared):
    # 喆 is not in GB2312: a page that says gb2312 but uses it still decodes
    got = decode_html(page(f'<meta charset="{declared}">').encode("gb18030"))
    assert TEXT in got.text
    assert (got.declared, got.used, got.replacement_ratio) == ("gb18030", "gb18030", 0.0)


def test_the_http_header_wins_over_meta():
    got = decode_html(page('<meta charset="utf-8">').encode("gb18030"), "gbk")
    assert TEXT in got.text and got.used == "gb18030"


def test_undeclared_gbk_is_detected():
    got = decode_html(page("").encode("gb18030"))
    assert TEXT in got.text
    assert got.declared is None and got.used == "gb18030" and got.detected


def test_wrong_declaration_falls_back_to_what_decodes():
    got = decode_html(page('<meta charset="utf-8">').encode("gb18030"))
    assert TEXT in got.text
    assert (got.declared, got.used) == ("utf-8", "gb18030")


def test_utf8_bom_without_declaration():
    got = decode_html(b"\xef\xbb\xbf" + page("").encode("utf-8"))
    assert TEXT in got.text and got.used == "utf-8" and not got.text.startswith("\ufeff")


def test_undecodable_bytes_are_measured_not_hidden():
    body = page('<meta charset="utf-8">', "").encode() + bytes(range(0x80, 0x100)) * 4
    got = decode_html(body)
    assert got.replacement_ratio > 0.1


def test_html_sniffing():
    assert looks_like_html(page(""))
    assert not looks_like_html("just some notes, a < b and c > d")
