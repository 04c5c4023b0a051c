"""Third pipeline: one document per story, across sites and runs.

The store is asked whether the page's canonical URL or its normalised text is known:
- a known URL with the same text is dropped (nothing new);
- a known URL with changed text passes on as an update of that document, the previous version
  kept in ``revisions``;
- the same text at another URL is recorded in the existing document's ``sources`` and dropped;
- a new text passes on with a fresh stable ``id``; when it is a near copy of a stored story
  (:mod:`bulletin_crawler.fingerprints`), ``duplicate_of`` names that story's cluster root.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from bulletin_crawler.contract import article_id, text_fingerprint
from bulletin_crawler.extraction.dates import now_iso
from bulletin_crawler.fingerprints import Fingerprint, fingerprint, nearest_root
from bulletin_crawler.pipelines.store_client import StorePipelineBase
from bulletin_crawler.urls import url_key

_REVISED_FIELDS = ("title", "kicker", "subtitle", "body", "content_hash")


class DeduplicatePipeline(StorePipelineBase):
    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key = url_key(adapter["url"])
        content_hash = text_fingerprint(adapter["body"])
        now = now_iso()
        source = {"site": adapter["site"], "url": adapter["url"],
                  "published_at": (adapter.get("published_at") or now)[:10]}
        adapter.update(content_hash=content_hash, sources=[source], first_seen_at=now,
                       updated_at=now)
        store = self.client.store
        match = await self.client.call(store.match, key, content_hash)
        if match is not None and match.content_hash == content_hash:
            self.stats.inc_value("bulletin/duplicates")
            if match.by == "url":
                self.stats.inc_value("bulletin/duplicates/known_url")
                raise DropItem(f"already stored, unchanged: {adapter['url']}",
                               log_level=logging.DEBUG)
            await self.client.call(store.add_source, match.id, source, key, now)
            self.stats.inc_value("bulletin/duplicates/same_text")
            raise DropItem(f"same text as document {match.id}, added as a source: "
                           f"{adapter['url']}", log_level=logging.INFO)
        marks = fingerprint(adapter["body"])
        adapter["fingerprint"] = marks.as_dict()
        if match is not None:  # the same URL with a corrected text
            stored = await self.client.call(store.get, match.id) or {}
            adapter["id"] = match.id
            adapter["duplicate_of"] = stored.get("duplicate_of")
            adapter["revisions"] = [*stored.get("revisions", []), _revision(stored)]
            self.stats.inc_value("bulletin/articles_updated")
            return item
        adapter["id"] = article_id(key)
        adapter["duplicate_of"] = await self._cluster_root(marks)
        self.stats.inc_value("bulletin/articles_new")
        return item

    async def _cluster_root(self, marks: Fingerprint) -> str | None:
        """The earliest story of the cluster this text is a near copy of, if any."""
        candidates = await self.client.call(self.client.store.near, marks.bands)
        root = nearest_root(marks, [(c.id, c.fingerprint, c.duplicate_of) for c in candidates])
        if root is not None:
            self.stats.inc_value("bulletin/near_duplicates")
        return root


def _revision(stored: dict[str, Any]) -> dict[str, Any]:
    """The previous version of a corrected story, as it stood until ``updated_at``."""
    return {**{name: stored.get(name) for name in _REVISED_FIELDS},
            "updated_at": stored.get("updated_at")}
