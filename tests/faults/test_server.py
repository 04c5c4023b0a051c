"""The fault server does what each route says, seen from plain clients (http.client, urllib, raw
sockets), never from the crawler."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
import zlib
from email.message import Message

import pytest

from .server import (
    BOMB_HEAD,
    FaultServer,
    GzipBomb,
    Page,
    Redirect,
    Reset,
    Sequence,
    Slow,
    Stall,
    Status,
    Truncate,
    free_port,
    gzip_bomb,
)


def fetch(server: FaultServer, path: str, method: str = "GET", body: bytes | None = None,
          timeout: float = 5.0) -> tuple[int, Message, bytes]:
    """Status, headers and body of one request; redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_pages_heads_posts_and_404():
    with FaultServer({"/a.htm": Page("<p>新闻</p>", headers={"X-Test": "1"})}) as server:
        status, headers, body = fetch(server, "/a.htm")
        assert (status, body.decode()) == (200, "<p>新闻</p>")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Connection"] == "close" and headers["X-Test"] == "1"
        status, headers, body = fetch(server, "/a.htm", method="HEAD")
        assert (status, body, headers["Content-Length"]) == (200, b"", "13")
        fetch(server, "/a.htm?x=1", method="POST", body=b"q=1")
        status, _, body = fetch(server, "/missing.htm")
        assert status == 404 and b"Not Found" in body
        assert [(hit.method, hit.path, hit.body) for hit in server.log] == [
            ("GET", "/a.htm", b""), ("HEAD", "/a.htm", b""), ("POST", "/a.htm?x=1", b"q=1"),
            ("GET", "/missing.htm", b"")]
        assert server.log[2].headers["content-length"] == "3"
        times = [hit.time for hit in server.log]
        assert times == sorted(times)


def test_query_routes_fall_back_to_the_path_and_hits_count_as_sent():
    with FaultServer({"/c.htm": Page("plain"), "/c.htm?div=0": Page("zero")}) as server:
        assert fetch(server, "/c.htm?div=-1")[2] == b"plain"
        assert fetch(server, "/c.htm?div=0")[2] == b"zero"
        fetch(server, "/c.htm")
        assert [server.hits(p) for p in ("/c.htm", "/c.htm?div=-1", "/c.htm?div=0")] == [1, 1, 1]
        server.route("/c.htm", Status(500))  # replaced while running
        assert fetch(server, "/c.htm")[0] == 500
        server.clear_log()
        assert server.log == [] and server.hits("/c.htm") == 0


def test_a_page_can_lie_about_its_charset():
    gbk = "<p>管城回族区</p>".encode("gbk")
    utf8 = "<p>管城回族区</p>".encode()
    routes = {"/gbk.htm": Page(gbk), "/bare.htm": Page(utf8, content_type=None),
              "/utf8.htm": Page(utf8, content_type="text/html; charset=gbk")}
    with FaultServer(routes) as server:
        _, headers, body = fetch(server, "/gbk.htm")
        assert body == gbk and headers["Content-Type"] == "text/html; charset=utf-8"
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        _, headers, body = fetch(server, "/utf8.htm")
        assert body == utf8 and headers["Content-Type"] == "text/html; charset=gbk"
        assert body.decode("gbk", "replace") != "<p>管城回族区</p>"
        assert "Content-Type" not in fetch(server, "/bare.htm")[1]


def test_status_codes_carry_their_headers():
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    routes = {"/busy": Status(503, {"Retry-After": "2"}), "/odd": Status(599, body="odd"),
              "/slow-down": Status(429, {"Retry-After": date})}
    with FaultServer(routes) as server:
        status, headers, body = fetch(server, "/busy")
        assert (status, headers["Retry-After"], body) == (503, "2", b"")
        status, headers, _ = fetch(server, "/slow-down")
        assert (status, headers["Retry-After"]) == (429, date)
        assert fetch(server, "/odd")[0::2] == (599, b"odd")


def test_sequence_serves_in_order_then_repeats_the_last():
    with FaultServer({"/a": Sequence([Status(500), Status(503), Page("ok")])}) as server:
        assert [fetch(server, "/a")[0] for _ in range(5)] == [500, 503, 200, 200, 200]
        assert server.hits("/a") == 5


@pytest.mark.parametrize("location", [
    "/other.htm", "../node_2.htm", "http://127.0.0.1:9/internal", "http://169.254.169.254/latest/",
    "file:///etc/passwd", "http://localhost/管理"])
def test_redirects_send_the_location_as_given(location):
    with FaultServer({"/r": Redirect(location), "/p": Redirect(location, code=301)}) as server:
        status, headers, _ = fetch(server, "/r")
        assert status == 302
        assert headers["Location"].encode("latin-1").decode() == location
        assert fetch(server, "/p")[0] == 301


def test_a_redirect_loop_is_given_up_by_the_client_after_bounded_hits():
    with FaultServer({"/a": Redirect("/b"), "/b": Redirect("/a"), "/self": Redirect("/self")}
                     ) as server:
        for path in ("/a", "/self"):
            with pytest.raises(urllib.error.HTTPError, match="infinite loop"):
                urllib.request.urlopen(server.url + path, timeout=5)
        assert 2 <= len(server.log) <= 22


def test_reset_is_a_connection_error():
    with FaultServer({"/r": Reset()}) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET /r HTTP/1.1\r\nHost: x\r\n\r\n")
            with pytest.raises(ConnectionResetError):
                sock.recv(1024)
        with pytest.raises((ConnectionResetError, urllib.error.URLError)):
            urllib.request.urlopen(server.url + "/r", timeout=5)
        assert server.hits("/r") == 2


def test_truncate_is_an_incomplete_read():
    with FaultServer({"/t": Truncate("<p>part", 10_000)}) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", "/t")
        response = connection.getresponse()
        assert response.headers["Content-Length"] == "10000"
        with pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
        assert caught.value.partial == b"<p>part"
        connection.close()


def test_stall_is_bounded_and_shutdown_does_not_hang():
    server = FaultServer({"/s": Stall(60), "/then": Stall(0.2, then=Page("late")),
                          "/closed": Stall(0.1)})
    with server:
        started = time.monotonic()
        status, _, body = fetch(server, "/then")
        assert (status, body) == (200, b"late") and time.monotonic() - started >= 0.2
        with pytest.raises(http.client.RemoteDisconnected):  # stalled, then closed unanswered
            fetch(server, "/closed")
        with pytest.raises(TimeoutError):
            fetch(server, "/s", timeout=0.3)
        # left open at shutdown: a stalled route, a silent client, a client halfway through
        stalled = socket.create_connection(("127.0.0.1", server.port))
        stalled.sendall(b"GET /s HTTP/1.1\r\n\r\n")
        silent = socket.create_connection(("127.0.0.1", server.port))
        halfway = socket.create_connection(("127.0.0.1", server.port))
        halfway.sendall(b"GET /s HTTP/1.1\r\nHost:")
        time.sleep(0.1)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 1.0
    for sock in (stalled, silent, halfway):
        sock.settimeout(1)
        assert sock.recv(10) == b""  # the server closed them
        sock.close()


def test_slow_adds_latency_to_each_response():
    with FaultServer({"/a": Slow(Page("a"), 0.2)}) as server:
        for _ in range(2):
            started = time.monotonic()
            assert fetch(server, "/a")[2] == b"a"
            assert 0.2 <= time.monotonic() - started < 2


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated():
    gzip_bomb.cache_clear()
    started = time.monotonic()
    route = GzipBomb()
    made = time.monotonic() - started
    started = time.monotonic()
    assert GzipBomb().body is route.body  # cached for the process
    assert time.monotonic() - started < 0.1
    print(f"gzip bomb: 1 GiB as {len(route.body):,} bytes, made in {made:.2f} s")
    with FaultServer({"/bomb": route}) as server:
        status, headers, body = fetch(server, "/bomb")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body) < 2_000_000
    inflater = zlib.decompressobj(31)
    first = inflater.decompress(body[:65536], 1 << 20)
    assert first.startswith(BOMB_HEAD) and len(first) == 1 << 20


def test_gzip_bomb_inflates_to_exactly_its_size():
    size = 5_000_003
    data = gzip_bomb(size)
    inflater = zlib.decompressobj(31)
    inflated = inflater.decompress(data) + inflater.flush()
    assert len(inflated) == size and inflater.eof
    assert inflated.endswith(b"</p></body></html>")
    inflated.decode("utf-8")


def test_survives_clients_that_leave_early():
    with FaultServer({"/big": Page(b"x" * 5_000_000), "/ok": Page("ok")}) as server:
        socket.create_connection(("127.0.0.1", server.port)).close()
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(b"GET /ok HTT")
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(b"GET /big HTTP/1.1\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 200 OK")
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(b"NONSENSE\r\n\r\n")
            assert sock.recv(100) == b""
        assert fetch(server, "/ok")[2] == b"ok"
        assert [hit.path for hit in server.log] == ["/big", "/ok"]


def test_two_servers_side_by_side_and_a_free_port_refuses():
    with FaultServer({"/": Page("site")}) as site, FaultServer({"/": Page("internal")}) as other:
        assert site.port != other.port and site.url == f"http://127.0.0.1:{site.port}"
        assert (fetch(site, "/")[2], fetch(other, "/")[2]) == (b"site", b"internal")
        assert (site.hits("/"), other.hits("/")) == (1, 1)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", free_port()), timeout=2)
