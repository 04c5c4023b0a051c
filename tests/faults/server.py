"""A programmable misbehaving HTTP server on 127.0.0.1, for the fault tests of issue #12.

Standard library only. One thread accepts; each connection gets a thread that reads one request,
logs it and hands it to the route of its path, which answers it — or breaks the answer: resets,
truncates, stalls, redirects anywhere, bombs. Answers are HTTP/1.1 with ``Connection: close``.
Every wait is bounded and ends at shutdown, so neither a stalled client nor a stalling route can
hang a test.

    with FaultServer({"/a.htm": Sequence([Status(500), Page("<p>ok</p>")])}) as server:
        urlopen(server.url + "/a.htm")   # 500 now, 200 on the next run
"""

from __future__ import annotations

import contextlib
import functools
import html
import http
import socket
import struct
import threading
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from types import TracebackType
from typing import Self

IO_TIMEOUT = 10.0        # seconds a client may take to send its request or to take our answer
CLOSE_TIMEOUT = 5.0      # seconds shutdown waits for connection threads in total
ACCEPT_POLL = 0.05       # how often the accept loop looks at the stop flag
MAX_HEAD = 64 * 1024
MAX_BODY = 16 * 1024 * 1024
SEND_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Hit:
    """One request as it arrived."""

    time: float               # time.monotonic() when its head was read
    method: str
    path: str                 # path with query, as sent
    headers: dict[str, str]   # lower-case names; repeated headers joined with ", "
    body: bytes


class Exchange:
    """One request and its connection, as a route sees them."""

    def __init__(self, sock: socket.socket, request: Hit, stopping: threading.Event):
        self.sock = sock
        self.request = request
        self._stopping = stopping

    def wait(self, seconds: float) -> bool:
        """Sleep; False when the server is shutting down (the route should give up)."""
        return not self._stopping.wait(seconds)

    def respond(self, status: int, headers: dict[str, str], body: bytes = b"",
                content_length: int | None = None) -> None:
        """Status line, headers (``Content-Length`` of ``body`` unless told otherwise,
        ``Connection: close``) and, unless the request is a HEAD, the body."""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        length = len(body) if content_length is None else content_length
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items()),
                 f"Content-Length: {length}", "Connection: close", "", ""]
        # UTF-8, not Latin-1: Chinese sites do send raw UTF-8 in Location headers
        self.sock.sendall("\r\n".join(lines).encode("utf-8"))
        if self.request.method != "HEAD":
            for start in range(0, len(body), SEND_CHUNK):
                self.sock.sendall(body[start:start + SEND_CHUNK])

    def reset(self) -> None:
        """Close with RST instead of FIN: the client sees 'connection reset by peer'."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class Route(ABC):
    """How one path answers."""

    @abstractmethod
    def serve(self, exchange: Exchange) -> None: ...


class Page(Route):
    """A normal response. The ``Content-Type`` is sent exactly as given (``None``: no header),
    so a test can lie about the charset; ``encoding`` only encodes a str body."""

    def __init__(self, body: bytes | str, status: int = 200, headers: dict[str, str] | None = None,
                 content_type: str | None = "text/html; charset=utf-8",
                 encoding: str = "utf-8"):
        self.body = body.encode(encoding) if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.encoding = encoding
        self.headers = {**({"Content-Type": content_type} if content_type else {}),
                        **(headers or {})}

    def serve(self, exchange: Exchange) -> None:
        exchange.respond(self.status, self.headers, self.body)


class Status(Page):
    """A bare status: ``Status(503, {"Retry-After": "2"})``."""

    def __init__(self, code: int, headers: dict[str, str] | None = None, body: str = ""):
        super().__init__(body, status=code, headers=headers)


class Redirect(Page):
    """``Location`` exactly as given: relative, absolute, another port, ``file:///…``."""

    def __init__(self, location: str, code: int = 302):
        super().__init__(f'<a href="{html.escape(location)}">moved</a>', status=code,
                         headers={"Location": location})


class Sequence(Route):
    """The n-th hit of this route gets the n-th route; the last one repeats."""

    def __init__(self, routes: Seq[Route]):
        if not routes:
            raise ValueError("Sequence needs at least one route")
        self.routes = list(routes)
        self._hits = 0
        self._lock = threading.Lock()

    def serve(self, exchange: Exchange) -> None:
        with self._lock:
            route = self.routes[min(self._hits, len(self.routes) - 1)]
            self._hits += 1
        route.serve(exchange)


class Reset(Route):
    """Read the request, then reset the connection without a word."""

    def serve(self, exchange: Exchange) -> None:
        exchange.reset()


class Truncate(Route):
    """Declare ``declared_length`` bytes, send only ``body``, close: an incomplete read."""

    def __init__(self, body: bytes | str, declared_length: int,
                 content_type: str = "text/html; charset=utf-8"):
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        if declared_length <= len(self.body):
            raise ValueError("declared_length must exceed the bytes sent")
        self.declared_length = declared_length
        self.content_type = content_type

    def serve(self, exchange: Exchange) -> None:
        exchange.respond(200, {"Content-Type": self.content_type}, self.body,
                         content_length=self.declared_length)


class Stall(Route):
    """Say nothing for ``seconds`` (cut short by shutdown), then answer with ``then`` or, without
    it, close the connection unanswered."""

    def __init__(self, seconds: float, then: Route | None = None):
        self.seconds = seconds
        self.then = then

    def serve(self, exchange: Exchange) -> None:
        if exchange.wait(self.seconds) and self.then is not None:
            self.then.serve(exchange)


class Slow(Stall):
    """``route`` with ``delay`` seconds of latency per response (a crawl long enough to kill)."""

    def __init__(self, route: Route, delay: float):
        super().__init__(delay, then=route)


BOMB_HEAD = '<html><head><meta charset="utf-8"><title>公告</title></head><body><p>'.encode()
BOMB_TAIL = b"</p></body></html>"
BOMB_UNIT = "文".encode()  # a 3-byte period: deflate's matches need no distance bits
BOMB_CHUNK = 1 << 20


@functools.cache
def gzip_bomb(expanded_bytes: int) -> bytes:
    """A gzip stream of exactly ``expanded_bytes`` bytes of HTML, compressed chunk by chunk
    (the expanded form never exists in memory), made once per process and size.

    Measured (test_server.py, 2 cores): 1 GiB → 1,043,915 bytes, made in 2.9–3.3 s."""
    filler = expanded_bytes - len(BOMB_HEAD) - len(BOMB_TAIL)
    if filler < 0:
        raise ValueError(f"expanded_bytes must be at least {len(BOMB_HEAD) + len(BOMB_TAIL)}")
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip header and trailer
    parts = [compressor.compress(BOMB_HEAD)]
    chunk = BOMB_UNIT * (BOMB_CHUNK // len(BOMB_UNIT))
    while filler >= len(chunk):
        parts.append(compressor.compress(chunk))
        filler -= len(chunk)
    rest = BOMB_UNIT * (filler // len(BOMB_UNIT))
    parts.append(compressor.compress(rest + b"\n" * (filler - len(rest)) + BOMB_TAIL))
    parts.append(compressor.flush())
    return b"".join(parts)


class GzipBomb(Route):
    """``Content-Encoding: gzip``, about 1 MB on the wire that expands to ``expanded_bytes``."""

    def __init__(self, expanded_bytes: int = 1 << 30):
        self.expanded_bytes = expanded_bytes
        self.body = gzip_bomb(expanded_bytes)  # made here, so the first hit is not slow

    def serve(self, exchange: Exchange) -> None:
        exchange.respond(200, {"Content-Type": "text/html; charset=utf-8",
                               "Content-Encoding": "gzip"}, self.body)


NOT_FOUND = Page("<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
                 "</body></html>", status=404)


def free_port() -> int:
    """A loopback port nobody listened on a moment ago (a refused connection, for instance)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FaultServer:
    """Routes keyed by path with query (exact), else by the path alone; anything else is 404.
    ``log`` keeps every request in arrival order. Use as a context manager."""

    def __init__(self, routes: dict[str, Route] | None = None):
        self._routes = dict(routes or {})
        self._log: list[Hit] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.settimeout(ACCEPT_POLL)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name=f"fault-server-{self.port}")

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def route(self, path: str, route: Route) -> None:
        with self._lock:
            self._routes[path] = route

    @property
    def log(self) -> list[Hit]:
        with self._lock:
            return list(self._log)

    def hits(self, path: str) -> int:
        """Requests of exactly this path (with its query, as sent)."""
        with self._lock:
            return sum(hit.path == path for hit in self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def close(self) -> None:
        """Stop accepting, wake every stalled route and connection, wait for their threads
        (bounded: they are daemons, so a straggler cannot keep the process alive either)."""
        self._stopping.set()
        if self._acceptor.is_alive():
            self._acceptor.join(CLOSE_TIMEOUT)
        self._listener.close()
        with self._lock:
            connections = dict(self._connections)
        for sock in connections:
            with contextlib.suppress(OSError):  # already closed or reset
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + CLOSE_TIMEOUT
        for thread in connections.values():
            thread.join(max(0.0, deadline - time.monotonic()))

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            sock.settimeout(IO_TIMEOUT)
            thread = threading.Thread(target=self._handle, args=(sock,), daemon=True)
            with self._lock:
                self._connections[sock] = thread
            thread.start()

    def _handle(self, sock: socket.socket) -> None:
        try:
            request = _read_request(sock)
            if request is None:
                return
            with self._lock:
                self._log.append(request)
                path = request.path
                route = (self._routes.get(path) or self._routes.get(path.partition("?")[0])
                         or NOT_FOUND)
            route.serve(Exchange(sock, request, self._stopping))
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client left early, the route reset it, or the server is stopping
        finally:
            sock.close()
            with self._lock:
                self._connections.pop(sock, None)


def _read_request(sock: socket.socket) -> Hit | None:
    """The request on ``sock``, or None when the client leaves or sends no valid HTTP."""
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEAD:
            return None
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    arrived = time.monotonic()
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = request_line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return None
    headers: dict[str, str] = {}
    for line in header_lines:
        name, colon, value = line.partition(":")
        if colon:
            name, value = name.strip().lower(), value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    try:
        length = min(int(headers.get("content-length", "0")), MAX_BODY)
    except ValueError:
        length = 0
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Hit(arrived, parts[0], parts[1], headers, body[:length])
