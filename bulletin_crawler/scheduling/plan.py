"""What the scheduler runs: each site's cron and the crawl arguments of a scheduled run, from
its site file (``schedule``, ``schedule_args``) or the defaults of its kind of site
(``BULLETIN_SCHEDULE_DEFAULTS``, ``BULLETIN_SCHEDULE_ARGS_DEFAULTS``).

``schedule_args`` keys: ``since_days`` (crawl back this many days from today, Shanghai),
``refresh_days`` (e-papers), ``full``, ``origin``, fixed ``since``/``until`` dates, ``workers``
(jobs started together for the site; they need the shared frontier ``BULLETIN_FRONTIER``),
``timeout`` (seconds) and ``settings`` (Scrapy settings given to every job of the site). A
site's keys are laid over its kind's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bulletin_crawler.scheduling.cron import Cron, cron_problem
from bulletin_crawler.sites import SiteConfig

ARG_RULES: dict[str, str] = {
    "since_days": "a whole number of days of at least 0",
    "refresh_days": "a whole number of days of at least 1",
    "full": "true or false",
    "origin": "an http(s) origin such as http://mirror:8000",
    "since": "a date like 2020-11-30",
    "until": "a date like 2020-11-30",
    "workers": "a whole number of jobs of at least 1",
    "timeout": "a number of seconds above 0",
    "settings": "a mapping of Scrapy settings, NAME: value",
}


FRONTIER = "BULLETIN_FRONTIER"  # a shared request queue (Redis) that several jobs of a site share


class ScheduleError(ValueError):
    """A site's schedule cannot be used; the message names the site and the field."""


@dataclass(frozen=True)
class SiteSchedule:
    key: str
    cron: Cron
    args: dict[str, Any] = field(default_factory=dict)
    workers: int = 1
    timeout: float | None = None
    settings: dict[str, str] = field(default_factory=dict)

    def crawl_args(self, today: date) -> dict[str, str]:
        """Spider arguments of a run that starts ``today`` (``since_days`` becomes ``since``)."""
        args = {name: value for name, value in self.args.items() if name != "since_days"}
        if "since_days" in self.args and "since" not in args:
            args["since"] = (today - timedelta(days=int(self.args["since_days"]))).isoformat()
        if args.get("full") is not None:
            args["full"] = "1" if args["full"] else ""
        return {name: str(value) for name, value in args.items() if value != ""}


def site_schedule(site: SiteConfig, settings: Any) -> SiteSchedule:
    """The schedule of one site; raises :class:`ScheduleError`."""
    expression = site.schedule or settings.getdict("BULLETIN_SCHEDULE_DEFAULTS").get(site.kind)
    if not expression or (problem := cron_problem(expression)):
        raise ScheduleError(f"{site.key}: schedule: {problem if expression else 'none set'}")
    defaults = settings.getdict("BULLETIN_SCHEDULE_ARGS_DEFAULTS").get(site.kind) or {}
    given = {**defaults, **site.schedule_args}
    for name, value in given.items():
        if name not in ARG_RULES:
            raise ScheduleError(f"{site.key}: schedule_args.{name}: unknown (known: "
                                f"{', '.join(ARG_RULES)})")
        if not _valid(name, value):
            raise ScheduleError(f"{site.key}: schedule_args.{name}: must be {ARG_RULES[name]}, "
                                f"got {value!r}")
    extra = {str(name): str(value) for name, value in (given.pop("settings", None) or {}).items()}
    timeout, workers = given.pop("timeout", None), int(given.pop("workers", 1))
    if workers > 1 and not (extra.get(FRONTIER) or site.settings.get(FRONTIER)
                            or settings.get(FRONTIER)):
        raise ScheduleError(f"{site.key}: schedule_args.workers: {workers} jobs need a shared "
                            f"frontier, else each crawls the whole site: set {FRONTIER}="
                            "redis://HOST:PORT/N in schedule_args.settings")
    return SiteSchedule(site.key, Cron(expression), given, workers,
                        float(timeout) if timeout is not None else None, extra)


def _valid(name: str, value: Any) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name in ("since_days", "refresh_days", "workers"):
        return number and value == int(value) and value >= (0 if name == "since_days" else 1)
    if name == "timeout":
        return number and value > 0
    if name == "full":
        return isinstance(value, bool)
    if name == "origin":
        return isinstance(value, str) and value.startswith(("http://", "https://"))
    if name in ("since", "until"):
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return isinstance(value, dict)  # settings


def plan(sites: dict[str, SiteConfig], settings: Any, keys: list[str] | None = None
         ) -> tuple[list[SiteSchedule], list[str]]:
    """Schedules of ``keys`` (else ``BULLETIN_SCHEDULE_SITES``, else every site), and the
    problems of those that cannot be scheduled."""
    wanted = keys or settings.getlist("BULLETIN_SCHEDULE_SITES") or sorted(sites)
    schedules, problems = [], []
    for key in wanted:
        if key not in sites:
            problems.append(f"{key}: no such site (known: {', '.join(sorted(sites))})")
            continue
        try:
            schedules.append(site_schedule(sites[key], settings))
        except ScheduleError as error:
            problems.append(str(error))
    return schedules, problems
