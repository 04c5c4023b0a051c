"""The Scrapyd executor: each job goes to the least loaded node that answers
(``daemonstatus.json``: pending + running), through ``schedule.json`` with the job's settings,
its spider arguments and our job id as Scrapyd's ``jobid`` — so Scrapyd's job, the scheduler's
dispatch record and the crawl's run record carry the same id. A node that is down is skipped
and named in the log and the dispatch record. Jobs live on when the scheduler stops.

A setting holding a password (the store's or the frontier's URI) is not sent: Scrapyd would
write it on the crawl's command line and in its job list. Each node reads its own from its
environment (``BULLETIN_STORE`` in ``deploy/scrapyd.service``).
"""

from __future__ import annotations

import logging

from bulletin_crawler.redaction import endpoint
from bulletin_crawler.scheduling.jobs import CrawlJob, DispatchError, Executor
from bulletin_crawler.scheduling.scrapyd_api import ScrapydError, ScrapydNode, call

logger = logging.getLogger(__name__)


class ScrapydExecutor(Executor):
    name = "scrapyd"
    stops_with_scheduler = False

    def __init__(self, nodes: list[ScrapydNode], timeout: float = 10.0):
        if not nodes:
            raise ValueError("the Scrapyd executor needs at least one node "
                             "(BULLETIN_SCRAPYD_NODES or --scrapyd)")
        self.nodes = nodes
        self.timeout = timeout
        self.skipped: list[str] = []  # nodes found down by the last start, for the record

    def least_loaded(self) -> ScrapydNode:
        loads, self.skipped = [], []
        for node in self.nodes:
            try:
                status = call(node, "daemonstatus.json", timeout=self.timeout)
            except ScrapydError as error:
                logger.warning("node skipped: %s", error)
                self.skipped.append(str(error))
                continue
            loads.append((int(status.get("pending", 0)) + int(status.get("running", 0)), node))
        if not loads:
            raise DispatchError("no Scrapyd node answers: " + "; ".join(self.skipped))
        return min(loads, key=lambda load: load[0])[1]

    def start(self, job: CrawlJob) -> None:
        node = self.least_loaded()
        params = [("project", node.project), ("spider", job.site), ("jobid", job.job_id),
                  *(("setting", f"{name}={value}")
                    for name, value in job.public_settings().items()),
                  *job.args.items()]
        if secret := job.secret_settings():  # Scrapyd would put them on a command line
            logger.info("%s not sent to %s: it holds a password; the node reads its own from "
                        "its environment", ", ".join(secret), endpoint(node.url))
        try:
            call(node, "schedule.json", params, post=True, timeout=self.timeout)
        except ScrapydError as error:
            raise DispatchError(str(error)) from None
        job.handle, job.node = node, endpoint(node.url)

    def poll(self, job: CrawlJob) -> str | None:
        try:
            state = call(job.handle, "status.json", [("job", job.job_id),
                                                     ("project", job.handle.project)],
                         timeout=self.timeout).get("currstate")
        except ScrapydError as error:  # down for now: the job's timeout bounds the wait
            logger.warning("cannot poll job %s: %s", job.job_id, error)
            return None
        if state in ("pending", "running"):
            return None
        return "finished" if state == "finished" else "lost (Scrapyd does not know the job)"

    def stop(self, job: CrawlJob, force: bool = False) -> None:
        try:
            call(job.handle, "cancel.json", [("project", job.handle.project),
                                             ("job", job.job_id),
                                             ("signal", "KILL" if force else "TERM")],
                 post=True, timeout=self.timeout)
        except ScrapydError as error:
            logger.warning("cannot cancel job %s: %s", job.job_id, error)
