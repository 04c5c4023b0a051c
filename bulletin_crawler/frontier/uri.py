"""The frontier's address: ``redis://[:PASSWORD@]HOST:PORT/DB`` (``rediss://`` for TLS), checked
before a crawl starts so a typo is one clear line, never a traceback from inside the crawl."""

from __future__ import annotations

from urllib.parse import urlsplit

from bulletin_crawler.redaction import redact
from bulletin_crawler.stores.base import StoreError, short_error

SCHEMES = ("redis", "rediss")
EXAMPLE = "redis://127.0.0.1:6379/0"
CHECK_TIMEOUT = 5.0  # seconds the start-up check waits for Redis


class FrontierUnavailable(StoreError):
    """The frontier's Redis does not answer: reported like an unreachable store (exit 1)."""


def check_uri(uri: str) -> None:
    """Raise :class:`ValueError` naming what is wrong with a frontier URI."""
    problem = _problem(uri)
    if problem:
        raise ValueError(f"frontier {redact(uri)!r}: {problem}; expected redis://HOST:PORT/DB, "
                         f"e.g. {EXAMPLE}")


def _problem(uri: str) -> str:
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as error:
        return str(error)
    if parts.scheme not in SCHEMES:
        return f"scheme {parts.scheme or '(none)'!r} is not redis"
    if not parts.hostname:
        return "no host"
    if port is None:
        return "no port"
    database = parts.path.lstrip("/")
    if database and not database.isdigit():
        return f"database {database!r} is not a number"
    if parts.query or parts.fragment:
        return "options after the database are not supported"
    return ""


def check_reachable(uri: str) -> None:
    """Raise :class:`FrontierUnavailable` when the frontier's Redis does not answer a PING (down,
    or the password is wrong)."""
    import redis

    client = redis.Redis.from_url(uri, socket_timeout=CHECK_TIMEOUT,
                                  socket_connect_timeout=CHECK_TIMEOUT)
    try:
        client.ping()
    except redis.RedisError as error:
        raise FrontierUnavailable(f"frontier {redact(uri)} cannot be used: "
                                  f"{short_error(error)}") from None
    finally:
        client.close()
