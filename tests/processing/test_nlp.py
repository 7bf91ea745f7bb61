from processing import nlp


def test_wuxi_place_names_are_single_tokens():
    tokens = nlp.segment("新吴区和锡山区鹅湖镇在宛山湖畔签约")
    assert {"新吴区", "锡山区", "鹅湖镇", "宛山湖"} <= set(tokens)


def test_keywords_are_ranked_terms_of_the_text():
    text = "锡山区推进宛山湖生态科技城建设，宛山湖周边新建科创载体，科创载体吸引专精特新企业入驻。" * 3
    found = nlp.keywords(text, top_k=5)
    words = [word for word, _ in found]
    assert len(found) == 5
    assert "科创载体" in words and "宛山湖" in words
    weights = [weight for _, weight in found]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    assert all(len(word) >= 2 and "，" not in word for word in words)
