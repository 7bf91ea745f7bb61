"""Pure processing stages: stored raw HTML in, article rows out.

decode -> clean -> extract -> enrich (jieba) -> load. Nothing here imports Airflow or
Scrapy, so the same functions run in a DAG task, the ``wxrb`` CLI and the tests.
"""
