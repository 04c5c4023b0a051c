"""A redirect that leads back to a page of its own chain is a loss to count, not a request the
duplicate filter swallows in silence (which left the article gone with ``errors 0``)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

REDIRECTS = (301, 302, 303, 307, 308)


class RedirectLoopMiddleware:
    """Sits just outside Scrapy's ``RedirectMiddleware`` and sees the 3xx first."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            return response
        target = canonicalize_url(urljoin(request.url, location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonicalize_url(url) for url in chain}:
            raise IgnoreRequest(f"redirect loop: {' → '.join([*chain, target])}")
        return response
