"""Downloader middlewares for a site that fights back: backoff between retries, and
challenge pages (HTTP 200 pages that are not the page asked for) kept out of storage."""

from __future__ import annotations

import asyncio
import re

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse

# A WAF's cookie/JavaScript challenge (safedog, __jsluid_h: docs/wxrb-site.md §1) answers 200
# with a script that sets a cookie and reloads; it is never an article.
CHALLENGE_MARKERS = re.compile(r"__jsluid|safedog|安全狗|正在验证|document\.cookie\s*=", re.IGNORECASE)
CHALLENGE_MAX_BYTES = 20_000  # a challenge page is small; a real page with a cookie script is not
CHALLENGE_RETRIES = 1  # one more try with the cookie the challenge set, then give up on the page


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced out: RETRY_BACKOFF_BASE * 2**(try - 1) seconds, capped."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request: Request, reason) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            tries = retry.meta.get("retry_times", 1)
            retry.meta["wxrb_delay_s"] = min(self.base * 2 ** (tries - 1), self.cap)
            self.crawler.stats.inc_value("wxrb/retry_backoff_s", retry.meta["wxrb_delay_s"])
        return retry


class DelayMiddleware:
    """Waits ``request.meta['wxrb_delay_s']`` before a request goes out (used by the backoff)."""

    async def process_request(self, request: Request, spider=None):
        delay = request.meta.pop("wxrb_delay_s", 0)
        if delay:
            await asyncio.sleep(delay)
        return None


class ChallengeMiddleware:
    """Retry a challenge page once with the cookies it set; if it persists, drop the page."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider=None):
        if not is_challenge(response):
            return response
        self.stats.inc_value("wxrb/challenge_pages")
        tries = request.meta.get("wxrb_challenge_tries", 0)
        if tries < CHALLENGE_RETRIES:
            meta = {**request.meta, "wxrb_challenge_tries": tries + 1}
            return request.replace(dont_filter=True, meta=meta)
        self.stats.inc_value("wxrb/challenge_unpassed")
        raise IgnoreRequest(f"challenge page instead of {request.url}: not stored")


def is_challenge(response: Response) -> bool:
    return (
        isinstance(response, TextResponse)
        and response.status == 200
        and len(response.body) < CHALLENGE_MAX_BYTES
        and bool(CHALLENGE_MARKERS.search(response.text))
    )
