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

from scrapy.utils.reactor import CallLaterOnce

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


def in_progress(crawler: Crawler) -> set[Request]:
    slot = getattr(crawler.engine, "_slot", None)
    return slot.inprogress if slot is not None else set()


class EngineWaker:
    """Asks the engine for another round of requests a while from now. A timer of its own: the
    engine's ``nextcall`` with a delay would hold back its immediate calls meanwhile (a new
    request, a finished download), and the worker would crawl in bursts."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._call: CallLaterOnce[None] = CallLaterOnce(self._wake)

    def after(self, seconds: float) -> None:
        self._call.schedule(seconds)

    def cancel(self) -> None:
        self._call.cancel()

    def _wake(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()
