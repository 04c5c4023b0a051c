"""The ``redis_server`` fixture: a fresh real Redis per test (skipped without ``redis-server``,
except in CI, where its absence is a failure)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .redis_server import RedisServer, redis_server_path


@pytest.fixture(name="redis_server")
def redis_server_fixture() -> Iterator[RedisServer]:
    if redis_server_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing; .ci/run installs it (apt-get install "
                        "redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with RedisServer() as server:
        yield server
