"""The site registry: every site file from the package and from ``BULLETIN_SITES``, by key."""

from __future__ import annotations

import os
from pathlib import Path

from bulletin_crawler.sites.config import SiteConfig, SiteFileError, load_site_file
from bulletin_crawler.sites.custom import import_modules

BUILTIN_DIR = Path(__file__).with_name("builtin")
SITES_ENV = "BULLETIN_SITES"


def site_dirs(extra: str | Path | None = None) -> list[Path]:
    """Built-in sites first, then the operator's directory (argument, else ``$BULLETIN_SITES``)."""
    dirs = [BUILTIN_DIR]
    extra = extra or os.environ.get(SITES_ENV)
    if extra:
        dirs.append(Path(extra))
    return dirs


def load_sites(extra: str | Path | None = None) -> dict[str, SiteConfig]:
    """Load and validate every site file; a bad file or a key defined twice raises
    :class:`SiteFileError` naming the file."""
    sites: dict[str, SiteConfig] = {}
    for directory in site_dirs(extra):
        if not directory.is_dir():
            raise SiteFileError(directory, None, "site directory does not exist")
        import_modules(directory)
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            site = load_site_file(path)
            if site.key in sites:
                raise SiteFileError(path, "key", f"{site.key!r} is already defined in "
                                    f"{sites[site.key].path}")
            sites[site.key] = site
    return sites
