"""Crawl policy for every wxrb spider: politeness, retries, limits, storage.

Defaults are for the live site: robots.txt obeyed, about one request a second, AutoThrottle,
an identifying user agent. ``WXRB_CRAWL_PROFILE=replica`` lifts the delays; only the bundled
local replica may be crawled that way.
"""

import os

BOT_NAME = "wxrb"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# --- politeness (live site) ---------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = (
    "Mozilla/5.0 (compatible; wxrb-pipeline/0.1; news archive crawler; "
    "+https://github.com/wxrb-pipeline/wxrb-pipeline)"
)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
}
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Seconds between requests to one site: about 1 request per second. wxrb.jobs sets it per crawl
# from the site's pool (wxrb/config.py SITE_POOLS): 2 s for each of the two szb.wxrb.com crawlers.
DOWNLOAD_DELAY = float(os.environ.get("WXRB_DOWNLOAD_DELAY_S", "1.0"))
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = True  # the site's WAF sets cookies (safedog, __jsluid_h) and expects them back

# --- robustness ---------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page is ~50 KB; anything this big is not one
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles on each further try
RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
    "scrapers.middlewares.ChallengeMiddleware": 650,  # after CookiesMiddleware (700) saw the response
    "scrapers.middlewares.DelayMiddleware": 990,  # last before the download: holds back retries
}

# --- storage ------------------------------------------------------------------------------
ITEM_PIPELINES = {"scrapers.pipelines.PostgresRawPagePipeline": 300}
EXTENSIONS = {"scrapers.extensions.ParentWatch": 500}  # no crawl outlives the process that started it
WXRB_PIPELINE_BATCH_SIZE = 50  # raw pages written per COPY
WXRB_CRAWL_RUN_ID = None  # set by `wxrb crawl` / the DAG; a bare `scrapy crawl` creates its own

# --- runtime ------------------------------------------------------------------------------
LOG_LEVEL = os.environ.get("WXRB_CRAWL_LOG_LEVEL", "INFO")
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"

if os.environ.get("WXRB_CRAWL_PROFILE") == "replica":
    # The bundled replica runs on this machine: no delays, more parallelism.
    DOWNLOAD_DELAY = 0
    AUTOTHROTTLE_ENABLED = False
    CONCURRENT_REQUESTS = 16
    CONCURRENT_REQUESTS_PER_DOMAIN = 16
    RETRY_TIMES = 2
    RETRY_BACKOFF_BASE = 0.2
    DOWNLOAD_TIMEOUT = 5

if os.environ.get("REDIS_URL"):
    from scrapers.scale_out import *  # noqa: F403  shared queue and dupefilter (docs/scale-out.md)
