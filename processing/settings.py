"""Tunables of the processing stage."""

BATCH_SIZE = 200  # raw pages decoded, parsed and loaded per transaction
# Runs of at least this many pages are spread over worker processes (wxrb.config.process_workers);
# smaller ones (a daily run) stay in the task's process, where starting workers would cost more.
PARALLEL_MIN_PAGES = 400
CHUNK_SIZE = 25  # raw pages per job sent to a worker process: small enough to keep every worker busy
ENRICH_LIMIT = 5000  # articles whose NLP output is out of date, enriched again per daily run
KEYWORDS_PER_ARTICLE = 10
KEYWORD_METHOD = "tfidf_jieba"  # jieba's TF-IDF with its bundled IDF table (until a corpus IDF exists)
CORPUS_KEYWORD_METHOD = "tfidf_corpus"  # TF-IDF with the corpus IDF table (processing/idf.py)
TEXTRANK_METHOD = "textrank_jieba"
JIEBA_VERSION = "jieba-0.42.1"
# Quality check: a loaded body must never contain one of boilerplate.FOOTER_MARKERS.
# Bump when the entity, figure or story code changes what it extracts: stored rows say which
# version made them (articles.nlp_version), so `wxrb reprocess` knows what to rebuild.
NLP_EXTRACTORS_VERSION = "2026.11.1"
