from processing.bylines import names_in, split_bylines


def test_trailing_reporter_byline_is_removed_and_named():
    body, authors = split_bylines(["第一段。", "第二段。", "（记者 张三 李四 通讯员 王五）"])
    assert body == ["第一段。", "第二段。"]
    assert authors == ["张三", "李四", "王五"]


def test_photo_credit_is_not_an_author():
    body, authors = split_bylines(["第一段。", "（吕枫 摄）"])
    assert body == ["第一段。"]
    assert authors == []
    assert names_in("吕枫 摄") == ([], ["吕枫"])


def test_print_byline_with_enumeration_comma():
    assert names_in("朱冬娅、见习记者 姚程玉") == (["朱冬娅", "姚程玉"], [])


def test_lead_byline_leaves_the_body_and_names_reporter():
    body, authors = split_bylines(["本报讯（记者 陈晓）昨天，惠山古镇迎来游客高峰。", "第二段。"])
    assert body == ["昨天，惠山古镇迎来游客高峰。", "第二段。"]
    assert authors == ["陈晓"]


def test_news_agency_dateline_byline():
    body, authors = split_bylines(["新华社南京11月14日电（记者 周敏 顾晨）江苏省今天发布……"])
    assert body == ["江苏省今天发布……"]
    assert authors == ["周敏", "顾晨"]


def test_byline_glued_to_the_last_paragraph():
    body, authors = split_bylines(["第一段。", "全方位夯实粮食安全根基。（记者 尹晖）"])
    assert body == ["第一段。", "全方位夯实粮食安全根基。"]
    assert authors == ["尹晖"]


def test_parenthesis_ending_a_sentence_is_kept():
    body, authors = split_bylines(["开工建设G312快速化（东亭段）"])
    assert body == ["开工建设G312快速化（东亭段）"]
    assert authors == []


def test_parenthesised_sentence_is_not_a_byline():
    text = "（下转第三版）"
    body, authors = split_bylines(["第一段。", text])
    assert body == ["第一段。", text]
    assert authors == []


def test_name_containing_role_characters_survives():
    assert names_in("记者 王文华")[0] == ["王文华"]
