"""Why a page gave no article: every extractor raises these, callers count them."""

from __future__ import annotations


class ExtractionError(ValueError):
    """A page that cannot be turned into an article; the message says why."""


class ExtractionTimeout(ExtractionError):
    """A page whose extraction ran over its time budget (a pathological page): counted as a
    parse error like any other page that cannot be read, never a stalled crawl."""
