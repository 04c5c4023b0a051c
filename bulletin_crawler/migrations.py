"""Stored documents of an older schema, brought up to :data:`SCHEMA_VERSION` on store open.

Schema 1 → 2: ``published_at`` (a bare date for e-papers, a datetime for portals) becomes a
datetime with the +08:00 offset plus ``published_precision`` (``day``, ``minute``, ``second``),
in the document and in every ``sources`` entry; every source becomes a *place* (the internal
record the canonical-place rule works on, :mod:`bulletin_crawler.canonical`): the document's
own page with its snapshot, the other sources with what schema 1 kept of them. Ids stay as
they were. Idempotent: a document already at the current version is returned unchanged.
"""

from __future__ import annotations

from typing import Any

from bulletin_crawler.canonical import assemble, make_place
from bulletin_crawler.contract import SCHEMA_VERSION, published
from bulletin_crawler.urls import url_key


def upgrade_document(doc: dict[str, Any]) -> dict[str, Any]:
    if int(doc.get("schema_version") or 1) >= SCHEMA_VERSION:
        return doc
    doc = dict(doc)
    if doc.get("published_precision") is None:
        doc["published_at"], doc["published_precision"] = published(doc.get("published_at"))
    seen_at = doc.get("first_seen_at") or ""
    own = make_place(doc, url_key(doc["url"]), True, seen_at)
    places = [own]
    for source in doc.get("sources") or []:
        if source.get("url") == doc["url"]:
            continue
        when, precision = published(source.get("published_at"))
        places.append({"site": source.get("site"), "url": source["url"],
                       "url_key": url_key(source["url"]), "kind": doc.get("kind"),
                       "region": doc.get("region") or {}, "source": doc.get("source"),
                       "original": False, "published_at": when,
                       "published_precision": precision, "seen_at": seen_at, "fields": {}})
    upgraded = assemble(doc, places)
    upgraded["schema_version"] = SCHEMA_VERSION
    return upgraded
