"""Local receivers for alerts, on loopback: an SMTP server with AUTH (aiosmtpd) and an HTTP
endpoint that keeps every JSON POST."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ..faults.server import free_port


@dataclass
class Inbox:
    user: str
    password: str
    messages: list[Message] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == (self.user, self.password)
        self.logins.append(f"{mechanism}:{'ok' if ok else 'refused'}")
        return AuthResult(success=ok)


@contextmanager
def smtp_server(user: str, password: str) -> Iterator[tuple[int, Inbox]]:
    """An SMTP server on 127.0.0.1 that wants a login (allowed without TLS on loopback)."""
    inbox = Inbox(user, password)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            authenticator=inbox.authenticate, auth_require_tls=False,
                            auth_required=True)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@dataclass
class Hook:
    posts: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def webhook_server() -> Iterator[tuple[str, Hook]]:
    """An HTTP server on 127.0.0.1 keeping each POSTed JSON body and its headers."""
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hook.posts.append(json.loads(body))
            hook.headers.append(dict(self.headers))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/bulletin", hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
