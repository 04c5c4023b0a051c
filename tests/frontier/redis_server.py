"""A real Redis for one test (or one benchmark): Debian's ``redis-server`` on a free loopback
port, without persistence, stopped by its own process id at the end.

In CI (``CI=true``) a missing ``redis-server`` is a failure, never a skip: ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from types import TracebackType
from typing import Self

import redis

START_TIMEOUT = 10.0  # seconds redis-server may take to answer PING
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_server_path() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)


class RedisServer:
    """``with RedisServer() as redis: redis.uri`` — ``redis://127.0.0.1:PORT/0``."""

    def __init__(self) -> None:
        path = redis_server_path()
        if path is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.uri = f"redis://127.0.0.1:{self.port}/0"
        self._command = [path, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                         "--appendonly", "no", "--loglevel", "warning"]
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode}")
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:  # not listening yet
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(STOP_TIMEOUT)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def memory(self) -> int:
        """Bytes of memory Redis uses now (``used_memory``)."""
        return int(self.client().info("memory")["used_memory"])
