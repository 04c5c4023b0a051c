"""Extraction: pure functions from HTML or page text to :class:`Extracted` articles.

Nothing here imports Scrapy, so every extractor runs on a saved page in a test or in
``bulletin parse``.
"""

from bulletin_crawler.extraction.html import ExtractionError, decode_html
from bulletin_crawler.extraction.result import Extracted

__all__ = ["ExtractionError", "Extracted", "decode_html"]
