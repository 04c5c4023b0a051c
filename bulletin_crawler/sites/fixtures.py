"""Saved pages of a site with the extraction expected from them: ``fixtures/<key>/<name>.html``
beside the site file, and ``<name>.json`` holding the page URL and the expected fields.

One parametrised test runs every fixture of every site (built-in or ``BULLETIN_SITES``), so a
selector change that breaks a site fails CI with a field-by-field diff. ``bulletin fixtures
update`` rewrites the expected files from the current extraction — on purpose, never in CI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulletin_crawler.extraction.html import decode_html
from bulletin_crawler.sites.config import SiteConfig
from bulletin_crawler.sites.extract import extract_for_site

FIELDS = ("title", "kicker", "subtitle", "body", "published_at", "event_date", "edition",
          "column", "source", "authors", "reporters", "correspondents", "editors",
          "photographers", "images")


@dataclass(frozen=True)
class Fixture:
    site: SiteConfig
    page: Path

    @property
    def expected_path(self) -> Path:
        return self.page.with_suffix(".json")

    @property
    def name(self) -> str:
        return f"{self.site.key}/{self.page.stem}"


def fixture_dir(site: SiteConfig) -> Path:
    return Path(site.path).parent / "fixtures" / site.key


def site_fixtures(sites: dict[str, SiteConfig]) -> list[Fixture]:
    return [Fixture(site, page) for site in sites.values()
            for page in sorted(fixture_dir(site).glob("*.htm*"))]


def page_url(fixture: Fixture) -> str:
    """The URL the page was saved from (dates and links are read from it)."""
    if fixture.expected_path.exists():
        return str(json.loads(fixture.expected_path.read_text(encoding="utf-8"))["url"])
    return fixture.page.resolve().as_uri()


def extracted_fields(fixture: Fixture, url: str | None = None) -> dict[str, Any]:
    html = decode_html(fixture.page.read_bytes())
    fields = extract_for_site(fixture.site, html, url or page_url(fixture)).as_fields()
    return {name: fields[name] for name in FIELDS}


def differences(fixture: Fixture) -> list[str]:
    """Readable differences between the expected and the current extraction (none = pass)."""
    if not fixture.expected_path.exists():
        return [f"{fixture.name}: no expected file {fixture.expected_path.name} "
                "(write it with `bulletin fixtures update`)"]
    expected = json.loads(fixture.expected_path.read_text(encoding="utf-8"))["fields"]
    actual = extracted_fields(fixture)
    return [f"{fixture.name}: {name}: expected {expected.get(name)!r}, got {actual[name]!r}"
            for name in FIELDS if expected.get(name) != actual[name]]


def write_expected(fixture: Fixture, url: str | None = None) -> None:
    """Record the current extraction as the expected one."""
    url = url or page_url(fixture)
    record = {"url": url, "fields": extracted_fields(fixture, url)}
    fixture.expected_path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
