"""Monitor thresholds: a default for each in the settings (``BULLETIN_MONITOR_<NAME>``), a site
file may set its own under ``monitors:``. No Spidermon import here: site files are validated
with :func:`threshold_problem` without loading the monitors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["count", "ratio", "reasons", "switch"]


@dataclass(frozen=True)
class Threshold:
    name: str
    kind: Kind
    meaning: str

    @property
    def setting(self) -> str:
        return f"BULLETIN_MONITOR_{self.name.upper()}"


THRESHOLDS = {t.name: t for t in (
    Threshold("enabled", "switch", "false switches this site's monitors off"),
    Threshold("min_articles", "count", "articles stored by a run (portals, generic sites)"),
    Threshold("max_missing_issues", "count", "issue days without an issue (e-papers)"),
    Threshold("max_missing_issue_share", "ratio", "or at most this share of the days walked"),
    Threshold("max_error_ratio", "ratio", "errors per request"),
    Threshold("max_5xx_ratio", "ratio", "5xx answers per response"),
    Threshold("finish_reasons", "reasons", "finish reasons that count as finished"),
    Threshold("min_published_at_coverage", "ratio", "share of articles with published_at"),
    Threshold("min_body_coverage", "ratio", "share of articles with a non-empty body"),
    Threshold("min_reporters_coverage", "ratio", "share of articles with a byline "
                                                 "(0 for sites without bylines)"),
    Threshold("max_unparseable_share", "ratio", "share of article pages read as no article"),
    Threshold("max_failed_pages", "count", "pages lost: no article after every retry"),
    Threshold("max_failed_share", "ratio", "or at most this share of the requests"),
    Threshold("max_refused", "count", "requests refused: off-site, internal address, scheme"),
    Threshold("min_sample", "count", "fewest requests, pages or articles a share is judged on"),
)}


def threshold_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be threshold ``name`` (a site file's ``monitors.NAME``), or None."""
    threshold = THRESHOLDS.get(name)
    if threshold is None:
        return f"unknown monitor threshold (known: {', '.join(THRESHOLDS)})"
    if threshold.kind == "switch":
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if threshold.kind == "reasons":
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return None
        return f"must be a list of finish reasons such as [finished], got {value!r}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, got {value!r}"
    if threshold.kind == "count" and (not isinstance(value, int) or value < 0):
        return f"must be a whole number of at least 0, got {value!r}"
    if threshold.kind == "ratio" and not 0 <= value <= 1:
        return f"must be a share from 0 to 1, got {value!r}"
    return None


def thresholds_for(site_monitors: Mapping[str, Any], settings: Any) -> dict[str, Any]:
    """Every threshold of one site: its site file's value, else the setting's default."""
    values: dict[str, Any] = {}
    for name, threshold in THRESHOLDS.items():
        if name in site_monitors:
            values[name] = site_monitors[name]
        elif threshold.kind == "switch":
            values[name] = settings.getbool(threshold.setting, True)
        elif threshold.kind == "reasons":
            values[name] = settings.getlist(threshold.setting, ["finished"])
        elif threshold.kind == "count":
            values[name] = settings.getint(threshold.setting)
        else:
            values[name] = settings.getfloat(threshold.setting)
    return values
