"""Scrapyd nodes and their JSON API, as scrapyd-client reads them: ``[deploy]`` and
``[deploy:NAME]`` targets of scrapy.cfg (``url``, ``project``, ``username``, ``password``,
``${ENV_VAR}`` expanded), or plain URLs. Messages name a node by its URL without credentials.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.request
from configparser import BasicInterpolation, ConfigParser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from scrapy.utils.conf import get_sources

from bulletin_crawler.redaction import endpoint

_UNSET_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


class ScrapydError(RuntimeError):
    """A node is down, refused the request or answered an error; the message says which."""


@dataclass(frozen=True)
class ScrapydNode:
    name: str
    url: str
    project: str
    username: str = ""
    password: str = field(default="", repr=False)

    def endpoint(self, name: str) -> str:
        return self.url.rstrip("/") + "/" + name


class _EnvInterpolation(BasicInterpolation):
    def before_get(self, parser: Any, section: str, option: str, value: str,
                   defaults: Any) -> str:
        return os.path.expandvars(super().before_get(parser, section, option, value, defaults))


def deploy_targets() -> dict[str, dict[str, str]]:
    """scrapy.cfg's deploy targets by name (``default`` for a bare ``[deploy]``)."""
    config = ConfigParser(interpolation=_EnvInterpolation())
    config.read(get_sources(True))
    base = dict(config.items("deploy")) if config.has_section("deploy") else {}
    targets = {"default": base} if "url" in base else {}
    for section in config.sections():
        if section.startswith("deploy:"):
            targets[section.removeprefix("deploy:")] = {**base, **dict(config.items(section))}
    return targets


def scrapyd_node(name: str, default_project: str) -> ScrapydNode:
    """A node named by a scrapy.cfg deploy target, or by its URL."""
    targets = deploy_targets()
    if name in targets:
        target = targets[name]
        for option in ("username", "password"):
            if unset := _UNSET_VARIABLE.search(target.get(option, "")):
                raise ScrapydError(f"scrapy.cfg [deploy:{name}] {option}: environment variable "
                                   f"{unset.group(1)} is not set")
        return ScrapydNode(name, target["url"], target.get("project") or default_project,
                           target.get("username", ""), target.get("password", ""))
    if urlsplit(name).scheme in ("http", "https"):
        return ScrapydNode(endpoint(name), name, default_project)
    known = ", ".join(targets) or "none"
    raise ScrapydError(f"Scrapyd node {name!r} is neither a scrapy.cfg deploy target (found: "
                       f"{known}) nor an http(s) URL")


def call(node: ScrapydNode, name: str, params: list[tuple[str, str]] | None = None,
         files: dict[str, bytes] | None = None, post: bool = False,
         timeout: float = 10.0) -> dict[str, Any]:
    """One API call (``daemonstatus.json`` …); a form POST when ``post`` (multipart when
    ``files``). Returns the JSON answer; raises :class:`ScrapydError`."""
    headers = {}
    if node.username:
        token = base64.b64encode(f"{node.username}:{node.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    url, data = node.endpoint(name), None
    if files:
        data, headers["Content-Type"] = _multipart(params or [], files)
    elif post:
        data = urlencode(params or []).encode()
    elif params:
        url += "?" + urlencode(params)
    request = urllib.request.Request(url, data=data, headers=headers,
                                     method="POST" if post or files else "GET")
    where = f"Scrapyd {endpoint(node.url)}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        hint = " (check the username and password)" if error.code == 401 else ""
        raise ScrapydError(f"{where}: HTTP {error.code} on {name}{hint}") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise ScrapydError(f"{where} is down: {reason}") from None
    if answer.get("status") != "ok":
        raise ScrapydError(f"{where}: {name} refused: {answer.get('message', answer)}")
    return answer


def _multipart(fields: list[tuple[str, str]], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "bulletin" + os.urandom(12).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
              f'filename="{name}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
              + content + b"\r\n" for name, content in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"
