"""A time budget per page, checked cooperatively in the extractors' loops.

Extraction is linear in the page size, but a crawl meets pages nobody tested; the budget turns
the one that still takes too long into an :class:`ExtractionTimeout` (a counted parse error)
instead of a stalled spider. The deadline lives in a context variable, so the pure functions
need no extra parameter and concurrent extractions (threads, tasks) keep their own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bulletin_crawler.extraction.errors import ExtractionTimeout

# A plain 5 MB page of 130k navigation links is read in about three seconds on one core of
# the development machine (twice that when other work shares it); a page that takes over
# twenty is one a crawl cannot afford.
DEFAULT_BUDGET_S = 20.0

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("extraction_deadline",
                                                               default=None)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Within the block, :func:`checkpoint` raises once ``seconds`` have passed (None: never)."""
    token = _deadline.set(None if seconds is None else (time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def checkpoint() -> None:
    """Raise :class:`ExtractionTimeout` when the current page's budget is spent."""
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise ExtractionTimeout(f"extraction took longer than its budget of {limit[1]:g} s")
