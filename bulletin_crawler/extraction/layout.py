"""Where the article's text stands among the page's lines, and the lines around it.

The lines just around the text carry what the text itself does not: the dateline and the
credits under the headline, a government page's disclosure table above it (索引号, 生成日期),
the editor and source lines after the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bulletin_crawler.extraction.html import Line
from bulletin_crawler.extraction.tails import related_heading
from bulletin_crawler.extraction.text import loose

MARGIN_LINES = 8  # lines above and below the text where dates and credits stand
# Above the headline only labelled dates are read, from a government page's metadata table:
# its label and value lines run longer.
ABOVE_LINES = 2 * MARGIN_LINES


@dataclass(frozen=True)
class Margins:
    above_title: list[str] = field(default_factory=list)
    under_title: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)
    links: frozenset[str] = frozenset()  # the page's lines that are links (menus, buttons)


def page_margins(page: list[Line], lines: list[str], title: str | None) -> Margins:
    """The page lines around the text ``lines`` (a run of the ``page``'s lines with some,
    links and asides, left out) and around its headline; below the text, none after a
    related-stories heading (their credits and dates are other stories')."""
    margins = _margins([line.text for line in page], lines, title)
    below = next((margins.below[:index] for index, line in enumerate(margins.below)
                  if related_heading(line)), margins.below)
    return replace(margins, below=below,
                   links=frozenset(line.text for line in page if line.mostly_links()))


def _margins(page_lines: list[str], lines: list[str], title: str | None) -> Margins:
    if not lines:
        return Margins()
    key = loose(title or "")
    start = _find_line(page_lines, lines[0], 0, len(page_lines))
    heading = _title_line(page_lines, key, start)
    if start is None:  # the text is not among the page's lines: what stands by the headline
        if heading is None:
            return Margins()
        return Margins(page_lines[max(heading - ABOVE_LINES, 0): heading],
                       page_lines[heading + 1: heading + 1 + MARGIN_LINES])
    last = start + len(lines) - 1
    end = _find_line(page_lines, lines[-1], last, len(page_lines))
    if end is None:
        end = _find_line(page_lines, lines[-1], start, last + 1)
    bottom = (end if end is not None else last) + 1
    if heading is None:  # no headline line: the lines above the text, and those above them
        top = max(start - MARGIN_LINES, 0)
        return Margins(page_lines[max(top - ABOVE_LINES, 0): top], page_lines[top: start],
                       page_lines[bottom: bottom + MARGIN_LINES])
    return Margins(page_lines[max(heading - ABOVE_LINES, 0): heading],
                   page_lines[heading + 1: start][-MARGIN_LINES:]
                   + _left_out(page_lines, lines, start),
                   page_lines[bottom: bottom + MARGIN_LINES])


def _left_out(page_lines: list[str], lines: list[str], start: int) -> list[str]:
    """The page lines the text passed over among its first lines: a lead stands above the
    byline and the date (headline, deck, picture, ``By X``, date, text), which are then
    lines under the headline all the same."""
    skipped: list[str] = []
    at = start
    for line in lines[1:MARGIN_LINES]:
        found = _find_line(page_lines, line, at + 1, at + 1 + MARGIN_LINES)
        if found is None:
            break
        skipped += page_lines[at + 1: found]
        at = found
    return skipped


def _title_line(page_lines: list[str], key: str, start: int | None) -> int | None:
    """The headline's line: the last one before the text, else the first on the page."""
    if not key:
        return None
    stop = start if start is not None else len(page_lines)
    before = [i for i in range(max(stop - 4 * MARGIN_LINES, 0), stop)
              if loose(page_lines[i]) == key]
    if before:
        return before[-1]
    if start is None:
        return next((i for i, line in enumerate(page_lines) if loose(line) == key), None)
    return None


def _find_line(page_lines: list[str], line: str, start: int, stop: int) -> int | None:
    """The first page line from ``start`` that is ``line``, else the first that holds its
    opening words (a headline can open like the subheading under it)."""
    stop = min(stop, len(page_lines))
    exact = next((index for index in range(start, stop) if page_lines[index] == line), None)
    if exact is not None or len(line) < 10:
        return exact
    opening = line[:20]
    return next((index for index in range(start, stop) if opening in page_lines[index]), None)
