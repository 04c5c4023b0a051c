"""Generated fixture sites (``tests/faults/sites.py``) written as site files with the operations
fields — ``schedule``, ``schedule_args``, ``monitors`` — for the scheduler and monitor tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..faults.sites import GeneratedSite


def write_scheduled(site: GeneratedSite, directory: Path, key: str, server_url: str,
                    **fields: Any) -> Path:
    """The site file of ``site`` served at ``server_url``, with extra top-level fields (JSON is
    YAML)."""
    path = site.write_site_file(directory, key, server_url)
    extra = "".join(f"{name}: {json.dumps(value, ensure_ascii=False, default=str)}\n"
                    for name, value in fields.items())
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def days(site: GeneratedSite) -> dict[str, str]:
    """``schedule_args`` that crawl every day of a generated e-paper."""
    return {"since": site.first_day.isoformat(), "until": site.last_day.isoformat()}
