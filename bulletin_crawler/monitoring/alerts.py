"""Alerts sent when a monitor fails, as Spidermon actions: e-mail over SMTP, a JSON webhook, and
a file of JSON lines (each also logged as a warning).

Spidermon's own e-mail actions need jinja2 and premailer, and its SMTP action hands the message
to Scrapy's Twisted mailer without waiting — at the end of a crawl the reactor may stop first.
These send synchronously, with a timeout, from the thread the monitors run in. Secrets come from
the environment, never from settings (Scrapy logs overridden settings), and no log line or
alert carries them: a webhook is named by its origin only.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from spidermon import Action

from bulletin_crawler.extensions.progress import summary
from bulletin_crawler.redaction import endpoint

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

SMTP_PASSWORD_ENV = "BULLETIN_ALERT_SMTP_PASSWORD"
WEBHOOK_TOKEN_ENV = "BULLETIN_ALERT_WEBHOOK_TOKEN"
SMTP_SECURITY = ("none", "starttls", "ssl")
logger = logging.getLogger(__name__)


def alert_payload(failures: list[dict[str, str]], data: Any) -> dict[str, Any]:
    """What every alert says: which site and run, which monitors failed and why, the figures."""
    run: Mapping[str, Any] = data.run or {}
    stats = data.stats
    return {"site": run.get("site") or data.spider.name, "run_id": run.get("run_id"),
            "job": run.get("job"), "host": run.get("host"),
            "started_at": run.get("started_at"), "finish_reason": stats.get("finish_reason"),
            "failed_monitors": failures, "figures": summary(stats)}


def alert_text(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body of an alert."""
    failed = payload["failed_monitors"]
    subject = (f"[bulletin] {payload['site']}: {len(failed)} monitor"
               f"{'s' if len(failed) != 1 else ''} failed")
    lines = [f"site: {payload['site']}", f"run: {payload['run_id']} (job {payload['job']}, "
             f"host {payload['host']}, started {payload['started_at']})",
             f"finish reason: {payload['finish_reason']}", "", "failed monitors:",
             *(f"  - {f['monitor']}: {f['message']}" for f in failed), "",
             "figures: " + ", ".join(f"{name} {value}"
                                     for name, value in payload["figures"].items())]
    return subject, "\n".join(lines) + "\n"


class NewsAlert(Action):
    """An alert action; :meth:`deliver` sends one payload."""

    def run_action(self) -> None:
        self.deliver(alert_payload(self.result.failed_checks, self.data))

    def deliver(self, payload: dict[str, Any]) -> None:
        raise NotImplementedError


class EmailAlert(NewsAlert):
    def __init__(self, to: list[str], sender: str, host: str, port: int,
                 security: str = "none", user: str = "", password: str = "",
                 timeout: float = 10.0):
        super().__init__()
        if security not in SMTP_SECURITY:
            raise ValueError(f"BULLETIN_ALERT_SMTP_SECURITY {security!r} is not one of "
                             f"{', '.join(SMTP_SECURITY)}")
        self.to, self.sender, self.host, self.port = to, sender, host, port
        self.security, self.user, self.password, self.timeout = security, user, password, timeout

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        settings = crawler.settings
        return {"to": settings.getlist("BULLETIN_ALERT_EMAIL_TO"),
                "sender": settings.get("BULLETIN_ALERT_EMAIL_FROM"),
                "host": settings.get("BULLETIN_ALERT_SMTP_HOST"),
                "port": settings.getint("BULLETIN_ALERT_SMTP_PORT"),
                "security": settings.get("BULLETIN_ALERT_SMTP_SECURITY"),
                "user": settings.get("BULLETIN_ALERT_SMTP_USER"),
                "password": os.environ.get(SMTP_PASSWORD_ENV, ""),
                "timeout": settings.getfloat("BULLETIN_ALERT_TIMEOUT")}

    def deliver(self, payload: dict[str, Any]) -> None:
        message = EmailMessage()
        message["Subject"], body = alert_text(payload)
        message["From"], message["To"] = self.sender, ", ".join(self.to)
        message.set_content(body)
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
        logger.info("alert e-mailed to %s via %s:%d", ", ".join(self.to), self.host, self.port)


class WebhookAlert(NewsAlert):
    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        super().__init__()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("BULLETIN_ALERT_WEBHOOK_URL must be an http(s) URL")
        self.url, self.token, self.timeout = url, token, timeout
        self.shown = endpoint(url)  # no path: a webhook's path is often its token

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        return {"url": crawler.settings.get("BULLETIN_ALERT_WEBHOOK_URL"),
                "token": os.environ.get(WEBHOOK_TOKEN_ENV, ""),
                "timeout": crawler.settings.getfloat("BULLETIN_ALERT_TIMEOUT")}

    def deliver(self, payload: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url, data=json.dumps(payload, ensure_ascii=False).encode(), headers=headers,
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except OSError as error:  # the URL (and its token) stays out of the message
            raise RuntimeError(f"webhook {self.shown} failed: "
                               f"{getattr(error, 'code', None) or type(error).__name__}") from None
        logger.info("alert posted to webhook %s (HTTP %d)", self.shown, status)


class FileAlert(NewsAlert):
    def __init__(self, path: str):
        super().__init__()
        self.path = Path(path)

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        return {"path": crawler.settings.get("BULLETIN_ALERT_FILE")}

    def deliver(self, payload: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        logger.warning("alert: %s: %s (written to %s)", payload["site"], "; ".join(
            f"{f['monitor']}: {f['message']}" for f in payload["failed_monitors"]), self.path)


def configured_alerts(crawler: Crawler) -> list[NewsAlert]:
    """The alert actions whose destination is set."""
    settings = crawler.settings
    wanted = (("BULLETIN_ALERT_EMAIL_TO", EmailAlert),
              ("BULLETIN_ALERT_WEBHOOK_URL", WebhookAlert), ("BULLETIN_ALERT_FILE", FileAlert))
    return [action.from_crawler(crawler) for name, action in wanted if settings.get(name)]
