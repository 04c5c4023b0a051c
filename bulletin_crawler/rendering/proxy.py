"""The browser's only way out: a forward proxy on loopback that lets a connection through only
when the crawl's host rules allow it.

A rendered page's scripts, frames, XHR, redirects, workers and WebSockets never pass Scrapy's
middlewares, and Chromium follows redirects past Playwright's request routes. So the browser
context is given this proxy for everything (loopback included), and the proxy asks the
:class:`~.guard.InPageGuard` about each request's host and port, resolves the name itself and
connects to the very address it checked. A refused plain-HTTP request is answered ``403`` with
the reason in ``X-Bulletin-Refused``; a refused ``CONNECT`` (HTTPS, WebSocket) is answered
``403``, which the browser reports as a failed tunnel. One request per connection: the proxy
asks both sides to close, so a kept-alive connection never carries a second, unchecked host.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

if TYPE_CHECKING:
    from bulletin_crawler.rendering.guard import InPageGuard

REFUSED_HEADER = "X-Bulletin-Refused"
HEAD_TIMEOUT = 30.0  # seconds the browser may take to send a request's head (at most 64 KiB)
CONNECT_TIMEOUT = 30.0  # seconds to reach the site
CHUNK = 64 * 1024
_HOP_BY_HOP = (b"connection", b"proxy-connection", b"keep-alive")

Refused = Callable[[str, str], None]  # (url, refusal)


class GuardProxy:
    def __init__(self, guard: InPageGuard, refused: Refused = lambda url, refusal: None):
        self.guard = guard
        self.refused = refused
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        """Listen on a free loopback port; the proxy's URL."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
            request_line, _, headers = head.partition(b"\r\n")
            method, target, version = request_line.decode("latin-1").split(" ", 2)
            tunnel = method.upper() == "CONNECT"
            url = f"https://{target}/" if tunnel else target
            refusal, address = await self.guard.check(url)
            if refusal is not None:
                self.refused(url, refusal)
                writer.write(_refusal_answer(refusal))
                return
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            upstream_reader, upstream = await asyncio.wait_for(
                asyncio.open_connection(address, port), CONNECT_TIMEOUT)
            if tunnel:
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                upstream.write(_origin_form(method, parts, version, headers))
            await asyncio.gather(_pipe(reader, upstream), _pipe(upstream_reader, writer))
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError):
            pass  # a broken or refused connection is the browser's failed request
        finally:
            with contextlib.suppress(OSError):
                writer.close()


def _refusal_answer(refusal: str) -> bytes:
    body = refusal.encode("ascii")
    return (f"HTTP/1.1 403 Forbidden\r\n{REFUSED_HEADER}: {refusal}\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode("ascii") + body


def _origin_form(method: str, parts: SplitResult, version: str, headers: bytes) -> bytes:
    """The request as the origin server expects it: its path, and ``Connection: close``."""
    kept = [line for line in headers.split(b"\r\n")
            if line and line.split(b":", 1)[0].strip().lower() not in _HOP_BY_HOP]
    query = f"?{parts.query}" if parts.query else ""
    line = f"{method} {parts.path or '/'}{query} {version}".encode("latin-1")
    return b"\r\n".join([line, *kept, b"Connection: close", b"", b""])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until the reader's side closes, then close the writer's."""
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(OSError):
            writer.close()
