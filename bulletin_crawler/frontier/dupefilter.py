"""The frontier's seen-set: scrapy-redis's Redis duplicate filter, keyed by Scrapy's own request
fingerprint.

scrapy-redis 0.9.1 hashes its own JSON of method, canonical URL and body with SHA-1, so it and
Scrapy's ``crawler.request_fingerprinter`` (which the HTTP cache and any custom fingerprinter
use) could disagree on what "the same request" is. Here they cannot: the fingerprint *is*
Scrapy's, kept as its 20 raw bytes (72 bytes of Redis memory per URL, against 88 for
scrapy-redis's 40-character hex; docs/scaling.md). The set lives as long as its crawl
(:mod:`.crawl`), never across crawls: a page that failed is requested again by the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy_redis.dupefilter import RFPDupeFilter

if TYPE_CHECKING:
    import redis
    from scrapy import Request
    from scrapy.utils.request import RequestFingerprinterProtocol


class FrontierDupeFilter(RFPDupeFilter):
    def __init__(self, server: redis.Redis, key: str,
                 fingerprinter: RequestFingerprinterProtocol, debug: bool = False):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> bytes:
        return self.fingerprinter.fingerprint(request)

    def close(self, reason: str = "") -> None:
        """Nothing to do: the crawl drops its seen-set when its last worker leaves."""
