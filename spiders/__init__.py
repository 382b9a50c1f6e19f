"""Scrapy spiders, one per crawl strategy (not per site)."""
