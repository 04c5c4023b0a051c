"""Who may read the console: anyone on this machine when it listens on loopback only; on any
other address, only a client that shows the token (``Authorization: Bearer TOKEN``, or as the
password of HTTP basic auth, which browsers ask for) or the configured user and password.

The secrets come from the environment (``BULLETIN_CONSOLE_TOKEN``, ``BULLETIN_CONSOLE_USER``,
``BULLETIN_CONSOLE_PASSWORD``), never from the command line (``ps`` shows it), and are never
written to a log: the access log has the request line only, which carries no credential.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass, field
from hmac import compare_digest
from typing import Any

TOKEN_ENV = "BULLETIN_CONSOLE_TOKEN"
USER_ENV = "BULLETIN_CONSOLE_USER"
PASSWORD_ENV = "BULLETIN_CONSOLE_PASSWORD"
REALM = 'Basic realm="bulletin console", charset="UTF-8"'


@dataclass(frozen=True)
class Access:
    token: str = field(default="", repr=False)
    user: str = ""
    password: str = field(default="", repr=False)

    @property
    def required(self) -> bool:
        return bool(self.token or (self.user and self.password))

    @property
    def described(self) -> str:
        """What is required, for the start-up line (never the secret itself)."""
        ways = (["token"] if self.token else []) + ([f"basic auth as {self.user}"]
                                                    if self.user and self.password else [])
        return " or ".join(ways) or "none (loopback only)"

    def allows(self, authorization: str | None) -> bool:
        if not self.required:
            return True
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() == "bearer":
            return bool(self.token) and compare_digest(value.strip().encode(), self.token.encode())
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode(
                "utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if self.token and compare_digest(password.encode(), self.token.encode()):
            return True
        return bool(self.user and self.password) and compare_digest(
            user.encode(), self.user.encode()) & compare_digest(password.encode(),
                                                                self.password.encode())


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, access: Access) -> str | None:
    """Why the console must not listen on ``host`` as configured, or None."""
    if is_loopback(host) or access.required:
        return None
    return (f"--host {host} serves the archive beyond this machine: set {TOKEN_ENV} (or "
            f"{USER_ENV} and {PASSWORD_ENV}) in the environment first")


class AccessGuard:
    """ASGI middleware: answers 401 (asking for basic auth) unless :class:`Access` allows."""

    def __init__(self, app: Any, access: Access):
        self.app = app
        self.access = access

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.access.required:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        if self.access.allows(authorization):
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"www-authenticate", REALM.encode())]})
        await send({"type": "http.response.body",
                    "body": b"401: this console needs its token or user and password\n"})
