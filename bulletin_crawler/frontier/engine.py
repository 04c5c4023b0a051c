"""The two things the frontier needs from Scrapy's execution engine that it does not publish
(checked against Scrapy 2.19; ``tests/test_frontier_units.py`` pins them, so an upgrade that
moves them fails there, not silently in a crawl):

- which requests the engine still holds. A request leaves ``engine._slot.inprogress`` only
  after its callback's output was scheduled and every item it yielded left the item pipelines
  — exactly when its work is in the store's write buffer — or after a redirect or retry
  replaced it with a new scheduled request. No signal marks that moment.
- a way to make an idle worker look at the shared queue again soon. Scrapy asks the scheduler
  again only every 5 seconds once it returned nothing (the engine's heartbeat); other workers
  fill the shared queue meanwhile, so the frontier asks sooner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


def in_progress(crawler: Crawler) -> set[Request]:
    slot = getattr(crawler.engine, "_slot", None)
    return slot.inprogress if slot is not None else set()


def wake_after(crawler: Crawler, seconds: float) -> None:
    """Have the engine ask the scheduler for requests again after ``seconds``."""
    slot = getattr(crawler.engine, "_slot", None)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule(seconds)
