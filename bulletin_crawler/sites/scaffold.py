"""A new site from one of its pages: the site file, the saved page as its first fixture and the
page's current extraction as the expected one — all written, or none (a file left behind by a
failed attempt would make the next attempt say "exists; edit it instead")."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from bulletin_crawler.sites.config import load_site_file
from bulletin_crawler.sites.fixtures import Fixture, fixture_dir, write_expected

# How a start URL is written for each family, from a page of that family.
_DATED = (
    (re.compile(r"^(.*/html\d?/)\d{4}-\d{2}/\d{2}/[^/]+$"), "{0}{{date:%Y-%m/%d}}/node_1.htm"),
    (re.compile(r"^(.*/(?:pc|PC)/)(?:layout|column|col|content|con)/\d{6}/\d{2}/[^/]+$"),
     "{0}layout/{{date:%Y%m/%d}}/node_01.html"),
    (re.compile(r"^(.*/)\d{8}/html/[^/]+$"), "{0}{{date:%Y%m%d}}/html/index.htm"),
)


class SiteExists(FileExistsError):
    """The site file is there already: it is the developer's, never overwritten."""


@dataclass(frozen=True)
class NewSite:
    key: str
    url: str
    family: str
    reasons: list[str]
    name: str
    province: str
    city: str | None
    district: str | None
    region_code: str
    render_note: str | None = None


def start_url(url: str, family: str) -> str:
    """A start URL template for the family: the issue's first layout page for e-papers, the
    page's own column list for portals."""
    for pattern, template in _DATED:
        match = pattern.match(url)
        if match:
            return template.format(match.group(1))
    folder = re.sub(r"/\d{6}$", "", url.rsplit("/", 1)[0])  # TRS keeps articles in YYYYMM/
    return {"gov-trs": f"{folder}/index.shtml", "gov-jhtml": f"{folder}/index.jhtml"}.get(
        family, folder + "/")


def site_text(site: NewSite) -> str:
    return (f"# Written by `bulletin new-site` on {date.today()}: review every line.\n"
            f"# Family guess: {site.family} ({'; '.join(site.reasons)})\n"
            f"key: {site.key}\nname: {site.name}\nfamily: {site.family}\n"
            f"start_urls:\n  - {start_url(site.url, site.family)}\n"
            f"region:\n  province: {site.province}\n  city: {site.city or 'null'}\n"
            f"  district: {site.district or 'null'}\n  code: \"{site.region_code}\"\n"
            + (f"render: browser  # {site.render_note}\n" if site.render_note else "")
            + f"verified: scaffolded from {urlsplit(site.url).netloc}; not yet reviewed\n")


def scaffold(site: NewSite, page: bytes, directory: Path) -> tuple[Path, Fixture]:
    """Write the site file, the fixture page and its expected extraction; on any error remove
    what this call wrote and raise it (``SiteFileError`` for a site file that does not load)."""
    site_path = directory / f"{site.key}.yaml"
    if site_path.exists():
        raise SiteExists(f"{site_path} exists; edit it instead")
    made_dir = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    folder: Path | None = None
    made_folder = False
    try:
        site_path.write_text(site_text(site), encoding="utf-8")
        config = load_site_file(site_path, draft=True)
        folder = fixture_dir(config)
        made_folder = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        saved = folder / "page-1.html"
        saved.write_bytes(page)
        fixture = Fixture(config, saved)
        write_expected(fixture, site.url)
    except BaseException:
        site_path.unlink(missing_ok=True)
        if made_folder and folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if made_dir:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return site_path, fixture
