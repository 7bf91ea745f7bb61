"""Scrapy extensions of the project."""

from __future__ import annotations

import logging
import os

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


class ParentWatch:
    """Close the spider when the process that started the crawl is gone.

    ``wxrb crawl`` and the DAG run Scrapy in a process group of its own (wxrb/jobs.py), so signals
    to their group do not reach it, and pass it their pid in ``WXRB_CRAWL_PARENT_PID``. If that
    process is killed without a chance to stop Scrapy (SIGKILL, the OOM killer, a lost worker), no
    crawl must live on unseen: Scrapy notices within ``INTERVAL_S``, stores the pages it holds and
    records the run as failed ("parent_gone").
    """

    INTERVAL_S = 1.0

    def __init__(self, crawler, parent_pid: int):
        self.crawler = crawler
        self.parent_pid = parent_pid
        self.task = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        parent_pid = os.environ.get("WXRB_CRAWL_PARENT_PID", "")  # set by wxrb.jobs for its subprocess
        if not parent_pid:  # a bare `scrapy crawl` from a shell
            raise NotConfigured
        return cls(crawler, int(parent_pid))

    def spider_opened(self, spider):
        self.task = create_looping_call(self.check)
        self.task.start(self.INTERVAL_S, now=True)

    def check(self) -> None:
        if os.getppid() == self.parent_pid:
            return
        logger.error("the process that started this crawl (pid %d) is gone: closing the spider",
                     self.parent_pid)
        self.task.stop()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="parent_gone"))

    def spider_closed(self, spider):
        if self.task is not None and self.task.running:
            self.task.stop()
