"""A crawl job as executors see it, and what every executor provides."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


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
