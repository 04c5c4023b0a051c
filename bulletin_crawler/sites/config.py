"""Site files: parse and validate one YAML site definition into a :class:`SiteConfig`.

Every error names the file and the field, so a developer adding a site sees at once what to fix.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from cssselect import SelectorError
from lxml import etree

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
from parsel.csstranslator import HTMLTranslator

from bulletin_crawler.monitoring.thresholds import threshold_problem
from bulletin_crawler.scheduling.cron import cron_problem

FAMILY_KINDS: dict[str, str] = {
    "founder-enp": "epaper",
    "founder-pc": "epaper",
    "bmnr": "epaper",
    "gov-trs": "portal",
    "gov-hanweb": "portal",
    "gov-jhtml": "portal",
    "generic": "generic",
}

SELECTOR_FIELDS = ("title", "kicker", "subtitle", "body", "published_at", "edition", "images")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
_CODE = re.compile(r"^\d{6}$")
_KNOWN_FIELDS = {"key", "name", "family", "start_urls", "region", "encoding", "selectors",
                 "settings", "verified", "description", "article_pattern", "max_pages",
                 "allowed_hosts", "schedule", "schedule_args", "monitors", "render",
                 "render_pages", "render_wait", "render_click", "render_clicks", "render_scroll"}
RENDER_MODES = ("none", "browser", "splash")
RENDER_PAGES = ("lists", "articles", "all")
DEFAULT_MAX_PAGES = 20
# What `bulletin new-site` writes until a person fills in the region.
PLACEHOLDER_CODE = "000000"
PLACEHOLDER_PROVINCE = "未填写"
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$", re.IGNORECASE)


class SiteFileError(ValueError):
    """A site file that cannot be used; the message names the file and the field."""

    def __init__(self, path: Path | str, field_name: str | None, problem: str):
        self.path = str(path)
        self.field = field_name
        where = f"field '{field_name}'" if field_name else "file"
        super().__init__(f"{path}: {where}: {problem}")


@dataclass(frozen=True)
class Region:
    province: str
    city: str | None
    district: str | None
    code: str

    def as_dict(self) -> dict[str, str | None]:
        return {"province": self.province, "city": self.city, "district": self.district,
                "code": self.code}


@dataclass(frozen=True)
class SiteConfig:
    key: str
    name: str
    family: str
    start_urls: tuple[str, ...]
    region: Region
    path: str = ""
    encoding: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    verified: str | None = None
    article_pattern: re.Pattern[str] | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    allowed_hosts: tuple[str, ...] = ()
    # operations: a cron expression (Asia/Shanghai), the crawl arguments of a scheduled run,
    # monitor thresholds of this site (see docs/operations.md)
    schedule: str | None = None
    schedule_args: dict[str, Any] = field(default_factory=dict)
    monitors: dict[str, Any] = field(default_factory=dict)
    # JavaScript-rendered sites (see docs/rendering.md)
    render: str = "none"
    render_pages: str = "lists"
    render_wait: str | None = None
    render_click: str | None = None
    render_clicks: int = 0
    render_scroll: int = 0

    @property
    def kind(self) -> str:
        return FAMILY_KINDS[self.family]

    def start_urls_for(self, day: date) -> list[str]:
        """Start URLs with their ``{date:...}`` template filled for one issue day."""
        return [url.format(date=day) for url in self.start_urls]


def load_site_file(path: Path | Traversable, draft: bool = False) -> SiteConfig:
    """One site file; ``draft`` lets a freshly scaffolded file keep its placeholder region."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SiteFileError(path, None, f"not valid YAML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteFileError(path, None, f"cannot be read ({exc})") from exc
    return parse_site(raw, path, draft)


KEY_RULE = "2-63 lower-case letters, digits, '-' or '_', starting with a letter or digit"


def check_key(key: str, path: Path | str) -> str:
    """A site key, or :class:`SiteFileError`: keys name files and spiders, so they are plain."""
    if not is_site_key(key):
        raise SiteFileError(path, "key", f"{key!r} must be {KEY_RULE}")
    return key


def is_site_key(key: str) -> bool:
    return bool(_KEY.match(key))


def parse_site(raw: Any, path: Path | str, draft: bool = False) -> SiteConfig:
    if not isinstance(raw, dict):
        raise SiteFileError(path, None, "must be a mapping of site fields")
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise SiteFileError(path, unknown[0], f"unknown field (known: {', '.join(sorted(_KNOWN_FIELDS))})")
    key = check_key(_required_str(raw, "key", path), path)
    family = _required_str(raw, "family", path)
    if family not in FAMILY_KINDS:
        raise SiteFileError(path, "family", f"{family!r} is not one of {', '.join(FAMILY_KINDS)}")
    return _rendered(SiteConfig(
        key=key,
        name=_required_str(raw, "name", path),
        family=family,
        start_urls=_start_urls(raw.get("start_urls"), path),
        region=_region(raw.get("region"), path, draft),
        path=str(path),
        encoding=_encoding(raw.get("encoding"), path),
        selectors=_selectors(raw.get("selectors"), path),
        settings=_mapping(raw.get("settings"), "settings", path),
        verified=raw.get("verified"),
        article_pattern=_pattern(raw.get("article_pattern"), path),
        max_pages=_positive_int(raw.get("max_pages", DEFAULT_MAX_PAGES), "max_pages", path),
        allowed_hosts=_hosts(raw.get("allowed_hosts"), path),
        schedule=_schedule(raw.get("schedule"), path),
        schedule_args=_mapping(raw.get("schedule_args"), "schedule_args", path),
        monitors=_monitors(raw.get("monitors"), path),
        render=_choice(raw.get("render", "none"), RENDER_MODES, "render", path),
        render_pages=_choice(raw.get("render_pages", "lists"), RENDER_PAGES, "render_pages",
                             path),
        render_wait=_css(raw.get("render_wait"), "render_wait", path),
        render_click=_css(raw.get("render_click"), "render_click", path),
        render_clicks=_count(raw.get("render_clicks", 0), "render_clicks", path),
        render_scroll=_count(raw.get("render_scroll", 0), "render_scroll", path),
    ), path)


def _rendered(site: SiteConfig, path: Path | str) -> SiteConfig:
    """The site, unless its render actions contradict each other or its ``render`` mode."""
    if bool(site.render_click) != bool(site.render_clicks):
        name = "render_clicks" if site.render_click else "render_click"
        raise SiteFileError(path, name, "render_click (CSS of the control) and render_clicks "
                                        "(how many times, 1-100) go together")
    actions = [name for name in ("render_wait", "render_click", "render_scroll")
               if getattr(site, name)]
    if site.render == "none" and actions:
        raise SiteFileError(path, actions[0], "is set but render is none: set render: "
                                              "browser or render: splash")
    return site


def _optional_str(value: Any, name: str, path: Path | str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SiteFileError(path, name, f"must be a non-empty string, got {value!r}")
    return value.strip()


def _schedule(value: Any, path: Path | str) -> str | None:
    value = _optional_str(value, "schedule", path)
    if value is not None and (problem := cron_problem(value)):
        raise SiteFileError(path, "schedule", problem)
    return value


def _monitors(value: Any, path: Path | str) -> dict[str, Any]:
    monitors = _mapping(value, "monitors", path)
    for name, threshold in monitors.items():
        if problem := threshold_problem(str(name), threshold):
            raise SiteFileError(path, f"monitors.{name}", problem)
    return monitors


def _choice(value: Any, choices: tuple[str, ...], name: str, path: Path | str) -> str:
    if value not in choices:
        raise SiteFileError(path, name, f"{value!r} is not one of {', '.join(choices)}")
    return str(value)


def _css(value: Any, name: str, path: Path | str) -> str | None:
    value = _optional_str(value, name, path)
    if value is not None and (problem := selector_problem(value)):
        raise SiteFileError(path, name, f"{value!r} {problem}")
    return value


def _count(value: Any, name: str, path: Path | str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise SiteFileError(path, name, f"must be a whole number from 0 to 100, got {value!r}")
    return value


def _encoding(value: Any, path: Path | str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SiteFileError(path, "encoding", "must be a codec name such as gb18030")
    try:
        codecs.lookup(value)
    except LookupError:
        raise SiteFileError(path, "encoding", f"{value!r} is not a known codec "
                            "(e.g. gb18030, utf-8, big5)") from None
    return value


def _hosts(value: Any, path: Path | str) -> tuple[str, ...]:
    """Extra hosts the site's pages live on: ``host``, ``host:port`` or ``*.domain``."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise SiteFileError(path, "allowed_hosts", "must be a list of host names")
    for index, host in enumerate(value):
        if not isinstance(host, str) or not _HOST.match(host):
            raise SiteFileError(path, f"allowed_hosts[{index}]", f"{host!r} is not a host name "
                                "like www.example.gov.cn, example.cn:8080 or *.example.gov.cn")
    return tuple(host.lower() for host in value)


def _required_str(raw: dict[str, Any], name: str, path: Path | str) -> str:
    value = raw.get(name)
    if value is None:
        raise SiteFileError(path, name, "is required")
    if not isinstance(value, str) or not value.strip():
        raise SiteFileError(path, name, f"must be a non-empty string, got {value!r}")
    return value.strip()


def _mapping(value: Any, name: str, path: Path | str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SiteFileError(path, name, "must be a mapping")
    return dict(value)


def _pattern(value: Any, path: Path | str) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise SiteFileError(path, "article_pattern", f"not a regular expression ({exc})") from exc


def _positive_int(value: Any, name: str, path: Path | str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SiteFileError(path, name, f"must be a whole number of at least 1, got {value!r}")
    return value


def _start_urls(value: Any, path: Path | str) -> tuple[str, ...]:
    if value is None:
        raise SiteFileError(path, "start_urls", "is required")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise SiteFileError(path, "start_urls", "must be a non-empty list of URLs")
    for index, url in enumerate(value):
        name = f"start_urls[{index}]"
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
            raise SiteFileError(path, name, f"{url!r} is not an http(s) URL")
        try:
            url.format(date=date(2020, 1, 31))
        except (KeyError, IndexError, ValueError) as exc:
            raise SiteFileError(path, name, f"bad template in {url!r}: only {{date:FORMAT}} "
                                f"is allowed ({exc!r})") from exc
    return tuple(value)


def _region(value: Any, path: Path | str, draft: bool = False) -> Region:
    if not isinstance(value, dict):
        raise SiteFileError(path, "region", "is required: a mapping with province, city, "
                            "district and code")
    code = str(value.get("code", ""))
    if not _CODE.match(code):
        raise SiteFileError(path, "region.code", f"{value.get('code')!r} must be the 6-digit "
                            "administrative division code, e.g. 410104")
    if code == PLACEHOLDER_CODE and not draft:
        raise SiteFileError(path, "region.code", f"{code!r} is a placeholder: set the site's "
                            "6-digit administrative division code, e.g. 410104")
    province = value.get("province")
    if not isinstance(province, str) or not province:
        raise SiteFileError(path, "region.province", "is required")
    if province == PLACEHOLDER_PROVINCE and not draft:
        raise SiteFileError(path, "region.province", f"{province!r} is a placeholder: set the "
                            "province, e.g. 河南省")
    for name in ("city", "district"):
        if value.get(name) is not None and not isinstance(value.get(name), str):
            raise SiteFileError(path, f"region.{name}", "must be a string or null")
    return Region(province=province, city=value.get("city"), district=value.get("district"),
                  code=code)


def _selectors(value: Any, path: Path | str) -> dict[str, str]:
    selectors = _mapping(value, "selectors", path)
    for name, selector in selectors.items():
        if name not in SELECTOR_FIELDS:
            raise SiteFileError(path, f"selectors.{name}",
                                f"unknown selector (known: {', '.join(SELECTOR_FIELDS)})")
        if not isinstance(selector, str) or not selector.strip():
            raise SiteFileError(path, f"selectors.{name}", "must be a CSS or XPath string")
        problem = selector_problem(selector)
        if problem:
            raise SiteFileError(path, f"selectors.{name}", f"{selector!r} {problem}")
    return selectors


def selector_problem(query: str) -> str | None:
    """Why a selector cannot be compiled: XPath when it starts with ``/``, ``(`` or ``./``
    (as :func:`bulletin_crawler.extraction.html.select` reads it), CSS otherwise."""
    if query.lstrip().startswith(("/", "(", "./")):
        try:
            etree.XPath(query)
        except etree.XPathSyntaxError as error:
            return f"is not valid XPath ({error})"
        return None
    try:
        HTMLTranslator().css_to_xpath(query)
    except SelectorError as error:
        return f"is not a valid CSS selector ({error})"
    return None
