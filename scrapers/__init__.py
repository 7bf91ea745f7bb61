"""The Scrapy project: spiders fetch wxrb.com pages and store the raw responses."""
