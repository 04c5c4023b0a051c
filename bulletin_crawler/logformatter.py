"""Log lines that name a page and a reason, never a page's text: Scrapy's default formatter
prints the whole item of a dropped or failed article (a file's contents once ended up there)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure


def _where(item: Any, response: Response | Failure | None) -> str:
    url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
    return str(url or getattr(response, "url", "") or "?")


class ArchiveLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s",
                "args": {"url": _where(item, response)}}

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        if (level := getattr(exception, "log_level", None)) is None:
            level = spider.crawler.settings["DEFAULT_DROPITEM_LOG_LEVEL"]
        if isinstance(level, str):
            level = getattr(logging, level)
        return {"level": level, "msg": "Dropped: %(exception)s",
                "args": {"exception": exception}}

    def item_error(self, item: Any, exception: BaseException, response: Response | Failure | None,
                   spider: Spider) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "Error processing the article of %(url)s",
                "args": {"url": _where(item, response)}}
