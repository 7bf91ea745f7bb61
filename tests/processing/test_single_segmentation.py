"""One precise jieba cut per article, shared by TF-IDF and the search tokens, changes no output.

Enrichment used to cut each article three times (TF-IDF's jieba.cut, posseg, cut_for_search for
the title and the body); TF-IDF and the search tokens now reuse one cut (processing.nlp.words).
Every replica page is enriched by the stage and compared with jieba's own functions called the
way the stage called them before: keywords of both TF-IDF methods with their weights, title
tokens and body tokens must be identical.
"""

from __future__ import annotations

import math
import urllib.request
from collections import Counter

import jieba
import jieba.analyse
import pytest

from processing import nlp, settings, stories
from processing.search import WORD
from processing.stage import process_page


def old_keywords(extractor, text: str) -> list[tuple[str, float]]:
    """TF-IDF as the stage computed it before: the extractor segments with jieba.dt itself."""
    return nlp._kept(extractor.extract_tags(text, topK=settings.KEYWORDS_PER_ARTICLE * 2, withWeight=True),
                     settings.KEYWORDS_PER_ARTICLE)


def old_index_tokens(text: str) -> str:
    return " ".join(token for token in jieba.cut_for_search(text) if token.strip() and WORD.search(token))


@pytest.fixture(scope="module")
def pages(replica, manifest) -> list[tuple[str, bytes]]:
    """(URL, body) of every article page the replica serves."""
    found = []
    for entry in manifest["articles"] + manifest["epaper_articles"]:
        url = replica.base_url + entry["url"]
        with urllib.request.urlopen(url, timeout=10) as response:
            found.append((url, response.read()))
    return found


@pytest.fixture(scope="module")
def corpus_idf(pages, tmp_path_factory):
    """(version, file) of an IDF table of the replica's own articles, like processing.idf writes."""
    documents = Counter()
    articles = 0
    for url, body in pages:
        article = process_page(0, url, body, None, None).article
        if article is not None:
            articles += 1
            text = stories.article_text(article.title, article.paragraphs)
            documents.update({token for token in jieba.cut(text) if WORD.search(token) and " " not in token})
    path = tmp_path_factory.mktemp("idf") / "idf-test.txt"
    path.write_text("".join(f"{term} {math.log(articles / df):.6f}\n" for term, df in documents.items()),
                    encoding="utf-8")
    return "test", path


def test_every_replica_article_gets_the_keywords_and_tokens_of_three_cuts(pages, corpus_idf):
    nlp._jieba()  # the user dictionary, gazetteer names and stopwords in jieba's tables first
    corpus_extractor = jieba.analyse.TFIDF(str(corpus_idf[1]))
    corpus_extractor.stop_words = set(jieba.analyse.default_tfidf.stop_words)
    checked, differing = 0, []
    for url, body in pages:
        bundled = process_page(0, url, body, None, None)
        corpus = process_page(0, url, body, None, None, idf_model=corpus_idf)
        if bundled.article is None:
            continue
        article = bundled.article
        text = stories.article_text(article.title, article.paragraphs)
        got = (bundled.keywords[0][2], corpus.keywords[0][2], bundled.tokens[1], bundled.tokens[2])
        expected = (old_keywords(jieba.analyse.default_tfidf, text), old_keywords(corpus_extractor, text),
                    old_index_tokens(article.title), old_index_tokens(article.body))
        checked += 1
        if got != expected or corpus.tokens != bundled.tokens:
            differing.append(url)
        assert bundled.keywords[0][:2] == (settings.KEYWORD_METHOD, settings.JIEBA_VERSION)
        assert corpus.keywords[0][:2] == (settings.CORPUS_KEYWORD_METHOD, "test")
    assert checked >= 400, f"only {checked} of {len(pages)} replica pages gave an article"
    assert differing == [], f"{len(differing)} articles differ from the old three cuts, e.g. {differing[:3]}"


def test_words_longer_than_three_characters_add_their_dictionary_pieces():
    text = "中华人民共和国国务院批准锡山区专精特新企业\r\n在G312国道旁建设5G基站，\n\n  新吴区物联网产业园。"
    expected = [token for token in jieba.cut_for_search(text) if token.strip()]
    got = nlp.search_segment(text)
    assert got == expected
    # the dictionary words among its two-character, then three-character pieces come before it
    assert got[:got.index("中华人民共和国国务院") + 1] == ["中华", "华人", "人民", "共和", "国务", "共和国", "国务院",
                                                   "中华人民共和国国务院"]
    assert got[got.index("专精特新") - 1] == "专精"
    assert nlp.segment(text) == [token for token in jieba.cut(text) if token.strip()]


def test_a_text_cut_line_by_line_has_the_tokens_of_its_whole_cut():
    title, paragraphs = "锡山区：专精特新\r", ["“小巨人”企业达78家。", "", "G312-改扩建 50%完成"]
    text = stories.article_text(title, paragraphs)
    whole = [token for token in jieba.cut(text) if token.strip()]
    assert [token for token in nlp.words(text) if token.strip()] == whole
    assert nlp.segment(title) + nlp.segment("\n".join(paragraphs)) == whole
