"""Fixture sites whose list pages hold no article link until JavaScript writes them, as
routes for :class:`~tests.faults.server.FaultServer`. Their articles are the generated TRS
portal's plain HTML pages (``tests/faults/sites.py``); only the lists change:

- :func:`js_portal`: a TRS column whose list pages write their items from an inline JSON array
  (the first page) or from a ``fetch`` of ``items_N.json`` (the others), paged by URL as TRS is;
- :func:`click_portal`: one list page (family ``generic``) showing the first items; a click on
  ``下一页`` replaces them with the next page (or, ``mode="append"``, a click on ``加载更多``
  appends them), fetched from ``page_N.json``.

``static_lists`` keeps each list page as the server renders it for a browser (links written
out): what a Splash stub returns.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tests.faults.server import Page
from tests.faults.sites import GeneratedSite, trs_portal

FIRST_DAY = date(2021, 3, 1)

_SHOW = """function show(items) {
  document.getElementById("list").innerHTML = items.map(item =>
    `<li><a href="${item.href}" title="${item.title}">${item.title}</a>` +
    `<span>${item.date}</span></li>`
  ).join("");
}"""


@dataclass
class JsSite:
    site: GeneratedSite
    static_lists: dict[str, str] = field(default_factory=dict)  # list path → links written out

    def write_site_file(self, directory: Path, key: str, *render: str) -> Path:
        """The site file, with ``render`` lines (``render: browser`` …) added."""
        path = self.site.write_site_file(directory, key)
        path.write_text(path.read_text(encoding="utf-8") + "".join(f"{line}\n" for line in render),
                        encoding="utf-8")
        return path


def _items(site: GeneratedSite, paths: list[str], base: str) -> list[dict[str, str]]:
    """List items of article paths, their links relative to the folder ``base``."""
    return [{"href": path.removeprefix(base), "title": site.titles[path],
             "date": str(site.published[path])} for path in paths]


def _page(title: str, body: str, head: str = "") -> Page:
    return Page(f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>{head}'
                f"</head><body>{body}</body></html>")


def _json(data: object) -> Page:
    return Page(json.dumps(data, ensure_ascii=False), content_type="application/json")


def js_portal(articles: int = 30, per_page: int = 10, extras: str = "") -> JsSite:
    """A TRS column of ``articles`` articles, ``per_page`` a list page; ``extras`` is HTML put
    on the first list page (images, fonts, a beacon to another host…)."""
    site = trs_portal(articles, per_page=per_page, first_day=FIRST_DAY)
    js = JsSite(site)
    newest = site.article_paths[::-1]
    pages = len(site.list_paths)
    for number, list_path in enumerate(site.list_paths):
        js.static_lists[list_path] = site.routes[list_path].body.decode("utf-8")
        folder = list_path.rsplit("/", 1)[0] + "/"
        items = _items(site, newest[number * per_page:(number + 1) * per_page], folder)
        if number == 0:
            load = f"show({json.dumps(items, ensure_ascii=False)});"
        else:
            load = f'fetch("items_{number}.json").then(r => r.json()).then(show);'
            site.routes[f"{folder}items_{number}.json"] = _json(items)
        site.routes[list_path] = _page(
            f"政务要闻_{site.name}",
            f'<div class="nav"><a href="/">首页</a></div><ul class="list" id="list"></ul>'
            f"{extras if number == 0 else ''}"
            f"<script>{_SHOW}\n{load}\nvar countPage = {pages};"
            f'createPageHTML({pages}, {number}, "index", "shtml");</script>',
            head='<meta name="ColumnName" content="政务要闻">'
                 "<script>function createPageHTML() {}</script>")
    return js


def click_portal(articles: int = 30, per_page: int = 10, mode: str = "replace") -> JsSite:
    """One list page, ``/news/list.html``; each click shows the next ``per_page`` items."""
    site = trs_portal(articles, per_page=per_page, first_day=FIRST_DAY)
    newest = site.article_paths[::-1]
    pages = -(-articles // per_page)
    for number in range(1, pages + 1):
        chunk = newest[(number - 1) * per_page:number * per_page]
        site.routes[f"/news/page_{number}.json"] = _json(_items(site, chunk, ""))
    label = "下一页" if mode == "replace" else "加载更多"
    site.routes["/news/list.html"] = _page(
        f"新闻列表_{site.name}",
        '<ul class="list" id="list"></ul>'
        f'<a class="more" href="javascript:;" onclick="next(); return false;">{label}</a>'
        f"<script>{_SHOW}\nvar page = 0, shown = [];\n"
        "function next() {\n"
        f"  if (page >= {pages}) return;\n"
        "  page += 1;\n"
        '  fetch("page_" + page + ".json").then(r => r.json()).then(items => {\n'
        f'    {"shown = items" if mode == "replace" else "shown = shown.concat(items)"};\n'
        "    show(shown);\n"
        f'    if (page >= {pages}) document.querySelector(".more").remove();\n'
        "  });\n"
        "}\nnext();</script>")
    site.list_paths[:] = ["/news/list.html"]
    site.start_path = "/news/list.html"
    site.family = "generic"
    return JsSite(site)
