"""First pipeline: the same clean text whatever spider produced the item."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from bulletin_crawler.contract import published
from bulletin_crawler.extraction.text import (
    clean_line,
    dedupe_paragraphs,
    drop_boilerplate,
    paragraphs,
)

_LINE_FIELDS = ("title", "kicker", "subtitle", "source", "column")
_NAME_FIELDS = ("authors", "reporters", "correspondents", "editors", "photographers")


class NormalisePipeline:
    """Fold whitespace and full-width spaces, rebuild paragraphs one per line, drop print/close
    widgets and repeated paragraphs, list every credited name once, and give ``published_at``
    its one type: an ISO datetime with +08:00 and its precision (``day`` for an issue date)."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in _LINE_FIELDS:
            value = adapter.get(name)
            if isinstance(value, str):
                adapter[name] = clean_line(value) or None
        adapter["body"] = "\n".join(
            dedupe_paragraphs(drop_boilerplate(paragraphs(adapter.get("body") or ""))))
        for name in _NAME_FIELDS:
            adapter[name] = list(dict.fromkeys(n for n in (adapter.get(name) or []) if n))
        if adapter.get("published_precision") is None:
            adapter["published_at"], adapter["published_precision"] = published(
                adapter.get("published_at"))
        return item
