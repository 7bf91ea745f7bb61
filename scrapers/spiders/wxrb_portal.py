"""www.wxrb.com, the news portal: home page -> channel lists -> /doc/YYYY/MM/DD/<id>.shtml.

Discovery does not rely on the list-page markup, which is only inferred: every in-site link
whose URL is an article URL dated inside the window is followed, from any page. Channel lists
(index.shtml, index_2.shtml, ...) are walked until a page holds only articles older than
``since``.
"""

import re

import scrapy
from scrapy.http import TextResponse

from processing.urls import parse_article_url
from scrapers.known import days
from scrapers.spiders.base import WxrbSpider
from wxrb import config

LIST_PAGE_PATH = re.compile(r"/index(_\d+)?\.shtml$")
NAV_LINKS = ".nav ul.font24 > li a::attr(href)"


class WxrbPortalSpider(WxrbSpider):
    name = "wxrb_portal"
    source = "portal"

    def default_base_url(self) -> str:
        return config.portal_url()

    def stored_url_patterns(self) -> list[str]:
        return [f"%/doc/{day:%Y/%m/%d}/%" for day in days(self.since, self.until)]

    async def start(self):
        self.load_known_pages()
        yield scrapy.Request(self.base_url + "/", callback=self.parse_home)

    def parse_home(self, response: TextResponse):
        channels = response.css(NAV_LINKS).getall()
        if not channels:
            # [inferred] layout: say so loudly rather than silently finding nothing.
            self.logger.error("no channel links under %r on %s: has the layout changed?", NAV_LINKS, response.url)
            self.crawler.stats.inc_value("wxrb/layout_warnings")
        for href in channels:
            url = response.urljoin(href)
            if self.same_site(url) and LIST_PAGE_PATH.search(url):
                yield scrapy.Request(url, callback=self.parse_list)
        yield from self.follow_articles(response)

    def parse_list(self, response: TextResponse):
        self.crawler.stats.inc_value("wxrb/list_pages")
        dates = [ref.url_date for ref in map(parse_article_url, self.links(response)) if ref]
        yield from self.follow_articles(response)
        if dates and max(dates) >= self.since:  # lists run newest first: deeper pages are older
            for url in self.links(response):
                if LIST_PAGE_PATH.search(url) and self.same_site(url):
                    yield scrapy.Request(url, callback=self.parse_list)

    def parse_article(self, response: TextResponse):
        yield from super().parse_article(response)
        if isinstance(response, TextResponse) and response.status == 200:
            yield from self.follow_articles(response)  # related-news links reach more of the window

    def follow_articles(self, response: TextResponse):
        for url in self.links(response):
            ref = parse_article_url(url)
            if ref and self.same_site(url) and self.in_window(ref.url_date):
                request = self.article_request(url, self.parse_article)
                if request:
                    yield request

    @staticmethod
    def links(response: TextResponse) -> list[str]:
        return [response.urljoin(href) for href in response.css("a::attr(href)").getall()]
