"""The extractors' common result, and the clean-up every extractor finishes with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bulletin_crawler.extraction.bylines import ROLE_FIELDS, Byline
from bulletin_crawler.extraction.credits import lift_bylines
from bulletin_crawler.extraction.dates import event_date, to_iso
from bulletin_crawler.extraction.tails import cut_tail
from bulletin_crawler.extraction.text import clean_line, dedupe_paragraphs, drop_boilerplate


@dataclass
class Extracted:
    """What one page says about one article, before it becomes a stored document."""

    title: str | None
    paragraphs: list[str]
    url: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    published_at: date | datetime | None = None
    event_date: date | None = None
    edition: dict[str, Any] | None = None
    byline: Byline = field(default_factory=Byline)
    images: list[dict[str, str | None]] = field(default_factory=list)
    source: str | None = None
    column: str | None = None

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def as_fields(self) -> dict[str, Any]:
        """Contract field names and types (ISO dates, plain lists), as ``bulletin parse`` prints."""
        fields: dict[str, Any] = {
            "url": self.url, "title": self.title, "kicker": self.kicker,
            "subtitle": self.subtitle, "body": self.body,
            "published_at": to_iso(self.published_at), "event_date": to_iso(self.event_date),
            "edition": self.edition, "column": self.column, "source": self.source,
            "authors": list(self.byline.authors), "images": self.images,
        }
        for role in ROLE_FIELDS:
            fields[role] = list(getattr(self.byline, role))
        return fields


def finish(extracted: Extracted, issue_date: date | None = None) -> Extracted:
    """Shared last step: clean lines, drop boilerplate, repeats and the furniture under the
    story, lift bylines out of the body, read the event date from the lead."""
    lines = [clean_line(line) for line in extracted.paragraphs]
    lines = dedupe_paragraphs(drop_boilerplate([line for line in lines if line]))
    lines, byline = lift_bylines(cut_tail(lines))
    extracted.byline.merge(byline)
    extracted.paragraphs = lines
    extracted.source = extracted.source or byline.source
    for name in ("title", "kicker", "subtitle"):
        value = getattr(extracted, name)
        setattr(extracted, name, clean_line(value) or None if value else None)
    if extracted.event_date is None and lines:
        reference = issue_date or _as_date(extracted.published_at)
        extracted.event_date = event_date(lines[0][:200], reference)
    return extracted


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
