"""The crawl's one store, shared by the spider, the deduplicate and store pipelines.

A network store (MongoDB) is called on one worker thread: the reactor never waits on the
database, and the client is only ever used by that thread. A local store (SQLite) is called
directly (:attr:`~bulletin_crawler.stores.ArticleStore.in_thread`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bulletin_crawler.stores import ArticleStore, open_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

T = TypeVar("T")
logger = logging.getLogger(__name__)


class StoreClient:
    def __init__(self, store: ArticleStore):
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulletin-store")

    async def call(self, method: Callable[..., T], *args: Any) -> T:
        if not self.store.in_thread:
            return method(*args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(method, *args))

    def submit(self, method: Callable[..., Any], *args: Any) -> None:
        """Run a write without waiting for it; it still happens before :meth:`close`."""
        if not self.store.in_thread:
            try:
                method(*args)
            except Exception as error:
                logger.error("store write failed: %s", error)
            return
        future = self._executor.submit(method, *args)
        future.add_done_callback(_log_failure)

    async def close(self) -> None:
        try:
            await self.call(self.store.close)
        finally:
            self._executor.shutdown(wait=True)


def _log_failure(future: Future[Any]) -> None:
    if future.exception() is not None:
        logger.error("store write failed: %s", future.exception())


def store_client(crawler: Crawler) -> StoreClient:
    """The store of this crawl (``BULLETIN_STORE``), opened once for all pipelines."""
    client: StoreClient | None = getattr(crawler, "_bulletin_store_client", None)
    if client is None:
        settings = crawler.settings
        journal = settings.get("BULLETIN_JOURNAL_DIR")
        store = open_store(settings.get("BULLETIN_STORE"),
                           batch_size=settings.getint("BULLETIN_STORE_BATCH_SIZE"),
                           journal_dir=Path(journal) if journal else None,
                           server_timeout_ms=settings.getint("BULLETIN_MONGO_TIMEOUT_MS"))
        client = StoreClient(store)
        crawler._bulletin_store_client = client  # type: ignore[attr-defined]
    return client


class StorePipelineBase:
    """A pipeline that talks to the crawl's store and counts what it does."""

    def __init__(self, client: StoreClient, stats: StatsCollector, crawler: Crawler | None = None):
        self.client = client
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(store_client(crawler), crawler.stats, crawler)
