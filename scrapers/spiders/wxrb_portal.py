"""www.wxrb.com, the news portal: home page -> channel lists -> /doc/YYYY/MM/DD/<id>.shtml.

Discovery does not rely on the list-page markup, which is only inferred: every in-site link
whose URL is an article URL dated inside the window is followed, from any page. Channel lists
(index.shtml, index_2.shtml, ...) run newest first and are walked one page at a time: the next
page is fetched only while the page's last article link (in document order) is not older than
``since``. The last one, not the newest nor the oldest: a pinned (置顶) item sits on top of the
first page whatever its date, so it says nothing about where the window ends.
"""

import re

import scrapy
from scrapy.http import TextResponse

from processing.urls import parse_article_url
from scrapers.known import days
from scrapers.spiders.base import WxrbSpider
from wxrb import config

LIST_PAGE_PATH = re.compile(r"/index(?:_(\d+))?\.shtml$")
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
        yield from self.follow_articles(self.links(response))

    def parse_list(self, response: TextResponse):
        self.crawler.stats.inc_value("wxrb/list_pages")
        links = self.links(response)
        dates = [ref.url_date for ref in map(parse_article_url, links) if ref]
        yield from self.follow_articles(links)
        if dates and dates[-1] >= self.since:  # newest first: the next page may still reach the window
            url = next_list_page(response.url, links)
            if url and self.same_site(url):
                yield scrapy.Request(url, callback=self.parse_list)

    def parse_article(self, response: TextResponse):
        yield from super().parse_article(response)
        if isinstance(response, TextResponse) and response.status == 200:
            yield from self.follow_articles(self.links(response))  # related news reach more of the window

    def follow_articles(self, links: list[str]):
        for url in links:
            ref = parse_article_url(url)
            if ref and self.same_site(url) and self.in_window(ref.url_date):
                request = self.article_request(url, self.parse_article)
                if request:
                    yield request

    @staticmethod
    def links(response: TextResponse) -> list[str]:
        return [response.urljoin(href) for href in response.css("a::attr(href)").getall()]


def list_page_number(url: str) -> int | None:
    """1 for .../index.shtml, n for .../index_n.shtml, None for any other URL."""
    match = LIST_PAGE_PATH.search(url)
    return (int(match[1]) if match[1] else 1) if match else None


def next_list_page(url: str, links: list[str]) -> str | None:
    """The page after list page ``url`` among its links: the lowest-numbered page of the same list
    above ``url``'s. Only the next one: the pager's 尾页 (last page) link is not followed."""
    number = list_page_number(url)
    if number is None:
        return None
    directory = url.rsplit("/", 1)[0]
    later = [(n, link) for link in links
             if link.rsplit("/", 1)[0] == directory and (n := list_page_number(link) or 0) > number]
    return min(later)[1] if later else None
