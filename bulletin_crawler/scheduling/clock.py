"""The scheduler's sense of time, injectable: the system clock, or a scaled clock that runs a
simulated day faster (``bulletin schedule --clock-start … --clock-speed 60``: a cron minute per
real second) for rehearsals and tests, so schedules are tested without waiting for real slots.

Crawls always run in real time; only the cron slots, lease times and dispatch records follow
the scheduler's clock.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from bulletin_crawler.extraction.dates import SHANGHAI


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(SHANGHAI)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Sleep ``seconds`` of this clock's time, or until ``stop``; True when stopped."""
        return stop.wait(max(0.0, seconds))


class ScaledClock(SystemClock):
    """``start`` at real time ``anchor`` (epoch seconds; default now), then ``speed`` times
    faster than real time. Processes given the same three values share one clock."""

    def __init__(self, start: datetime, speed: float = 1.0, anchor: float | None = None):
        if speed <= 0:
            raise ValueError("clock speed must be above 0")
        self.start = start.astimezone(SHANGHAI)
        self.speed = speed
        self.anchor = time.time() if anchor is None else anchor

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.anchor) * self.speed)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return stop.wait(max(0.0, seconds) / self.speed)
