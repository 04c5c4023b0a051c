"""Bad input gets one line naming the thing and what is expected, a non-zero exit, and never a
traceback — for every command and every kind of input that went wrong before."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bulletin_crawler.stores import open_store

from .conftest import run_bulletin


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    run_bulletin("demo", "-q", cwd=folder)
    return folder


def one_line_error(result, *words: str, code: int | None = None) -> None:
    assert result.returncode != 0 if code is None else result.returncode == code, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("args", [
    ("runs", "--store", "foo://x"),
    ("export", "--store", "foo://x"),
    ("crawl", "zzrb", "--store", "foo://x"),
])
def test_unknown_store_schemes(tmp_path, args):
    one_line_error(run_bulletin(*args, cwd=tmp_path, check=False), "foo://x",
                   "expected sqlite:///PATH")


@pytest.mark.parametrize("command", ["runs", "export", "status"])
def test_a_mongodb_that_is_down(tmp_path, command):
    uri = f"mongodb://reader:s3cret@127.0.0.1:{closed_port()}/bulletin"
    result = run_bulletin(command, "--store", uri, cwd=tmp_path, check=False)
    one_line_error(result, "MongoDB cannot be reached", code=1)
    assert "s3cret" not in result.stderr and "Topology" not in result.stderr


def test_runs_of_an_unknown_site_name_the_known_ones(tmp_path):
    store = f"sqlite:///{tmp_path}/s.sqlite3"
    open_store(store).close()
    one_line_error(run_bulletin("runs", "--site", "nosuch", "--store", store, cwd=tmp_path,
                                check=False), "no such site: nosuch", "zzrb", code=1)
    known = run_bulletin("runs", "--site", "zzrb", "--store", store, cwd=tmp_path)
    assert known.stdout.startswith("started at")  # a known site never crawled: no error


def test_a_site_directory_that_is_not_there(tmp_path):
    one_line_error(run_bulletin("crawl", "zzrb", "--sites", str(tmp_path / "nope"),
                                cwd=tmp_path, check=False), "no such directory", code=2)
    one_line_error(run_bulletin("sites", cwd=tmp_path, check=False,
                                env={"BULLETIN_SITES": str(tmp_path / "nope")}),
                   "BULLETIN_SITES=", "no such directory", code=2)


def test_a_mongodb_uri_with_a_password_option(tmp_path):
    result = run_bulletin("runs", "--store", "mongodb://127.0.0.1:1/db?password=s3cret",
                          cwd=tmp_path, check=False)
    one_line_error(result, "not a usable MongoDB URI", "password=***")
    assert "s3cret" not in result.stderr


def test_an_unresolvable_srv_host_is_a_clear_error(monkeypatch):
    """In-process: pymongo's SRV lookup is replaced (tests never ask a DNS server)."""
    from pymongo.errors import ConfigurationError

    from bulletin_crawler.stores import StoreError, mongo, open_store

    def no_such_host(*args, **kwargs):
        raise ConfigurationError("The DNS query name does not exist: _mongodb._tcp.x.invalid.")

    monkeypatch.setattr(mongo, "parse_uri", no_such_host)
    with pytest.raises(StoreError, match=r"mongodb\+srv://u:\*\*\*@x.invalid/db: not a usable"):
        open_store("mongodb+srv://u:pw@x.invalid/db")


def test_read_only_commands_never_create_a_store(tmp_path):
    result = run_bulletin("export", "--store", "sqlite:///typo/x.sqlite3", cwd=tmp_path,
                          check=False)
    one_line_error(result, "sqlite:///typo/x.sqlite3: no such store", code=1)
    assert not (tmp_path / "typo").exists()


def test_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database\n" * 100, encoding="utf-8")
    for command in ("runs", "export"):
        result = run_bulletin(command, "--store", f"sqlite:///{tmp_path}/notes.txt",
                              cwd=tmp_path, check=False)
        one_line_error(result, "notes.txt: cannot be used as a store", code=1)


@pytest.mark.parametrize(("output", "words"), [
    ("missing/folder/out.jsonl", ("missing/folder does not exist",)),
    (".", ("is a folder",)),
    ("/dev/full", ("cannot write /dev/full", "No space left")),
])
def test_export_paths(demo_store, output, words):
    one_line_error(run_bulletin("export", "-o", output, cwd=demo_store, check=False), *words)


def test_eval_of_a_missing_folder(tmp_path):
    result = run_bulletin("eval", str(tmp_path / "nonexistent"), cwd=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "nonexistent" in result.stderr


def test_check_of_an_empty_page(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"")
    one_line_error(run_bulletin("check", "empty.html", cwd=tmp_path, check=False),
                   "empty page", code=1)


@pytest.mark.parametrize(("setting", "words"), [
    ("FOO", ("expected NAME=VALUE",)), ("download_delay=1", ("upper case",))])
def test_settings_syntax(tmp_path, setting, words):
    one_line_error(run_bulletin("crawl", "zzrb", "-s", setting, cwd=tmp_path, check=False),
                   *words, code=2)


def test_new_site_checks_the_key_before_writing_anything(tmp_path):
    (tmp_path / "page.html").write_text("<html><body><h1>标题</h1></body></html>",
                                        encoding="utf-8")
    result = run_bulletin("new-site", "../../escaped", "--url", "http://x.cn/a.html", "--page",
                          "page.html", "--dir", "sites", cwd=tmp_path, check=False)
    one_line_error(result, "site key '../../escaped' must be", code=2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["page.html"]


def test_version_and_help_for_every_option():
    from bulletin_crawler.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, command in commands.items():
        nested = command._subparsers._group_actions[0].choices if command._subparsers else {}
        for where, each in [(name, command), *((f"{name} {n}", c) for n, c in nested.items())]:
            for action in each._actions:
                assert action.help, f"bulletin {where} {action.option_strings or action.dest}"
    out = run_bulletin("--version", cwd=Path.cwd()).stdout
    assert out.startswith("bulletin ")


def test_new_site_that_fails_leaves_nothing_behind(tmp_path):
    body = "".join(f"<p>本报讯 管城回族区第{n}段正文，讲述老旧小区改造的进展和居民的感受。</p>"
                   for n in range(8))
    (tmp_path / "page.html").write_text(
        "<html><head><title>老旧小区改造三年行动启动</title></head><body>"
        f"<h1>老旧小区改造三年行动启动</h1><div class=content>{body}</div></body></html>",
        encoding="utf-8")
    args = ("new-site", "fresh", "--url", "http://x.cn/a.html", "--page", "page.html",
            "--dir", "sites")
    bad = run_bulletin(*args, "--region-code", "41x", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "region" in bad.stderr and "Traceback" not in bad.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["page.html"]
    good = run_bulletin(*args, "--region-code", "410104", cwd=tmp_path, check=False)
    assert (tmp_path / "sites" / "fresh.yaml").exists(), good.stderr  # not "exists; edit it"
    unreachable = run_bulletin("new-site", "gone", "--url", "http://127.0.0.1:9/a.html",
                               "--dir", "sites", cwd=tmp_path, check=False)
    one_line_error(unreachable, "http://127.0.0.1:9/a.html", code=1)
