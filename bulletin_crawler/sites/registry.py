"""The site registry: every site file from the package and from ``BULLETIN_SITES``, by key.

One bad file disables its own site, never the others: its problem is kept (and named when that
site is asked for, or by ``bulletin sites --check``) while every good site stays usable.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bulletin_crawler.sites.config import SiteConfig, SiteFileError, load_site_file
from bulletin_crawler.sites.custom import import_modules

#: The package's own site files: a folder, or a folder inside the zipped egg Scrapyd runs (read
#: through importlib.resources, which reads both).
BUILTIN_DIR: Traversable = resources.files("bulletin_crawler.sites") / "builtin"
SITES_ENV = "BULLETIN_SITES"
logger = logging.getLogger(__name__)


@dataclass
class Registry:
    sites: dict[str, SiteConfig] = field(default_factory=dict)
    problems: list[SiteFileError] = field(default_factory=list)

    def site(self, key: str) -> SiteConfig:
        """The site ``key``; a KeyError says why it is missing (its file's problem, if any)."""
        if key in self.sites:
            return self.sites[key]
        for problem in self.problems:
            if Path(problem.path).stem == key:
                raise KeyError(f"site {key!r} is disabled: {problem}")
        raise KeyError(f"Spider not found: {key} (known sites: {', '.join(sorted(self.sites))})")


def no_such_site(keys: Iterable[str], known: Iterable[str]) -> str:
    """What to say of site keys that name no site: the known ones, for the typo."""
    return f"no such site: {', '.join(keys)} (known: {', '.join(sorted(known))})"


def site_dirs(extra: str | Path | None = None) -> list[Traversable]:
    """Built-in sites first, then the operator's directory (argument, else ``$BULLETIN_SITES``)."""
    dirs: list[Traversable] = [BUILTIN_DIR]
    extra = extra or os.environ.get(SITES_ENV)
    if extra:
        dirs.append(Path(extra))
    return dirs


def load_registry(extra: str | Path | None = None) -> Registry:
    """Load and validate every site file; each bad file, duplicate key or broken page-object
    module becomes a problem naming the file."""
    registry = Registry()
    for directory in site_dirs(extra):
        if not directory.is_dir():
            registry.problems.append(SiteFileError(str(directory), None,
                                                   "site directory does not exist"))
            continue
        try:
            if isinstance(directory, Path):  # page-object modules load from files on disk
                import_modules(directory)
        except Exception as error:
            registry.problems.append(SiteFileError(directory, None, "a page-object module "
                                                   f"failed to import: {error!r}"))
        for path in sorted((entry for entry in directory.iterdir()
                            if entry.name.endswith((".yaml", ".yml"))), key=lambda e: e.name):
            try:
                site = load_site_file(path)
            except SiteFileError as error:
                registry.problems.append(error)
                continue
            if site.key in registry.sites:
                registry.problems.append(SiteFileError(
                    path, "key", f"{site.key!r} is already defined in "
                    f"{registry.sites[site.key].path}"))
                continue
            registry.sites[site.key] = site
    return registry


def load_sites(extra: str | Path | None = None) -> dict[str, SiteConfig]:
    """The usable sites; each problem is logged as a warning."""
    registry = load_registry(extra)
    for problem in registry.problems:
        logger.warning("site file skipped: %s", problem)
    return registry.sites
