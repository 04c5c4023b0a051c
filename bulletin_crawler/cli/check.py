"""``bulletin check``: one page (fetched or saved) through every extraction layer, with reasons
and warnings — what a developer looks at before and after writing a site file. ``--render``
renders it too (the site's renderer, else Chromium), says what rendering changes, and reads
the rendered page."""

from __future__ import annotations

import argparse
import os
import re
import sys
import urllib.request
from pathlib import Path
from typing import Any

from bulletin_crawler.extraction import epaper
from bulletin_crawler.extraction.generic import parse_generic
from bulletin_crawler.extraction.html import ExtractionError, decode_html, select, selector
from bulletin_crawler.extraction.listing import parse_listing
from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.identity import user_agent
from bulletin_crawler.rendering.compare import PageOffer
from bulletin_crawler.rendering.config import RenderingUnavailable
from bulletin_crawler.rendering.errors import RenderError
from bulletin_crawler.rendering.single import render_page
from bulletin_crawler.runner import project_settings
from bulletin_crawler.sites import SiteConfig, SiteFileError, load_sites
from bulletin_crawler.sites.config import FAMILY_KINDS
from bulletin_crawler.sites.detect import guess_family
from bulletin_crawler.sites.extract import extract_for_site
from bulletin_crawler.sites.fixtures import FIELDS
from bulletin_crawler.spiders import FAMILY_SPIDERS

_LAYOUT_PAGE = re.compile(r"/(node_\d+|n_\d+|col\d+|l\d+|page_\d+|index)\.html?$", re.I)
LIST_PAGE = re.compile(r"/(index(_\d+)?\.(s?html?|jhtml)|list(_\d+)?\.html?)$|/col/col\d+/", re.I)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("check", help="show how one page is read, layer by layer")
    parser.add_argument("page", help="a URL to fetch, or a saved page")
    parser.add_argument("--site", help="read it as this site (its family and selectors)")
    parser.add_argument("--url", help="the saved page's URL (dates and links come from it)")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("--render", action="store_true",
                        help="render the page too (the site's renderer, else Chromium) and show "
                             "what rendering changes")
    parser.set_defaults(run=run)


def fetch(page: str) -> tuple[bytes, str, str | None]:
    """The page's bytes, its URL and the charset its server declared."""
    if re.match(r"^https?://", page):
        agent = user_agent(os.environ.get("BULLETIN_CONTACT", ""), "regional news archive; check")
        request = urllib.request.Request(page, headers={"User-Agent": agent})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read(), response.geturl(), response.headers.get_content_charset()
    return Path(page).read_bytes(), Path(page).resolve().as_uri(), None


def run(args: argparse.Namespace) -> int:
    try:
        site = load_sites(args.sites)[args.site] if args.site else None
    except (SiteFileError, KeyError) as error:
        print(f"bulletin check: {error}", file=sys.stderr)
        return 2
    if args.render and not re.match(r"^https?://", args.page):
        print(f"bulletin check: --render needs the page's URL, not a saved copy ({args.page})",
              file=sys.stderr)
        return 2
    try:
        data, url, charset = fetch(args.page)
        html = decode_html(data, charset)
    except (OSError, ExtractionError) as error:
        print(f"bulletin check: {args.page}: {error}", file=sys.stderr)
        return 1
    url = args.url or url
    print(f"page: {url} ({len(data)} bytes{', server charset ' + charset if charset else ''})")
    guess = guess_family(url, html)
    family = site.family if site else guess.family
    print(f"family: {family}" + (f" (site {site.key}; the page looks like {guess.family})"
                                 if site else "") + f" — {'; '.join(guess.reasons)}")
    if args.render:
        try:
            rendered = render_page(args.page, site, project_settings(sites=args.sites))
        except RenderingUnavailable as error:
            print(f"bulletin check: {error}", file=sys.stderr)
            return 2
        except RenderError as error:
            print(f"bulletin check: rendering failed: {error}", file=sys.stderr)
            return 1
        _show_rendering(html, rendered, url, family, site)
        html = rendered
    warnings = _charset_warnings(html)
    if _is_epaper(family) and _LAYOUT_PAGE.search(url):
        _show_layout(html, url, family)
    elif not _is_epaper(family) and LIST_PAGE.search(url):
        _show_listing(html, url, family)
    else:
        warnings += _show_article(html, url, site, family)
    for warning in warnings:
        print(f"warning: {warning}")
    return 0


def _show_rendering(plain: str, rendered: str, url: str, family: str,
                    site: SiteConfig | None) -> None:
    before, after = (PageOffer.of(html, url, family, site) for html in (plain, rendered))
    print(f"rendered ({site.render if site and site.render != 'none' else 'browser'}): "
          f"article links {len(before.article_links)} → {len(after.article_links)}, "
          f"links {before.links} → {after.links}, "
          f"text {before.text_chars} → {after.text_chars} characters")
    only_rendered = [link for link in after.article_links if link not in before.article_links]
    if only_rendered:
        print(f"article links only when rendered ({len(only_rendered)}):")
        for link in only_rendered:
            print(f"  {link}")
    print("the rendered page, read:")


def _is_epaper(family: str) -> bool:
    return FAMILY_KINDS[family] == "epaper"


def _show_layout(html: str, url: str, family: str) -> None:
    rules = {"founder-pc": epaper.PC_RULES, "bmnr": epaper.BMNR_RULES}.get(family,
                                                                           epaper.ENP_RULES)
    layout = epaper.parse_layout(html, url, rules)
    print(f"layout page of {layout.issue_date}, edition {layout.edition}")
    print(f"editions ({len(layout.editions)}):")
    for link, edition in layout.editions:
        print(f"  {edition['page']} {edition['name']}  {link}")
    print(f"articles ({len(layout.articles)}):")
    for link in layout.articles:
        print(f"  {link}")


def _show_listing(html: str, url: str, family: str) -> None:
    listing = parse_listing(html, url, FAMILY_SPIDERS[family].article_pattern)  # type: ignore[attr-defined]
    print(f"list page of column {listing.column!r}, page count {listing.page_count}, "
          f"records {listing.total_records}")
    print(f"articles ({len(listing.items)}):")
    for item in listing.items:
        print(f"  {item.published or '(no date)'}  {item.title}  {item.url}")
    nexts = [a.attrib["href"] for a in selector(html).xpath("//a[@href]")
             if re.match(r"^\s*(下一页|下页|next)", " ".join(a.xpath(".//text()").getall()))]
    print(f"next-page links: {nexts or 'none (paged by URL pattern)'}")


def _show_article(html: str, url: str, site: SiteConfig | None, family: str) -> list[str]:
    root = selector(html)
    if site and site.selectors:
        print("layer 1, site selectors:")
        for name, query in site.selectors.items():
            found = select(root, query)
            text = " ".join(found[0].xpath(".//text()").getall()).strip()[:80] if found else None
            print(f"  {name}: {query!r} → {text!r}")
    layers: list[tuple[str, Any]] = []
    if _is_epaper(family):
        layers.append(("layer 2, e-paper markers", lambda: epaper.parse_article(html, url)))
    layers.append(("layer 2/3, meta tags, CMS markers, text density",
                   lambda: parse_generic(html, url)))
    for label, extract in layers:
        try:
            fields = extract().as_fields()
            print(f"{label}: title {fields['title']!r}, date {fields['published_at']}, "
                  f"body {len(fields['body'])} chars, authors {fields['authors']}")
        except ExtractionError as error:
            print(f"{label}: nothing ({error})")
    try:
        final = (extract_for_site(site, html, url) if site else
                 extract_html(html, url, epaper_page=_is_epaper(family))).as_fields()
    except ExtractionError as error:
        return [f"no article: {error}"]
    print("article:")
    for name in FIELDS:
        value = final[name]
        shown = value if not isinstance(value, str) or len(value) < 160 else value[:160] + "…"
        print(f"  {name}: {shown!r}")
    return _article_warnings(final, site)


def _article_warnings(fields: dict[str, Any], site: SiteConfig | None) -> list[str]:
    warnings = []
    if not fields["published_at"]:
        warnings.append("no date found: set a published_at selector")
    lines = fields["body"].splitlines()
    if any(re.search(r"记者|通讯员|责任编辑", line) and len(line) < 40 for line in lines[:1] + lines[-1:]):
        warnings.append("a byline seems left in the body")
    if site and fields["title"] in (site.name, None):
        warnings.append("the title is the site name: set a title selector")
    if not fields["body"]:
        warnings.append("empty body: set a body selector")
    return warnings


def _charset_warnings(html: str) -> list[str]:
    bad = html.count("\ufffd")
    mojibake = len(re.findall(r"[ÃÂÐÑ][\x80-\xbf]|锟斤拷", html))
    if bad > 10 or mojibake > 10:
        return [f"suspicious charset: {bad} undecodable and {mojibake} mojibake characters; "
                "set `encoding` in the site file"]
    return []
