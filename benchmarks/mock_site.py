"""Generate a large mock district news site for benchmarks (not committed output): a Founder ENP
e-paper and a TRS government portal.

The pages are those of the fault tests' generator (``tests/faults/sites.py``), written to disk:
every article gets its own text; every 50th e-paper article and every 10th portal article
reposts the story five before it (exact, or edited: the dedup pipeline's work). Every third
e-paper day, and every third portal article and list page, is GBK.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for tests.faults
from tests.faults.server import Page
from tests.faults.sites import GeneratedSite, founder_epaper, trs_portal

FIRST_DAY = date(2021, 1, 1)
PORTAL_DAYS = 100  # the portal's articles spread over this many days from FIRST_DAY
PORTAL_PAGE_SIZE = 20


def write_site(site: GeneratedSite, root: Path, key: str, origin_host: str) -> int:
    """The site's pages under ``root``, its site file in ``root/../sites``; the page count."""
    for path, route in site.routes.items():
        assert isinstance(route, Page), path
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(route.body)
    site.write_site_file(root.parent / "sites", key, origin_host)
    return len(site.routes)


def generate(root: Path, days: int, editions: int, per_edition: int, seed: int = 7) -> int:
    """Write the e-paper under ``root`` and its site file beside it; returns the page count."""
    site = founder_epaper(FIRST_DAY, days, editions * per_edition, editions,
                          encoding=("utf-8", "utf-8", "gbk"), name="基准测试报",
                          reposts_every=50, seed=seed)
    return write_site(site, root, "bench-daily", "http://bench.bulletin.invalid")


def generate_portal(root: Path, articles: int, seed: int = 11) -> int:
    """A TRS column of ``articles`` articles, newest first, 20 per list page, over
    ``PORTAL_DAYS`` days. Returns the page count."""
    site = trs_portal(articles, PORTAL_PAGE_SIZE, FIRST_DAY, name="基准测试区人民政府",
                      per_day=-(-articles // PORTAL_DAYS), encoding=("gbk", "utf-8", "utf-8"),
                      reposts_every=10, seed=seed)
    return write_site(site, root, "bench-portal", "http://gov.bench.invalid")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--editions", type=int, default=2)
    parser.add_argument("--per-edition", type=int, default=25)
    parser.add_argument("--portal-articles", type=int, default=0)
    args = parser.parse_args()
    pages = generate(args.root, args.days, args.editions, args.per_edition)
    pages += generate_portal(args.root, args.portal_articles) if args.portal_articles else 0
    print(pages, "pages")
