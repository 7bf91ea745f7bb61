"""How a crawl's end is judged from its counters (scrapers.pipelines.crawl_status)."""

from scrapers.pipelines import crawl_stats, crawl_status


def stats(**raw) -> dict:
    return crawl_stats(raw, raw.pop("reason", "finished"), 1.0)


def test_normal_crawl_is_finished():
    assert crawl_status(stats(**{"downloader/response_status_count/200": 5, "wxrb/article_pages": 3})) == "finished"


def test_nothing_new_is_still_finished():
    assert crawl_status(stats(**{"downloader/response_status_count/200": 5})) == "finished"


def test_only_403_is_blocked():
    assert crawl_status(stats(**{"downloader/response_status_count/403": 4})) == "blocked"


def test_no_response_at_all_is_unreachable():
    assert crawl_status(stats(**{"downloader/exception_count": 3})) == "unreachable"


def test_missing_navigation_and_no_article_fails():
    raw = {"downloader/response_status_count/200": 2, "wxrb/layout_warnings": 1}
    assert crawl_status(stats(**raw)) == "failed"


def test_interrupted_crawl_fails():
    assert crawl_status(stats(reason="shutdown", **{"downloader/response_status_count/200": 5})) == "failed"


def test_only_challenge_pages_is_blocked():
    raw = {"downloader/response_status_count/200": 6, "wxrb/challenge_unpassed": 3}
    assert crawl_status(stats(**raw)) == "blocked"


def test_requests_per_new_article():
    from scrapers.pipelines import requests_per_new_article

    assert requests_per_new_article(stats(**{"downloader/request_count": 12, "wxrb/pages_new": 10})) == 1.2
    assert requests_per_new_article(stats(**{"downloader/request_count": 12})) is None
