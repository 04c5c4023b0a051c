"""The local executor: one ``bulletin crawl`` subprocess per job, at most ``max_parallel`` at
once, each logging to ``LOG_DIR/SITE/JOB.log``.

A crawl is stopped with SIGTERM, which Scrapy takes as a graceful shutdown: it finishes the
requests in flight, closes the spider and records its run (finish reason ``shutdown``); SIGKILL
follows only when the grace runs out. Crawls run in their own session, so a terminal's Ctrl-C
reaches the scheduler alone, which then stops them in order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bulletin_crawler.scheduling.jobs import CrawlJob, DispatchError, Executor

FLAGS = {"since": "--since", "until": "--until", "origin": "--origin",
         "refresh_days": "--refresh-days"}


def crawl_command(job: CrawlJob) -> list[str]:
    """The ``bulletin crawl`` command line of a job."""
    command = [sys.executable, "-m", "bulletin_crawler.cli", "crawl", job.site]
    for name, value in job.args.items():
        if name == "full":
            command += ["--full"] if value else []
        elif name in FLAGS:
            command += [FLAGS[name], value]
        else:
            raise DispatchError(f"{job.site}: no crawl option for argument {name!r}")
    for name, value in job.public_settings().items():
        command += ["-s", f"{name}={value}"]
    return command


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, max_parallel: int, log_dir: Path | str):
        self.max_parallel = max(1, max_parallel)
        self.log_dir = Path(log_dir)

    def free_slots(self, running: int) -> int | None:
        return max(0, self.max_parallel - running)

    def start(self, job: CrawlJob) -> None:
        log_path = self.log_dir / job.site / f"{job.job_id}.log"
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("ab") as log:
                job.handle = subprocess.Popen(crawl_command(job), stdin=subprocess.DEVNULL,
                                              stdout=log, stderr=subprocess.STDOUT,
                                              env={**os.environ, **job.secret_settings()},
                                              start_new_session=True)
        except OSError as error:
            raise DispatchError(f"cannot start the crawl of {job.site}: {error}") from None
        job.node = f"local pid {job.handle.pid}, log {log_path}"

    def poll(self, job: CrawlJob) -> str | None:
        code = job.handle.poll()
        return None if code is None else f"exit {code}"

    def stop(self, job: CrawlJob, force: bool = False) -> None:
        job.handle.send_signal(signal.SIGKILL if force else signal.SIGTERM)  # no-op once ended
