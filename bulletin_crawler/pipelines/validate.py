"""Second pipeline: what is not an article never reaches the store.

An item without a title or a body, with a bad URL or kind, or a *soft 404* — a page answered
200 whose headline says 页面不存在 / 404 / Not Found / 该信息已删除 over a short text — is
dropped as :class:`ArticleRejected` with its reason; the spider remembers the page as failed
(``failed_urls``) and the crawl counts it under ``bulletin/dropped/<reason>``. The log names the
URL and the reason, never the page's text.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from bulletin_crawler.contract import KINDS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

# Headlines of error pages served with status 200, in the words Chinese CMSs and web servers use.
# What error pages say, in the words Chinese CMSs and web servers use: read in the headline and
# at the start of the text.
SOFT_404_PHRASES = re.compile("|".join((
    r"页面(?:不存在|未找到|找不到|已删除|已失效|已过期|无法访问)",
    r"(?:您|你)所?要?访问的(?:页面|网页|内容|信息|文章)",
    r"(?:该|此)?(?:信息|文章|内容|稿件|新闻|栏目|资源|网页)(?:已被?)?(?:删除|撤回|撤销|下线|不存在)",
    r"(?:找不到|无法找到|未找到)(?:该|此|您要的)?(?:页面|网页|文件)",
    r"访问出错|无法显示此页|系统(?:繁忙|错误)",
    r"not\s*found|page\s*(?:not|cannot)",
)), re.IGNORECASE)
# A status code only counts as the headline's first word: "404 Not Found", "错误 404".
SOFT_404_CODE = re.compile(r"^\W*(?:HTTP\s*|错误\s*|error\s*)?(?:40[034]|50[0234])(?![0-9])"
                           r"|^\W*error\W*$", re.IGNORECASE)
SOFT_404_MAX_BODY = 400  # characters: a real article that mentions 404 is longer


class ArticleRejected(DropItem):
    """An item that is not an article; ``reason`` names why (``soft_404``, ``no_title``…)."""

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason.replace('_', ' ')}: {url}", log_level=logging.WARNING)
        self.reason = reason


class ValidatePipeline:
    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        problem = rejection(adapter)
        if problem:
            self.stats.inc_value("bulletin/articles_dropped")
            self.stats.inc_value(f"bulletin/dropped/{problem}")
            raise ArticleRejected(problem, str(adapter.get("url")))
        return item


def is_soft_404(title: str, body: str) -> bool:
    """A page whose headline is an error message over a short text."""
    text = re.sub(r"\s+", "", body)
    if len(text) >= SOFT_404_MAX_BODY:
        return False
    title = title.strip()
    return bool(SOFT_404_CODE.search(title) or SOFT_404_PHRASES.search(title)
                or SOFT_404_PHRASES.search(text[:80]))


def rejection(adapter: ItemAdapter) -> str | None:
    """Why an item is not an article, or None."""
    title = (adapter.get("title") or "").strip()
    body = (adapter.get("body") or "").strip()
    if not title:
        return "no_title"
    if not body:
        return "no_body"
    if is_soft_404(title, body):
        return "soft_404"
    if adapter.get("kind") not in KINDS:
        return "bad_kind"
    if not str(adapter.get("url") or "").startswith(("http://", "https://")):
        return "bad_url"
    return None
