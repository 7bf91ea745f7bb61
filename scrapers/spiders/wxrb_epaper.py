"""szb.wxrb.com, the print e-papers: 无锡日报 (``-a paper=wxrb``) and 江南晚报 (``-a paper=jnwb``).

Each day of the window: /pc/layout/YYYYMM/DD/node_A01.html -> the day's other node_* pages
-> content_*.html articles, each stored with its edition, page number and page name.
"""

import scrapy
from scrapy.http import TextResponse

from processing.parsers.base import split_page_label
from processing.urls import parse_article_url
from scrapers.known import days
from scrapers.spiders.base import WxrbSpider
from wxrb import config

PAPERS = {"wxrb": ("", "无锡日报"), "jnwb": ("/jnwb", "江南晚报")}  # path prefix, edition name
PAGE_LINKS = "#layoutlist a::attr(href)"
ARTICLE_LINKS = ".news-list a::attr(href)"
PAGE_LABEL = ".layout-name"


class WxrbEpaperSpider(WxrbSpider):
    name = "wxrb_epaper"

    def __init__(self, *args, paper="wxrb", **kwargs):
        super().__init__(*args, **kwargs)
        if paper not in PAPERS:
            raise ValueError(f"paper={paper!r}: expected one of {', '.join(PAPERS)}")
        self.prefix, self.edition = PAPERS[paper]
        self.source = f"epaper_{paper}"

    def default_base_url(self) -> str:
        return config.epaper_url()

    def stored_url_patterns(self) -> list[str]:
        return [f"%{self.prefix}/pc/content/{day:%Y%m/%d}/%" for day in days(self.since, self.until)]

    async def start(self):
        self.load_known_pages()
        for day in days(self.since, self.until):
            url = f"{self.base_url}{self.prefix}/pc/layout/{day:%Y%m/%d}/node_A01.html"
            yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response: TextResponse):
        self.crawler.stats.inc_value("wxrb/list_pages")
        page_no, page_name = split_page_label(response.css(PAGE_LABEL + "::text").get())
        if page_no is None:
            self.logger.error("no page label %r on %s: has the layout changed?", PAGE_LABEL, response.url)
            self.crawler.stats.inc_value("wxrb/layout_warnings")
        for href in response.css(PAGE_LINKS).getall():
            yield response.follow(href, callback=self.parse_page)
        for href in response.css(ARTICLE_LINKS).getall():
            url = response.urljoin(href)
            ref = parse_article_url(url)
            if ref and self.in_window(ref.url_date):
                request = self.article_request(
                    url, self.parse_article, edition=self.edition, page_no=page_no, page_name=page_name
                )
                if request:
                    yield request
