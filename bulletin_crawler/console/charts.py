"""Small server-rendered SVG charts: articles per day, where a day without articles is drawn
as a red tick on the baseline so a missing issue or a portal that went quiet stands out."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from markupsafe import Markup

HEIGHT = 32


def days_back(end: date, days: int) -> list[date]:
    """``days`` days ending on ``end``, oldest first."""
    return [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily_bars(counts: dict[str, int], days: list[date], bar: int = 4,
               label: str = "") -> Markup:
    """Bars of ``counts`` (``{ISO day: articles}``) over ``days``; each bar has a tooltip."""
    peak = max(counts.values(), default=0) or 1
    width = bar * len(days)
    shapes = []
    for index, day in enumerate(days):
        count = counts.get(day.isoformat(), 0)
        x = index * bar
        tip = f"<title>{day.isoformat()}: {count}</title>"
        if count:
            high = max(2, round((HEIGHT - 2) * count / peak))
            shapes.append(f'<rect class="bar" x="{x}" y="{HEIGHT - high}" width="{bar - 1}" '
                          f'height="{high}">{tip}</rect>')
        else:
            shapes.append(f'<rect class="gap" x="{x}" y="{HEIGHT - 2}" width="{bar - 1}" '
                          f'height="2">{tip}</rect>')
    total = sum(counts.get(day.isoformat(), 0) for day in days)
    title = escape(f"{label} {total} articles from {days[0]} to {days[-1]}, at most {peak} a day"
                   if days else label)
    return Markup(f'<svg class="daily" width="{width}" height="{HEIGHT}" '
                  f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{title}">'
                  f'{"".join(shapes)}</svg>')


def share_bar(part: int, whole: int) -> Markup:
    """A horizontal bar of ``part / whole`` with its percentage."""
    share = part / whole if whole else 0.0
    return Markup(f'<span class="share"><svg width="60" height="8" viewBox="0 0 60 8">'
                  f'<rect class="track" width="60" height="8"/><rect class="fill" '
                  f'width="{round(60 * share)}" height="8"/></svg> {share:.0%}</span>')
