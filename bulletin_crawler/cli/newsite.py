"""``bulletin new-site``: from one page of a new site to a site file, a saved fixture page and
its expected extraction, for the developer to review. A portal whose list page shows article
links only once rendered gets ``render: browser``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bulletin_crawler.cli.check import LIST_PAGE, fetch
from bulletin_crawler.extraction.html import ExtractionError, decode_html
from bulletin_crawler.rendering.compare import PageOffer
from bulletin_crawler.rendering.config import RenderingUnavailable
from bulletin_crawler.rendering.errors import RenderError
from bulletin_crawler.rendering.single import render_page
from bulletin_crawler.runner import project_settings
from bulletin_crawler.sites import SiteFileError
from bulletin_crawler.sites.config import (
    FAMILY_KINDS,
    KEY_RULE,
    PLACEHOLDER_CODE,
    PLACEHOLDER_PROVINCE,
    is_site_key,
)
from bulletin_crawler.sites.detect import guess_family
from bulletin_crawler.sites.fixtures import differences
from bulletin_crawler.sites.scaffold import NewSite, SiteExists, scaffold, start_url


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("new-site", help="scaffold a site file, a fixture and its "
                                                  "expected extraction from one page")
    parser.add_argument("key", help="site key: 2-63 lower-case letters, digits, '-' or '_'")
    parser.add_argument("--url", required=True, help="the page's URL (fetched unless --page)")
    parser.add_argument("--page", help="a saved copy of the page, instead of fetching it")
    parser.add_argument("--family", help="override the guessed family")
    parser.add_argument("--name", help="publication name (default: the key)")
    parser.add_argument("--region-code", default=PLACEHOLDER_CODE,
                        help="6-digit administrative division code, e.g. 410104 (else a "
                             "placeholder that `sites --check` rejects until filled in)")
    parser.add_argument("--province", default=PLACEHOLDER_PROVINCE, help="e.g. 河南省")
    parser.add_argument("--city", help="e.g. 郑州市")
    parser.add_argument("--district", help="e.g. 管城回族区")
    parser.add_argument("--dir", default=os.environ.get("BULLETIN_SITES") or "sites",
                        help="where site files live (default $BULLETIN_SITES, else ./sites)")
    parser.set_defaults(run=run)


def render_note(url: str, html: str, family: str) -> str | None:
    """Why the site needs ``render: browser`` — its list page (this page, or the start URL)
    shows article links only once rendered — or None."""
    list_url = url if LIST_PAGE.search(url) else start_url(url, family)
    try:
        if list_url != url:
            data, _fetched, charset = fetch(list_url)
            html = decode_html(data, charset)
        if PageOffer.of(html, list_url, family).article_links:
            return None
        rendered = PageOffer.of(render_page(list_url, None, project_settings()), list_url, family)
    except (OSError, ExtractionError, RenderError, RenderingUnavailable) as error:
        print(f"could not tell whether the list page needs rendering: {error}")
        return None
    if not rendered.article_links:
        return None
    return (f"the list page shows {len(rendered.article_links)} article links only when "
            "rendered")


def run(args: argparse.Namespace) -> int:
    if not is_site_key(args.key):  # the key names files: checked before anything is written
        print(f"bulletin new-site: site key {args.key!r} must be {KEY_RULE}", file=sys.stderr)
        return 2
    try:
        data, _fetched, charset = fetch(args.page or args.url)
        html = decode_html(data, charset)
    except (OSError, ExtractionError) as error:
        reason = getattr(error, "reason", None) or error  # urllib's URLError wraps the cause
        print(f"bulletin new-site: {args.page or args.url}: {reason}", file=sys.stderr)
        return 1
    guess = guess_family(args.url, html)
    family = args.family or guess.family
    if family not in FAMILY_KINDS:
        print(f"bulletin new-site: --family {family!r} is not one of {', '.join(FAMILY_KINDS)}",
              file=sys.stderr)
        return 2
    directory = Path(args.dir)
    if (directory / f"{args.key}.yaml").exists():  # before any fetch of the list page
        print(f"bulletin new-site: {directory / args.key}.yaml exists; edit it instead",
              file=sys.stderr)
        return 2
    # a saved page (--page) is read offline: rendering would fetch the site
    note = None if args.page or FAMILY_KINDS[family] == "epaper" else render_note(
        args.url, html, family)
    site = NewSite(args.key, args.url, family, guess.reasons, args.name or args.key,
                   args.province, args.city, args.district, args.region_code, note)
    try:
        site_path, fixture = scaffold(site, data, directory)
    except (SiteFileError, SiteExists) as error:
        print(f"bulletin new-site: {error}", file=sys.stderr)
        return 2
    page = fixture.page
    print(f"wrote {site_path} (family {family}: {'; '.join(guess.reasons)})")
    if note:
        print(f"render: browser, because {note}")
    print(f"wrote {page} and {fixture.expected_path.name}: review the expected fields, then")
    print(f"  bulletin check {page} --site {args.key} --url {args.url} --sites {directory}")
    print(f"  bulletin sites --check --sites {directory}")
    region = fixture.site.region
    if region.code == PLACEHOLDER_CODE or region.province == PLACEHOLDER_PROVINCE:
        print("the region is a placeholder: fill in region.province and region.code before "
              "crawling (`sites --check` rejects placeholders)")
    return 1 if differences(fixture) else 0
