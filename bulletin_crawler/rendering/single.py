"""One page rendered outside a crawl, for ``bulletin check --render`` and ``bulletin
new-site``: the same renderer, launch options, host guard and actions as a crawl of the site
(Chromium when no site is named), through Playwright or Splash directly."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from bulletin_crawler.identity import user_agent
from bulletin_crawler.middlewares.hosts import HostPolicy
from bulletin_crawler.rendering.config import browser_launch_options, splash_url
from bulletin_crawler.rendering.errors import NETWORK_ERRORS, RenderError
from bulletin_crawler.rendering.guard import InPageGuard
from bulletin_crawler.rendering.plan import PAGE_KINDS, RenderPlan
from bulletin_crawler.rendering.proxy import REFUSED_HEADER, GuardProxy
from bulletin_crawler.rendering.scripts import ERROR_HEADER
from bulletin_crawler.rendering.splash import allowed_domains, read_answer, splash_call

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from bulletin_crawler.sites import SiteConfig


def render_page(url: str, site: SiteConfig | None, settings: BaseSettings) -> str:
    """The HTML of ``url`` once rendered; :class:`RenderError` when it cannot be (and
    :class:`~.config.RenderingUnavailable` when this machine cannot render)."""
    plan = RenderPlan.for_site(site) or RenderPlan("browser", PAGE_KINDS["all"])
    policy = HostPolicy.for_urls([url, *(site.start_urls if site else ())],
                                 site.allowed_hosts if site else (),
                                 settings.getlist("BULLETIN_TRUSTED_PRIVATE_HOSTS"))
    if plan.mode == "splash":
        return _splash(url, plan, policy, settings)
    options = browser_launch_options(settings)
    from playwright.async_api import Error as PlaywrightError  # an optional dependency

    try:
        return asyncio.run(_browser(url, plan, policy, options, settings))
    except (PlaywrightError, TimeoutError) as error:
        raise RenderError(f"{url}: {(str(error) or type(error).__name__).splitlines()[0]}"
                          ) from None


async def _browser(url: str, plan: RenderPlan, policy: HostPolicy, options: dict[str, object],
                   settings: BaseSettings) -> str:
    from playwright.async_api import async_playwright

    from bulletin_crawler.rendering.browser import context_options, render_actions, skip_resources

    proxy = GuardProxy(InPageGuard(policy))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**options)  # type: ignore[arg-type]
        try:
            context = await browser.new_context(**context_options(await proxy.start()),
                                                user_agent=user_agent(settings.get("BULLETIN_CONTACT") or ""))
            page = await context.new_page()
            await skip_resources(page, lambda kind: None)
            response = await page.goto(
                url, timeout=settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"))
            if response is not None and response.status >= 400:
                refusal = response.headers.get(REFUSED_HEADER.lower())
                raise RenderError(f"{url}: {refusal or f'the page answered {response.status}'}")
            await render_actions(page, plan, settings.getfloat("BULLETIN_RENDER_TIMEOUT"),
                                 settings.getfloat("BULLETIN_RENDER_SETTLE"))
            return await page.content()
        finally:
            await browser.close()
            await proxy.close()


def _splash(url: str, plan: RenderPlan, policy: HostPolicy, settings: BaseSettings) -> str:
    timeout = settings.getfloat("BULLETIN_RENDER_TIMEOUT")
    path, args = splash_call(url, plan, settings.getfloat("BULLETIN_SPLASH_WAIT"), timeout,
                             settings.getfloat("BULLETIN_RENDER_SETTLE"), allowed_domains(policy))
    request = urllib.request.Request(f"{splash_url(settings)}/{path}",
                                     data=json.dumps(args).encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout + 10) as answer:
            status, body, error = answer.status, answer.read(), ""
    except urllib.error.HTTPError as failed:
        status, body, error = failed.code, failed.read(), failed.headers.get(ERROR_HEADER, "")
    except OSError as failed:
        raise RenderError(f"{url}: Splash at {splash_url(settings)}: {failed}") from None
    try:
        status, html = read_answer(url, status, body, error)
    except tuple(NETWORK_ERRORS.values()) as failed:
        raise RenderError(str(failed)) from None
    if status >= 400:
        raise RenderError(f"{url}: the page answered {status}")
    return html.decode("utf-8", "replace")
