"""Tables for the terminal, aligned by display width: a Chinese character takes two columns."""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth


def width(text: str) -> int:
    shown = wcswidth(text)
    return shown if shown >= 0 else len(text)  # control characters: count them as one each


def format_table(rows: Sequence[Sequence[str]], last_free: bool = False) -> list[str]:
    """Lines of ``rows`` (the first is the header) in padded columns; with ``last_free`` the
    last column is not padded (long URLs)."""
    if not rows:
        return []
    padded = len(rows[0]) - (1 if last_free else 0)
    widths = [max(width(row[i]) for row in rows) for i in range(padded)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) if i < padded else cell
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def print_table(rows: Sequence[Sequence[str]], last_free: bool = False) -> None:
    for line in format_table(rows, last_free):
        print(line)
