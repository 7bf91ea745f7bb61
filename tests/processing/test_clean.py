"""Cleaning rules, each against real text: the seed page a mirror served, and site shapes."""

from pathlib import Path

import pytest

from processing import clean, textclean

SEED = Path(__file__).resolve().parents[2] / "replica" / "data" / "seed_article.txt"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def test_seed_footer_lines_are_boilerplate():
    lines = seed_lines()
    footer = [line for line in lines if line.startswith(("Copyright", "互聯網", "蘇新網備"))]
    assert len(footer) == 3, "the seed ends with three footer lines"
    assert all(clean.is_boilerplate(line) for line in footer)


def test_seed_article_lines_are_not_boilerplate():
    article = [line for line in seed_lines() if not line.startswith(("Copyright", "互聯網", "蘇新網備"))]
    assert len(article) > 10
    assert [line for line in article if clean.is_boilerplate(line)] == []


def test_clean_paragraphs_on_seed_drops_footer_and_stray_tag():
    cleaned = textclean.clean_text("\n".join(seed_lines())).paragraphs
    assert len(cleaned) == len(seed_lines()) - 3
    assert not any("</p>" in line or "ICP" in line or "Copyright" in line for line in cleaned)


@pytest.mark.parametrize(
    "line",
    [
        "Copyright(C) 1998-2026 wxrb.com All Rights Reserved 无锡日报报业集团无锡新传媒网 版权所有未经授权禁止复制或镜像",
        "互联网新闻信息服务许可证:32120170007 信息网络传播视听节目许可证:110330069",
        "苏新网备2006009 苏ICP备05004020号",
        "1998-2023 无锡日报报业集团无锡新传媒网版权所有",
        "分享到：",
        "字号：大 中 小",
        "首页 > 新闻中心 > 无锡新闻 > 正文",
        "【打印本页】【关闭窗口】",
        "【字体：大 中 小】【打印】【关闭】",
        "相关链接：",
    ],
)
def test_site_boilerplate_lines(line):
    assert clean.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "开工建设G312快速化(東亭段)、锡暨大道等项目。",
        "市民可拨打服务热线咨询版权登记事宜。",
        "首页设计获奖作品将在惠山古镇展出。",
        "从签订土地出让合同到拿到施工许可证，平均用时压缩到9个工作日以内。",
        "关闭窗口期内，企业仍可线上办理。",
        "打印机产业链在锡山区集聚。",
    ],
)
def test_news_sentences_survive(line):
    assert not clean.is_boilerplate(line)


def test_whitespace_indents_and_nbsp():
    assert clean.normalise_whitespace("\u3000\u3000锡山区\u00a0 推进项目\u3000") == "锡山区 推进项目"


def test_stray_tags_and_entities():
    assert clean.strip_stray_tags("根基。</p>") == "根基。"
    assert clean.strip_stray_tags("根基。&amp;lt;/p&amp;gt;") == "根基。"  # escaped twice
    assert clean.strip_stray_tags("A&amp;B <b>粗</b>") == "A&B 粗"
    assert clean.strip_stray_tags("a < b 且 c > d") == "a < b 且 c > d"


@pytest.mark.parametrize("line", ["责任编辑：王五", "（责任编辑：王五）", "责任编辑: 王五", "責任編輯：王五"])
def test_editor_line(line):
    assert clean.editor_of(line) == "王五"


def test_editor_lines_leave_the_body():
    assert textclean.clean_text("正文第一段。\n责任编辑：王五").paragraphs == ["正文第一段。"]


def test_traditional_text_is_recognised_and_simplified_text_left_alone():
    assert clean.is_traditional("錫山區委書記方力就帶隊前往北京開展招商活動")
    assert not clean.is_traditional("记者顾昇报道：锡山区推进项目建设")  # 昇 would become 升 under t2s


def test_link_only_paragraphs_are_dropped():
    from bs4 import BeautifulSoup

    zoom = BeautifulSoup('<div><p>正文，有<a href="/x">一个链接</a>。</p><p><a href="/y">《另一篇》</a></p></div>', "lxml")
    texts = [p.get_text() for p in clean.drop_link_only_blocks(zoom.div).find_all("p")]
    assert texts == ["正文，有一个链接。"]
