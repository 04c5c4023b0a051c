"""A crawl job as executors see it, and what every executor provides."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from bulletin_crawler.redaction import redact

#: Settings a crawl also reads from the environment variable of the same name
#: (``bulletin_crawler/settings.py``): when they carry a password they travel there, never on
#: a command line every user of the machine can read.
FROM_ENVIRONMENT = ("BULLETIN_STORE", "BULLETIN_FRONTIER")


class DispatchError(RuntimeError):
    """A job could not be started; the message says where and why (no credentials)."""


@dataclass
class CrawlJob:
    """One crawl of one site: ``args`` are spider arguments, ``settings`` Scrapy settings
    (the store, the site directory, ``BULLETIN_JOB`` …), ``timeout`` in real seconds."""

    job_id: str
    site: str
    args: dict[str, str]
    settings: dict[str, str]
    timeout: float
    node: str = ""
    handle: Any = None
    started: float = field(default_factory=time.monotonic)
    stop_sent: float | None = None
    killed: bool = False
    exit: str | None = None  # how it ended, once it did: "exit 0", "finished", "lost" …

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def secret_settings(self) -> dict[str, str]:
        """Settings whose value holds a password, to pass by environment only."""
        return {name: value for name, value in self.settings.items()
                if name in FROM_ENVIRONMENT and redact(value) != value}

    def public_settings(self) -> dict[str, str]:
        secret = self.secret_settings()
        return {name: value for name, value in self.settings.items() if name not in secret}


class Executor(ABC):
    name: str = ""
    #: whether jobs stop when the scheduler stops (local subprocesses), or live on (Scrapyd)
    stops_with_scheduler: bool = True

    def free_slots(self, running: int) -> int | None:
        """How many more jobs may start now, with ``running`` of ours running; None: no
        bound here (the executor queues them)."""
        return None

    @abstractmethod
    def start(self, job: CrawlJob) -> None:
        """Start ``job`` (sets ``job.node`` and ``job.handle``); raises :class:`DispatchError`."""

    @abstractmethod
    def poll(self, job: CrawlJob) -> str | None:
        """None while the job is pending or running; else how it ended."""

    @abstractmethod
    def stop(self, job: CrawlJob, force: bool = False) -> None:
        """Ask the crawl to stop gracefully (it closes and records its run), or kill it."""
