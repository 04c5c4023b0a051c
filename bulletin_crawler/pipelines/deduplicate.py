"""Third pipeline: one document per story, across sites and runs, whatever the crawl order.

The store is asked whether the page's canonical URL or its normalised text is known:
- a known URL with the same text is dropped (nothing new);
- a known URL with changed text passes on as an update of that document, the previous version
  kept in ``revisions`` (when that page is the story's canonical place);
- the same text at another URL becomes one more *place* of the stored story and is dropped; if
  it is an earlier or more original publication, the document is re-pointed to it
  (:mod:`bulletin_crawler.canonical`), and ``updated_at`` moves;
- a new text passes on with the id of its text; when it is a near copy of a stored story
  (:mod:`bulletin_crawler.fingerprints`), ``duplicate_of`` names the cluster's root — the
  earliest story by the same rule — and a story earlier than the root becomes the new root.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from bulletin_crawler.canonical import (
    assemble,
    canonical_place,
    is_original,
    make_place,
    merge_documents,
    order_key,
    story_id,
)
from bulletin_crawler.contract import text_fingerprint
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
        adapter.update(content_hash=content_hash, first_seen_at=now, updated_at=now)
        store = self.client.store
        match = await self.client.call(store.match, key, content_hash)
        if match is not None and match.content_hash == content_hash and match.by == "url":
            self.stats.inc_value("bulletin/duplicates")
            self.stats.inc_value("bulletin/duplicates/known_url")
            await self.client.call(store.clear_failures, [key])
            raise DropItem(f"already stored, unchanged: {adapter['url']}",
                           log_level=logging.DEBUG)
        doc = dict(adapter.items())
        doc["places"] = [make_place(doc, key, self._original(doc), now)]
        doc["url_keys"] = [key]
        if match is not None and match.by == "text":
            await self._merge_place(match.id, doc)
            self.stats.inc_value("bulletin/duplicates")
            self.stats.inc_value("bulletin/duplicates/same_text")
            raise DropItem(f"same text as document {match.id}, added as a source: "
                           f"{adapter['url']}", log_level=logging.INFO)
        marks = fingerprint(adapter["body"])
        doc["fingerprint"] = marks.as_dict()
        if match is not None:  # the same URL with a corrected text
            doc = await self._correction(match.id, doc)
            self.stats.inc_value("bulletin/articles_updated")
        else:
            doc["id"] = story_id(content_hash)
            doc = assemble(doc, doc["places"])
            doc["duplicate_of"] = await self._cluster_root(doc, marks)
            self.stats.inc_value("bulletin/articles_new")
        adapter.update({name: doc[name] for name in adapter.field_names() if name in doc})
        return item

    def _original(self, doc: dict[str, Any]) -> bool:
        spider = self.crawler.spider if self.crawler else None
        site = getattr(spider, "site", None)
        publisher = site.name if site is not None else doc["site"]
        return is_original(doc["kind"], doc.get("source"), publisher)

    async def _merge_place(self, doc_id: str, doc: dict[str, Any]) -> None:
        """Add a page's place to the stored story; re-point the story when that place is now
        the canonical one."""
        store = self.client.store
        stored = await self.client.call(store.document, doc_id)
        if stored is None:  # vanished between the match and now: keep it as a new story
            stored = {**doc, "id": doc_id}
        before = canonical_place(stored["places"])["url_key"]
        merged = merge_documents(stored, {**doc, "id": doc_id,
                                          "duplicate_of": stored.get("duplicate_of"),
                                          "revisions": stored.get("revisions") or [],
                                          "fingerprint": stored.get("fingerprint")})
        if canonical_place(merged["places"])["url_key"] != before:
            self.stats.inc_value("bulletin/duplicates/repointed")
            await self._keep_root_earliest(merged)
        await self.client.call(store.upsert, merged)

    async def _correction(self, doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        stored = await self.client.call(self.client.store.document, doc_id) or {}
        canonical = stored and canonical_place(stored["places"])["url_key"] == doc["url_keys"][0]
        revisions = list(stored.get("revisions") or [])
        if canonical:
            revisions.append(_revision(stored))
        merged = merge_documents(stored, {**doc, "id": doc_id, "revisions": revisions,
                                          "duplicate_of": stored.get("duplicate_of")})
        return merged if stored else assemble({**doc, "id": doc_id}, doc["places"])

    async def _cluster_root(self, doc: dict[str, Any], marks: Fingerprint) -> str | None:
        """The earliest story of the cluster this text is a near copy of, if any; when this
        story is earlier than the cluster's root, it becomes the root itself."""
        store = self.client.store
        candidates = await self.client.call(store.near, marks.bands)
        root = nearest_root(marks, [(c.id, c.fingerprint, c.duplicate_of) for c in candidates])
        if root is None:
            return None
        self.stats.inc_value("bulletin/near_duplicates")
        root_doc = await self.client.call(store.document, root)
        if root_doc and _earlier(doc, root_doc):
            self.stats.inc_value("bulletin/near_duplicates/rerooted")
            await self.client.call(store.reroot, root, doc["id"])
            return None
        return root

    async def _keep_root_earliest(self, doc: dict[str, Any]) -> None:
        """A re-pointed story that became earlier than its cluster's root takes its place."""
        root = doc.get("duplicate_of")
        if not root:
            return
        root_doc = await self.client.call(self.client.store.document, root)
        if root_doc and _earlier(doc, root_doc):
            self.stats.inc_value("bulletin/near_duplicates/rerooted")
            await self.client.call(self.client.store.reroot, root, doc["id"])
            doc["duplicate_of"] = None


def _earlier(doc: dict[str, Any], other: dict[str, Any]) -> bool:
    return order_key(canonical_place(doc["places"])) < order_key(canonical_place(other["places"]))


def _revision(stored: dict[str, Any]) -> dict[str, Any]:
    """The previous version of a corrected story, as it stood until ``updated_at``."""
    return {**{name: stored.get(name) for name in _REVISED_FIELDS},
            "updated_at": stored.get("updated_at")}
