"""Splash's Lua scripting API, as much of it as our ``execute`` script may use, run by Lua 5.2
(the Lua of Splash, through lupa) over Chromium (Playwright) instead of Splash's WebKit.

Only documented Splash calls are offered (``splash:go``, ``wait``, ``evaljs``, ``runjs``,
``select``, ``html``, ``set_result_status_code``, ``set_result_header``,
``splash.images_enabled``; ``element:mouse_click``, ``element:visible``), each with Splash's
return values, so a script calling anything else fails here as it would in Splash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    body: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Element:
    def __init__(self, handle: Any):
        self._handle = handle

    def mouse_click(self, *options: Any) -> tuple[bool, None]:
        self._handle.click()
        return True, None

    def visible(self) -> bool:
        return bool(self._handle.is_visible())


class _Splash:
    """The ``splash`` object (lupa passes ``splash:go(url)`` as ``go(url)``)."""

    def __init__(self, page: Any, result: Result):
        self._page = page
        self._result = result
        self.images_enabled = True

    def go(self, url: str) -> tuple[bool | None, str | None]:
        response = self._page.goto(url)
        if response is not None and response.status >= 400:
            return None, f"http{response.status}"
        return True, None

    def wait(self, seconds: float) -> tuple[bool, None]:
        self._page.wait_for_timeout(seconds * 1000)
        return True, None

    def evaljs(self, snippet: str) -> Any:
        return self._page.evaluate(snippet)

    def runjs(self, snippet: str) -> tuple[bool, None]:
        self._page.evaluate(snippet)
        return True, None

    def select(self, selector: str) -> _Element | None:
        handle = self._page.query_selector(selector)
        return _Element(handle) if handle is not None else None

    def html(self) -> str:
        return str(self._page.content())

    def set_result_status_code(self, code: int) -> None:
        self._result.status = int(code)

    def set_result_header(self, name: str, value: str) -> None:
        self._result.headers[name] = value


def execute(lua_source: str, args: dict[str, Any], chromium: str) -> tuple[Result, bool]:
    """Run ``main(splash, args)`` of ``lua_source`` on a page of Chromium; the result, and
    whether the script left images on."""
    from lupa.lua52 import LuaRuntime
    from playwright.sync_api import sync_playwright

    lua = LuaRuntime(unpack_returned_tuples=True)
    lua.execute(lua_source)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            result = Result("")
            splash = _Splash(browser.new_page(), result)
            result.body = lua.globals().main(splash, lua.table_from(args))
            return result, splash.images_enabled
        finally:
            browser.close()
