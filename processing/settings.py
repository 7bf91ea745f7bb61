"""Tunables of the processing stage."""

BATCH_SIZE = 200  # raw pages decoded, parsed and loaded per transaction
KEYWORDS_PER_ARTICLE = 10
KEYWORD_METHOD = "tfidf_jieba"  # jieba's TF-IDF with its bundled IDF table
# Quality check: a loaded body must never contain one of boilerplate.FOOTER_MARKERS.
