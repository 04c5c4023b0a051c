"""Cron expressions in Asia/Shanghai: when a site is due, and how many slots a downtime missed.

Five fields (minute hour day-of-month month day-of-week), as in crontab; evaluated by
`cronsim <https://pypi.org/project/cronsim/>`_ in Shanghai time, which has no daylight saving.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cronsim import CronSim, CronSimError

from bulletin_crawler.extraction.dates import SHANGHAI

CRON_FIELDS = 5
MAX_COUNTED_SLOTS = 1000  # a missed-slot count stops here: "1000+ missed"


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a usable cron expression, or None."""
    if len(expression.split()) != CRON_FIELDS:
        return (f"{expression!r} is not a cron expression of 5 fields (minute hour day month "
                "weekday), e.g. '20 7 * * *'")
    try:
        CronSim(expression, datetime.now(SHANGHAI))
    except CronSimError as error:
        return f"{expression!r} is not a valid cron expression ({error})"
    return None


class Cron:
    """One cron expression; every time given or returned is timezone-aware, in Shanghai."""

    def __init__(self, expression: str):
        problem = cron_problem(expression)
        if problem:
            raise ValueError(problem)
        self.expression = expression

    def __repr__(self) -> str:
        return f"Cron({self.expression!r})"

    def next_after(self, moment: datetime) -> datetime:
        """The first slot strictly after ``moment``."""
        return next(CronSim(self.expression, moment.astimezone(SHANGHAI)))

    def last_at_or_before(self, moment: datetime) -> datetime:
        """The latest slot at or before ``moment``."""
        # cronsim walks back strictly before its start: start one second after moment
        start = moment.astimezone(SHANGHAI).replace(microsecond=0) + timedelta(seconds=1)
        return next(CronSim(self.expression, start, reverse=True))

    def slots_between(self, after: datetime, until: datetime) -> int:
        """How many slots fall in (``after``, ``until``], counted up to
        :data:`MAX_COUNTED_SLOTS`."""
        count = 0
        for slot in CronSim(self.expression, after.astimezone(SHANGHAI)):
            if slot > until or count >= MAX_COUNTED_SLOTS:
                break
            count += 1
        return count
