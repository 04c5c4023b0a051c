"""``bulletin serve`` as an operator runs it: after ``bulletin demo`` it shows the demo archive;
off loopback it refuses to start without credentials and then asks every request for them,
never printing them; bad input is one line and a non-zero exit."""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request

import pytest
from fastapi.testclient import TestClient

from bulletin_crawler.console.app import create_app
from bulletin_crawler.console.access import Access, bind_problem
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores.sqlite import SQLiteStore

from .conftest import run_bulletin
from .console.server import console

TOKEN = "tok-4f1c9a7e-never-shown"


def fetch(url: str, authorization: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": authorization}
                                     if authorization else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_demo_then_serve_shows_the_demo_archive(tmp_path):
    printed = run_bulletin("demo", "-q", cwd=tmp_path).stdout.strip().splitlines()[-1]
    assert printed == "open the console: bulletin serve --store sqlite:///data/bulletin.sqlite3"
    with console("sqlite:///data/bulletin.sqlite3", cwd=tmp_path) as served:
        assert served.url.startswith("http://127.0.0.1:")
        status, page = fetch(served.url)
        assert status == 200 and "管城示范报" in page and "demo-daily" in page
        status, body = fetch(served.url + "api/articles?limit=50")
        assert status == 200
        assert [doc["site"] for doc in json.loads(body)["articles"]] == ["demo-daily"] * 6


def test_off_loopback_the_console_needs_a_token_and_never_prints_it(tmp_path):
    SQLiteStore(tmp_path / "a.sqlite3").close()
    store = f"sqlite:///{tmp_path}/a.sqlite3"
    refused = run_bulletin("serve", "--store", store, "--host", "0.0.0.0", "--port", "0",
                           cwd=tmp_path, check=False)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [(
        "bulletin serve: --host 0.0.0.0 serves the archive beyond this machine: set "
        "BULLETIN_CONSOLE_TOKEN (or BULLETIN_CONSOLE_USER and BULLETIN_CONSOLE_PASSWORD) in "
        "the environment first")]
    with console(store, "--host", "0.0.0.0", env={"BULLETIN_CONSOLE_TOKEN": TOKEN},
                 cwd=tmp_path) as served:
        local = served.url.replace("0.0.0.0", "127.0.0.1")
        assert fetch(local)[0] == 401
        assert fetch(local + "api/sites", "Bearer wrong")[0] == 401
        assert fetch(local + "api/sites", f"Bearer {TOKEN}")[0] == 200
        assert fetch(local, basic("anyone", TOKEN))[0] == 200
    output = served.output()
    assert TOKEN not in output and TOKEN not in " ".join(served.process.args)


def test_basic_auth_with_a_user_and_password(tmp_path):
    store = SQLiteStore(tmp_path / "a.sqlite3")
    app = create_app(store, load_registry(), access=Access(user="ops", password="pa:ss"))
    client = TestClient(app)
    answer = client.get("/")
    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Basic")
    assert client.get("/", headers={"Authorization": basic("ops", "pa:ss")}).status_code == 200
    assert client.get("/", headers={"Authorization": basic("ops", "wrong")}).status_code == 401
    assert client.get("/", headers={"Authorization": "Basic !!!"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer pa:ss"}).status_code == 401
    store.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_credentials(host):
    assert bind_problem(host, Access()) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "console.example"])
def test_any_other_address_does(host):
    assert "BULLETIN_CONSOLE_TOKEN" in (bind_problem(host, Access()) or "")
    assert bind_problem(host, Access(token="t")) is None


def test_bad_input_is_one_line(tmp_path):
    missing = run_bulletin("serve", "--store", f"sqlite:///{tmp_path}/none.sqlite3",
                           cwd=tmp_path, check=False)
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert "no such store" in missing.stderr
    SQLiteStore(tmp_path / "a.sqlite3").close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_bulletin("serve", "--store", f"sqlite:///{tmp_path}/a.sqlite3", "--port",
                            port, cwd=tmp_path, check=False)
    assert busy.returncode == 1
    assert busy.stderr.strip() == f"bulletin serve: cannot listen on 127.0.0.1:{port}: " \
                                  "Address already in use"
