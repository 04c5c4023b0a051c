"""The ``$jsonSchema`` the MongoDB ``articles`` collection validates documents with.

It states the data contract (docs/data-contract.md) in BSON types. Bump ``SCHEMA_VERSION``
(bulletin_crawler/contract.py) with any change; the new validator is applied on the next open
(``collMod``). Documents of an older version stay valid as long as the change only adds optional
fields; see docs/mongodb.md for migrating otherwise.
"""

from __future__ import annotations

from typing import Any

DATE_FIELDS = ("published_at", "event_date", "first_seen_at", "updated_at")

_TEXT = {"bsonType": "string"}
_TEXT_OR_NULL = {"bsonType": ["string", "null"]}
_DATE_OR_NULL = {"bsonType": ["date", "null"]}
_NAMES = {"bsonType": "array", "items": _TEXT}

ARTICLE_SCHEMA: dict[str, Any] = {
    "bsonType": "object",
    "required": ["_id", "id", "url", "site", "source", "kind", "region", "title", "body",
                 "content_hash", "sources", "url_keys", "first_seen_at", "updated_at",
                 "schema_version"],
    "properties": {
        "_id": _TEXT,
        "id": _TEXT,
        "url": {"bsonType": "string", "pattern": "^https?://"},
        "site": _TEXT,
        "source": _TEXT,
        "kind": {"enum": ["epaper", "portal", "generic"]},
        "region": {"bsonType": "object", "required": ["code"],
                   "properties": {"code": {"bsonType": "string", "pattern": "^[0-9]{6}$"},
                                  "province": _TEXT_OR_NULL, "city": _TEXT_OR_NULL,
                                  "district": _TEXT_OR_NULL}},
        "title": {"bsonType": "string", "minLength": 1},
        "kicker": _TEXT_OR_NULL,
        "subtitle": _TEXT_OR_NULL,
        "body": {"bsonType": "string", "minLength": 1},
        "published_at": _DATE_OR_NULL,
        "published_precision": {"enum": ["day", "minute", "second", None]},
        "event_date": _DATE_OR_NULL,
        "edition": {"bsonType": ["object", "null"]},
        "column": _TEXT_OR_NULL,
        "authors": _NAMES,
        "reporters": _NAMES,
        "correspondents": _NAMES,
        "editors": _NAMES,
        "photographers": _NAMES,
        "images": {"bsonType": "array", "items": {"bsonType": "object", "required": ["url"]}},
        "content_hash": {"bsonType": "string", "pattern": "^[0-9a-f]{40}$"},
        "duplicate_of": _TEXT_OR_NULL,
        "sources": {"bsonType": "array", "minItems": 1,
                    "items": {"bsonType": "object", "required": ["site", "url"],
                              "properties": {"published_at": _DATE_OR_NULL}}},
        "places": {"bsonType": "array", "items": {"bsonType": "object",
                                                  "required": ["url", "url_key"]}},
        "revisions": {"bsonType": "array", "items": {"bsonType": "object"}},
        "url_keys": {"bsonType": "array", "minItems": 1, "items": _TEXT},
        "fingerprint": {"bsonType": ["object", "null"]},
        "first_seen_at": {"bsonType": "date"},
        "updated_at": {"bsonType": "date"},
        "schema_version": {"bsonType": "int"},
    },
}
