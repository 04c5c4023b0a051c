"""Deploy the project to Scrapyd: an egg of the installed package — its code and built-in site
files — with the ``scrapy`` entry point Scrapyd reads the settings module from, uploaded to
``addversion.json`` of a scrapy.cfg ``[deploy]`` target.

The egg is written straight from the package, so deploying needs no ``setup.py`` and leaves no
``build/`` or ``*.egg-info`` behind. Eggs carry no dependencies: the Scrapyd host has the
project installed in its environment (``pip install bulletin-crawler`` there, same version); the
egg names the project, its version and its settings module, and its copy of the package may be
the one that runs (it is, beside an editable install), built-in site files read from the zip.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import bulletin_crawler
from bulletin_crawler.scheduling.scrapyd_api import ScrapydNode, call

SETTINGS_MODULE = "bulletin_crawler.settings"


def build_egg() -> bytes:
    """The project as an egg (a zip): the package's files and ``EGG-INFO``."""
    package = Path(bulletin_crawler.__file__).parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                egg.write(path, f"bulletin_crawler/{path.relative_to(package).as_posix()}")
        egg.writestr("EGG-INFO/PKG-INFO", "Metadata-Version: 1.1\nName: bulletin-crawler\n"
                                          f"Version: {bulletin_crawler.__version__}\n")
        egg.writestr("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {SETTINGS_MODULE}\n")
        egg.writestr("EGG-INFO/top_level.txt", "bulletin_crawler\n")
    return buffer.getvalue()


def deploy(node: ScrapydNode, version: str | None = None, timeout: float = 60.0
           ) -> dict[str, object]:
    """Upload the egg as ``version`` (default: the time, as scrapyd-deploy does); returns
    Scrapyd's answer (project, version, number of spiders)."""
    version = version or str(int(time.time()))
    return call(node, "addversion.json", [("project", node.project), ("version", version)],
                files={"egg": build_egg()}, timeout=timeout)
