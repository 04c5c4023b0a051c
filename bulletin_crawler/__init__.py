"""bulletin_crawler: a clean, deduplicated archive of Chinese regional news, built on Scrapy."""

__version__ = "0.1.0"
