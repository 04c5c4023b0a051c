"""A render that failed is reported as the plain download would have failed — the same
exception, so the same retries and the same reason in ``failed_urls`` (``dns``,
``connection_refused``, ``timeout``, ``connection_lost``) — or, when the renderer itself failed,
as :class:`RenderError`."""

from __future__ import annotations

from twisted.internet import error as net

NETWORK_ERRORS: dict[str, type[Exception]] = {
    "dns": net.DNSLookupError,
    "refused": net.ConnectionRefusedError,
    "timeout": net.TimeoutError,
    "lost": net.ConnectionLost,
}


class RenderError(Exception):
    """The renderer could not render the page (a script error, bad arguments, a crash)."""


def network_error(kind: str, detail: str) -> Exception:
    """The download error of ``kind`` (``dns``, ``refused``, ``timeout``, ``lost``)."""
    return NETWORK_ERRORS[kind](detail)
