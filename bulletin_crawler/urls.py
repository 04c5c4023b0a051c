"""Canonical URL keys: one key for every spelling of the same article address."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that never select different content: Founder's image-map ``div`` switch and
# the usual campaign trackers.
IGNORED_PARAMS = ("div", "v", "spm", "from", "utm_source", "utm_medium", "utm_campaign",
                  "utm_term", "utm_content")

_INDEX_PAGE = re.compile(r"/index\.(?:s?html?|jhtml|php|aspx?)$", re.IGNORECASE)


def is_parseable(url: str) -> bool:
    """Whether a link can be taken apart at all (``http://[`` cannot)."""
    try:
        urlsplit(url).port
    except ValueError:
        return False
    return True


def absolute_link(base: str, href: str) -> str | None:
    """A link of a page made absolute, ``?div=``/trackers removed; None for one that cannot be
    parsed (``http://[``): a hostile link must not cost the page its other links."""
    try:
        target = urljoin(base, href.strip())
    except ValueError:
        return None
    return strip_ignored_params(target) if is_parseable(target) else None


def strip_ignored_params(url: str) -> str:
    """The URL to request: Founder's ``?div=-1`` and trackers removed, the rest kept (a link
    that cannot be parsed is returned as it is, for the spider to refuse)."""
    if not is_parseable(url):
        return url
    return url_query_cleaner(url, IGNORED_PARAMS, remove=True, keep_fragments=False)


@lru_cache(maxsize=4096)  # the spider, the dedup and the store pipelines key the same URL
def url_key(url: str) -> str:
    """Canonical key: scheme-less, lower-case host, sorted query, no ignored parameters,
    ``…/index.html`` and ``…/`` unified.

    >>> url_key("HTTPS://Zzrb.zynews.cn/html/2020-11/30/content_1.htm?div=-1")
    'zzrb.zynews.cn/html/2020-11/30/content_1.htm'
    """
    if not is_parseable(url):
        return url.strip()
    canonical = canonicalize_url(strip_ignored_params(url))
    parts = urlsplit(canonical)
    path = _INDEX_PAGE.sub("/", parts.path) or "/"
    host = parts.hostname or ""
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (or a start URL template: its ``{date:…}`` is in the
    path, which is dropped)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def rebase(url: str, old: str, new: str) -> str:
    """``url`` moved from origin ``old`` to origin ``new``; unchanged when it is on another
    origin (``http://a.cn.evil.example`` or ``http://a.cn:8080`` is not on ``http://a.cn``)."""
    if origin_of(url).lower() != old.lower():
        return url
    return new + url[len(old):]
