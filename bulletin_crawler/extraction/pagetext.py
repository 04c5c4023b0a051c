"""Plain text of a whole newspaper page → its articles.

A page's text (as a text capture or PDF-to-text gives it) is blocks separated by blank lines:
headline lines, a ``本报讯`` lead, body paragraphs broken by the paper's columns, and credit lines.
Stories start at their lead; the headline blocks right above a lead are its headline; a block of
several short lines standing above other headlines is a banner over several stories and belongs to
none. Paragraphs cut by a column break are joined again, never across two stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bulletin_crawler.extraction.budget import checkpoint
from bulletin_crawler.extraction.bylines import parse_credit
from bulletin_crawler.extraction.result import Extracted, finish
from bulletin_crawler.extraction.text import clean_line, ends_sentence

_LEAD = re.compile(r"^(?:本报\S{0,8}?讯|本刊讯|[□■]\s*本报记者)")
_HEADLINE_MAX = 32
# Headlines never hold a full stop and never end mid-clause.
_STOP = re.compile(r"[。；;]|[！？!?、，,：:“‘(（]$")
# A paragraph that opens with a one- or two-character clause (``养、日间照料…``) is the tail of a
# word cut by a column break, not the start of a paragraph.
_CUT_OPENING = re.compile(r"^[\u4e00-\u9fff]{1,2}[、，,；;]")
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}(?:区|县|市|镇|乡|街道)")
_INNER_PUNCT = re.compile(r"[，,、；;：:！!？?]")


@dataclass
class _Story:
    headline: list[list[str]]
    body: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)


def split_page_text(text: str, issue_date: date | None = None) -> list[Extracted]:
    """Articles of one page of text, in page order."""
    stories: list[_Story] = []
    pending: list[list[str]] = []
    for lines in _blocks(text):
        checkpoint()
        kind = _kind(lines)
        if kind == "lead":
            stories.append(_Story(headline=pending, body=["".join(lines)]))
            pending = []
        elif kind == "credit" and stories and not pending:
            stories[-1].credits.append(" ".join(lines))
        elif kind == "headline":
            pending.append(lines)
        elif stories and not pending and not stories[-1].credits:
            stories[-1].body.append("".join(lines))
        else:  # text before any lead, or after headlines with no lead: a headline after all
            pending.append(lines)
    return [_article(story, issue_date) for story in stories]


def _blocks(text: str) -> list[list[str]]:
    blocks = []
    for raw in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [clean_line(line) for line in raw.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)
    return blocks


def _kind(lines: list[str]) -> str:
    if _LEAD.match(lines[0]):
        return "lead"
    if all(parse_credit(line) is not None for line in lines):
        return "credit"
    if all(len(line) <= _HEADLINE_MAX and not _STOP.search(line) for line in lines):
        return "headline"
    return "text"


def _article(story: _Story, issue_date: date | None) -> Extracted:
    kicker, title, subtitle = _headline(story.headline)
    extracted = Extracted(title=title, kicker=kicker, subtitle=subtitle,
                          paragraphs=repair_columns(story.body) + story.credits,
                          published_at=issue_date)
    return finish(extracted, issue_date)


def _headline(blocks: list[list[str]]) -> tuple[str | None, str | None, str | None]:
    """引题, 主题, 副题 from the headline blocks above a lead."""
    if len(blocks) > 1:  # a multi-line block above other headlines is a banner: not this story's
        blocks = [block for block in blocks if len(block) == 1] or blocks[-1:]
    lines = [line for block in blocks for line in block][-3:]
    if not lines:
        return None, None, None
    if len(lines) == 1:
        return None, lines[0], None
    if len(lines) == 3:
        return lines[0], lines[1], lines[2]
    first, second = lines
    if _INNER_PUNCT.search(first) or _PLACE.search(second):
        return first, second, None  # a slogan over the news headline
    return None, first, second


def repair_columns(paragraphs: list[str]) -> list[str]:
    """Join paragraphs cut by a column break.

    A paragraph that ends mid-sentence continues in the next paragraph, unless the next one opens
    like a new paragraph while another paragraph of the same story opens mid-word: then that one
    is its continuation, moved up to join it.
    """
    paras = list(paragraphs)
    # paragraphs after the first that open mid-word; kept as a count so the walk stays linear
    cut_openings = sum(map(_opens_cut, paras[1:]))
    index = 0
    while index < len(paras):
        checkpoint()
        if ends_sentence(paras[index]) or index + 1 >= len(paras):
            index += 1
            continue
        target = index + 1
        if not _opens_cut(paras[target]):
            others = cut_openings - (index > 0 and _opens_cut(paras[index]))
            if others == 1:
                target = next(i for i in range(1, len(paras))
                              if i != index and _opens_cut(paras[i]))
        continuation = paras.pop(target)
        if target < index:
            index -= 1
        joined = paras[index] + continuation
        if index:  # a short paragraph can open like a cut word once joined (文字 + ，)
            cut_openings += _opens_cut(joined) - _opens_cut(paras[index])
        cut_openings -= _opens_cut(continuation)
        paras[index] = joined
    return paras


def _opens_cut(paragraph: str) -> int:
    return 1 if _CUT_OPENING.match(paragraph) else 0
