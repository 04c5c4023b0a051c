"""Why a request produced no page: one short reason per kind of loss, for stats, the log and
the store's ``failed_urls``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net

if TYPE_CHECKING:
    from twisted.python.failure import Failure

# Scrapy 2.19 wraps download errors in its own classes; Twisted's still reach us from
# handlers that raise them directly (the browser renderer).
_NETWORK = (
    ((CannotResolveHostError, net.DNSLookupError), "dns"),
    ((DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError), "timeout"),
    ((DownloadConnectionRefusedError, net.ConnectionRefusedError), "connection_refused"),
    ((DownloadFailedError, DownloadCancelledError, net.ConnectionLost, net.ConnectionDone,
      net.ConnectError), "connection_lost"),
)


def failure_reason(failure: Failure) -> tuple[str, str]:
    """``(reason, detail)``: ``http_503``, ``timeout``, ``redirect_loop``, ``too_large``,
    ``refused_offsite``… and the error's own words."""
    error = failure.value
    detail = failure.getErrorMessage()[:300]
    if isinstance(error, HttpError):
        return f"http_{error.response.status}", ""
    if isinstance(error, IgnoreRequest):
        message = str(error)
        for marker, reason in (("refused", None), ("redirect", "redirect_loop"),
                               ("DOWNLOAD_MAXSIZE", "too_large"), ("download_maxsize", "too_large")):
            if marker in message:
                return (reason or message.split(":", 1)[0].replace(" ", "_")), message
        return "ignored", message
    for kinds, reason in _NETWORK:
        if isinstance(error, kinds):
            return reason, detail
    name = type(error).__name__
    if "Timeout" in name:
        return "timeout", detail
    if "ResponseNeverReceived" in name or "ResponseFailed" in name or "PotentialDataLoss" in name:
        return "connection_lost", detail
    return name.lower(), detail
