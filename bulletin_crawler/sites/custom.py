"""The escape hatch for a site no family reads well: a small Python class, registered for the
site key, that turns an article page into an :class:`Extracted`. Put the module next to the site
file (``BULLETIN_SITES``); it is imported with the site files.

    from bulletin_crawler.extraction.result import Extracted, finish
    from bulletin_crawler.sites.custom import page_object

    @page_object("my-paper")
    class MyPaperArticle:
        def parse_article(self, html: str, url: str) -> Extracted:
            ...
            return finish(Extracted(title=..., paragraphs=..., url=url))
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from bulletin_crawler.extraction.result import Extracted


class PageObject(Protocol):
    def parse_article(self, html: str, url: str) -> Extracted: ...


_REGISTRY: dict[str, type[Any]] = {}


def page_object(key: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: this class extracts the article pages of site ``key``."""

    def register(cls: type[Any]) -> type[Any]:
        _REGISTRY[key] = cls
        return cls

    return register


def page_object_for(key: str) -> PageObject | None:
    cls = _REGISTRY.get(key)
    return cls() if cls else None


def import_modules(directory: Path) -> None:
    """Import the ``*.py`` files of a site directory, so their page objects register."""
    for path in sorted(directory.glob("*.py")):
        name = f"bulletin_sites_{path.stem}"
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        if spec and spec.loader:
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
