"""Where the console learns when a site is due next and whether it is stale.

The schedule belongs to operations (the scheduler), not to the console: the console calls one
injected function per site, :data:`DueFunction`, and shows what it answers. The default knows
no schedule: every site shows "—" and none is stale.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bulletin_crawler.sites.config import SiteConfig

#: ``due(key, site, runs, now) -> (next_due, stale)``: ``site`` is the registered site (None
#: for a site known only from the store), ``runs`` its recent run records newest first (status
#: as it stands now), ``now`` an aware datetime. ``next_due`` None shows "—".
DueFunction = Callable[[str, SiteConfig | None, list[dict[str, Any]], datetime],
                       tuple[datetime | None, bool]]

#: How many recent runs of each site the overview hands to the due function.
RUNS_FOR_DUE = 10


def no_schedule(key: str, site: SiteConfig | None, runs: list[dict[str, Any]],
                now: datetime) -> tuple[datetime | None, bool]:
    """The default: nothing is scheduled, so nothing is due and nothing is stale."""
    return None, False
