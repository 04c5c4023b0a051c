"""Extraction: pure functions from HTML or page text to :class:`Extracted` articles.

Nothing here imports Scrapy, so every extractor runs on a saved page in a test or in
``bulletin parse``.
"""

from bulletin_crawler.extraction.errors import ExtractionError, ExtractionTimeout
from bulletin_crawler.extraction.html import decode_html
from bulletin_crawler.extraction.result import Extracted

__all__ = ["ExtractionError", "ExtractionTimeout", "Extracted", "decode_html"]
