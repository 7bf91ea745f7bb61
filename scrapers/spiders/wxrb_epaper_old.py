"""epaper.wxrb.com, the 2018-2019 e-paper of 无锡日报: node_2.htm -> pages -> content_*.htm."""

import scrapy
from scrapy.http import TextResponse

from processing.parsers.base import split_page_label
from processing.urls import parse_article_url
from scrapers.known import days
from scrapers.spiders.base import WxrbSpider
from wxrb import config

PAGE_LINKS = "div.liebiao a[href^=node]"
ARTICLE_LINKS = "div.liebiaoA a[href^=content]::attr(href)"
EDITION = "无锡日报"


class WxrbEpaperOldSpider(WxrbSpider):
    name = "wxrb_epaper_old"
    source = "epaper_old"

    def default_base_url(self) -> str:
        return config.old_epaper_url()

    def stored_url_patterns(self) -> list[str]:
        return [f"%/paper/wxrb/html/{day:%Y-%m/%d}/%" for day in days(self.since, self.until)]

    async def start(self):
        self.load_known_pages()
        for day in days(self.since, self.until):
            url = f"{self.base_url}/paper/wxrb/html/{day:%Y-%m/%d}/node_2.htm"
            yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"label": None})

    def parse_page(self, response: TextResponse, label: str | None):
        self.crawler.stats.inc_value("wxrb/list_pages")
        pages = response.css(PAGE_LINKS)
        if not pages:
            self.logger.error("no page list %r on %s: has the layout changed?", PAGE_LINKS, response.url)
            self.crawler.stats.inc_value("wxrb/layout_warnings")
        labels = {response.urljoin(a.attrib["href"]): a.css("::text").get() for a in pages}
        page_no, page_name = split_page_label(label or labels.get(response.url))
        for url, text in labels.items():
            yield scrapy.Request(url, callback=self.parse_page, cb_kwargs={"label": text})
        for href in response.css(ARTICLE_LINKS).getall():
            url = response.urljoin(href)
            ref = parse_article_url(url)
            if ref and self.in_window(ref.url_date):
                request = self.article_request(
                    url, self.parse_article, edition=EDITION, page_no=page_no, page_name=page_name
                )
                if request:
                    yield request
