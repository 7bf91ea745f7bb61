import re

from processing import dictionaries, nlp

DATA_FILES = (dictionaries.USER_DICT, dictionaries.STOPWORDS, dictionaries.GAZETTEER)


def test_every_data_file_opens_with_its_version():
    for path in DATA_FILES:
        assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", dictionaries.file_version(path)), path.name


def test_version_names_the_three_files():
    parts = [dictionaries.file_version(path) for path in DATA_FILES]
    assert dictionaries.version() == "userdict {} / stopwords {} / gazetteer {}".format(*parts)


def test_user_dict_reaches_jieba_without_comment_lines():
    text = dictionaries.user_dict_text()
    assert "#" not in text and "无锡市 2000 ns" in text
    assert {"市委", "江南大学", "市发改委"} <= dictionaries.user_words("nt")


def test_wuxi_terms_stay_one_token():
    tokens = nlp.segment("锡山区鹅湖镇和东亭街道围绕宛山湖培育专精特新企业，新吴区发展物联网和集成电路")
    assert {"鹅湖镇", "东亭街道", "宛山湖", "专精特新", "物联网", "集成电路", "新吴区"} <= set(tokens)


def test_stopwords_hold_news_filler_but_not_xi():
    stop = dictionaries.stopwords()
    assert {"记者", "获悉", "表示", "据悉", "目前", "同时", "进一步", "相关", "工作", "，"} <= stop
    assert "锡" not in stop and "无锡" not in stop


def test_keywords_drop_stopwords():
    text = "记者获悉，相关工作进一步推进。记者表示，目前宛山湖周边科创载体同时吸引专精特新企业。" * 4
    words = [word for word, _ in nlp.keywords(text, top_k=8)]
    assert "宛山湖" in words and "科创载体" in words
    assert not set(words) & dictionaries.stopwords()


def test_gazetteer_is_a_tree_under_wuxi():
    index = dictionaries.gazetteer_index()
    assert len(index) == len(dictionaries.gazetteer())  # normalised names are unique
    for place in dictionaries.gazetteer():
        assert place.level in dictionaries.PLACE_LEVELS
        assert (place.parent is None) == (place.normalised == "无锡市")
        assert place.ancestors()[-1:] == [] or place.ancestors()[-1].normalised == "无锡市"


def test_ancestors_nearest_first():
    index = dictionaries.gazetteer_index()
    assert [p.normalised for p in index["鹅湖镇"].ancestors()] == ["锡山区", "无锡市"]
    assert [p.normalised for p in index["荡口古镇"].ancestors()] == ["鸿山街道", "新吴区", "无锡市"]
    assert index["无锡市"].ancestors() == []


def test_aliases_are_unique_and_point_to_their_place():
    aliases = [(a, p.normalised) for p in dictionaries.gazetteer() for a in p.aliases]
    assert len({a for a, _ in aliases}) == len(aliases)
    expected = {("经开区", "无锡经济开发区"), ("新吴", "新吴区"), ("宜兴", "宜兴市"), ("锡", "无锡市")}
    assert expected <= set(aliases)
    names = {p.name for p in dictionaries.gazetteer()}
    assert not {a for a, _ in aliases} & names
