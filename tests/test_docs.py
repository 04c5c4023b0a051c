"""The documentation stays true to the code where a machine can tell."""

from __future__ import annotations

from pathlib import Path

from bulletin_crawler import settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_in_the_settings_reference():
    reference = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in dir(settings)
               if name.startswith("BULLETIN_") and f"`{name}`" not in reference]
    assert missing == []
