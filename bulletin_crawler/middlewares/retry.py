"""Retries that honour ``Retry-After``: a server answering 429 or 503 with a delay is given that
delay (bounded by ``BULLETIN_RETRY_AFTER_MAX`` seconds) before the retry, instead of being hit
again a second later. Everything else is Scrapy's own ``RetryMiddleware``."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

HONOURED = (429, 503)


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, crawler: Crawler, max_wait: float):
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getfloat("BULLETIN_RETRY_AFTER_MAX", 60.0))

    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        header = response.headers.get("Retry-After")
        if (response.status in HONOURED and header and not request.meta.get("dont_retry")
                and request.meta.get("retry_times", 0) < self.max_retry_times):
            delay = retry_after_seconds(header.decode("latin-1"))
            if delay:
                wait = min(delay, self.max_wait)
                self.crawler.stats.inc_value("bulletin/retry_after/waits")
                await asyncio.sleep(wait)
        return super().process_response(request, response)
