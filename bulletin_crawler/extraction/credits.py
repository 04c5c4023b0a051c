"""Where credits stand on a page, each read with the one grammar of :mod:`bylines`.

- in the body: a line that is nothing but a credit, wherever it stands; the lead
  (``<X>讯（记者 A 通讯员 B）``, ``<地>X月X日电（A、B）``, ``东方网记者曹磊5月13日报道：``);
  names-only lines at the head (over several lines too); brackets closing a paragraph
  (``（记者 胡晓蓉）``, ``【责任编辑:张樵苏】``, even broken over two lines) and a caption's
  ``蔡雪婧/摄``;
- around the body: the info lines between the headline and the text (``来源：… 作者：…``, a
  dateline followed by ``[ 黄宇 ]``), post headers (``X 发表于 DATE``, ``本贴由 X 于 DATE``) and
  the lines after the text (``责任编辑：…``, ``来源：… 编辑：…``);
- the author meta tag, only for names the page itself shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bulletin_crawler.extraction.bylines import (
    CLOSERS,
    OPENERS,
    Byline,
    parse_credit,
    person_names,
)
from bulletin_crawler.extraction.layout import Margins
from bulletin_crawler.extraction.names import Evidence, is_person, normalise_name
from bulletin_crawler.extraction.text import HAN, HAN_CHAR, loose

_BRACKETED = rf"[{re.escape(OPENERS)}](?P<credit>[^{re.escape(OPENERS + CLOSERS)}]{{2,60}})" \
             rf"[{re.escape(CLOSERS)}]"
# <X>讯（…）, <X>网讯, <X>融媒体中心讯, <地>X月X日电（…）: the lead credit of a story.
LEAD = re.compile(rf"^(?P<lead>[^\s，。！？；：,.!?;:{re.escape(OPENERS)}]{{0,24}}?(?:讯|电))"
                  rf"\s*{_BRACKETED}\s*")
# 东方网记者曹磊5月13日报道：… / 本报记者罗科发自北京 —— a lead credit without brackets.
_INLINE_LEAD = re.compile(rf"^(?P<lead>[^\s，。！？]{{1,12}}?讯\s+)?"
                          rf"(?P<credit>[\w·]{{0,16}}?(?:记者|通讯员)\s*[{HAN}]{{2,4}}"
                          rf"(?:\s*\d{{1,2}}月\d{{1,2}}日)?\s*(?:发自[{HAN}]{{1,8}}|报道))\s*[：:，,]?")
# A bracket closing a paragraph: （记者 胡晓蓉）, (编辑：文静), [责任编辑：alonliu], （郭旭）.
_TAIL_BRACKET = re.compile(rf"{_BRACKETED}\s*$")
# A story's dateline: <outlet><place><month>月<day>日电 / <outlet>讯, opening its first paragraph.
_DATELINE = re.compile(rf"^[^\s，。！？；：,.!?;:]{{0,24}}?(?:\d{{1,2}}月\d{{1,2}}日电|讯|电)(?=[\s{re.escape(OPENERS)}]|$)")
# A caption or line closing on its photographer or writer: … 蔡雪婧/摄, … 马俊峰/文.
_TAIL_SUFFIX = re.compile(rf"(?:^|\s)(?P<credit>[{HAN}]{{2,4}}\s*/?\s*(?:摄影?|文|图))$")
_DATED = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
# Post headers of blogs and forums: X 发表于 2005-9-15, 本贴由 X 于 2005年8月12日 …
_POSTED = re.compile(r"(?:^|\s)(?:楼主[:：]?\s*)?(?P<name>[^\s:：]{2,20})\s*"
                     r"(?:发表于|发布于|发表时间[:：]?)\s*\d")
_POSTED_BY = re.compile(r"本[贴帖]由\s*(?P<name>\S{2,20}?)\s*于\s*\d"
                        r"|^由\s*(?P<poster>\S{2,20}?)\s*(?:张贴|发表|发布|提交|发帖)")
# A label, its colon and one name, inside a longer line.
_FRAGMENT = re.compile(rf"(?<![{HAN}])(?:作者|撰稿|撰文|发布人|发帖人|楼主|记者|责任编辑|编辑|责编)"
                       rf"\s*[:：]\s*[^\s|｜,，;；:：()（）\[\]【】]{{2,20}}")
_HEAD_LINES, _TAIL_LINES, _MAX_CREDIT_LINE = 3, 3, 80
_HEADLINE_PIECE = 4  # a name this long found in the headline is a piece of it
# Bare names stand alone on a line under a Chinese headline; Western pages say "By".


def lift_bylines(lines: list[str]) -> tuple[list[str], Byline]:
    """Credits out of body paragraphs, into a :class:`Byline` in page order.

    Lines that are nothing but a credit go wherever they stand; the lead credit of the first
    paragraphs; a names-only line (or lines) at the head; brackets and suffix credits closing
    the last paragraphs, and labelled brackets closing any paragraph. Bare names closing a
    story that opens with a dateline (``中国网5月20日电``) are its reporters; without one, the
    page does not say their role (a commentary's pen name).
    """
    byline = Byline()
    lines = join_split_brackets(lines)
    keep: list[str] = []
    previous: Byline | None = None  # the credit line just above, which a names line continues
    closing_role = "authors"
    for index, line in enumerate(lines):
        at_head = index < _HEAD_LINES and not keep
        credit = parse_credit(line) if len(line) <= _MAX_CREDIT_LINE else None
        if credit is None and at_head and previous:
            credit = _continued(line, previous)
        if credit is None and index < 2 and not keep and HAN_CHAR.search(line):
            credit = parse_credit(line, bare="authors")
        if credit is not None:
            byline.merge(credit)
            previous = credit
            continue
        previous = None
        if len(keep) < _HEAD_LINES:
            if _DATELINE.match(line):
                closing_role = "reporters"
            line = _lift_lead(line, byline)
        in_tail = index >= len(lines) - _TAIL_LINES
        line = _lift_tail(line, byline, bare=closing_role if in_tail else None)
        if line:
            keep.append(line)
    return keep, byline


def _continued(line: str, previous: Byline) -> Byline | None:
    """A line of bare names right under a credit line continues it (a byline over lines)."""
    names = person_names(line, Evidence.BARE) if len(line) <= 20 else None
    if not names:
        return None
    roles = previous.roles_of(previous.authors[-1]) or ["authors"]
    continued = Byline()
    for name in names:
        for role in roles:
            continued.add(role, name)
    return continued


def _lift_lead(line: str, byline: Byline) -> str:
    lead = LEAD.match(line)
    if lead and (credit := parse_credit(lead.group("credit"), bare="reporters")) is not None:
        byline.merge(credit)
        return lead.group("lead") + line[lead.end():]
    inline = _INLINE_LEAD.match(line)
    if inline and (credit := parse_credit(inline.group("credit"))):
        byline.merge(credit)
        return (inline.group("lead") or "").rstrip() + line[inline.end():]
    return line


def _lift_tail(line: str, byline: Byline, bare: str | None) -> str:
    """Credits closing a line: bracketed ones (bare names, in the role ``bare``, only near the
    end of the text) and a caption's ``X/摄``."""
    while tail := _TAIL_BRACKET.search(line):  # （记者 X）（编辑：Y） can close a line together
        credit = parse_credit(tail.group("credit"), bare=bare)
        if credit is None:
            break
        byline.merge(credit)
        line = line[: tail.start()].rstrip()
    suffix = _TAIL_SUFFIX.search(line)
    if suffix and (credit := parse_credit(suffix.group("credit"))):
        byline.merge(credit)
        line = line[: suffix.start()].rstrip()
    return line


def join_split_brackets(lines: list[str]) -> list[str]:
    """``【责任编辑:张樵苏`` + ``】`` and ``[`` + ``责编：张倩 ]``: a short bracket that a layout
    broke over two lines is one line again."""
    joined: list[str] = []
    for line in lines:
        if (joined and len(joined[-1]) <= 40 and len(line) <= 40
                and _unclosed(joined[-1]) > 0 and _unclosed(joined[-1] + line) == 0):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def close_across(lines: list[str], below: list[str]) -> tuple[list[str], list[str]]:
    """A bracket the text's last line opens and the first line after the text closes
    (``【责任编辑:张樵苏`` | ``】``): the closing line joins the text."""
    if lines and below and len(below[0]) <= 40 and _unclosed(lines[-1]) > 0 \
            and _unclosed(lines[-1] + below[0]) == 0:
        return [*lines[:-1], f"{lines[-1]} {below[0]}"], below[1:]
    return lines, below


def _unclosed(text: str) -> int:
    return sum(map(text.count, OPENERS)) - sum(map(text.count, CLOSERS))


def page_byline(body: Byline, margins: Margins,
                declared: Callable[[], Iterable[str]], text: str,
                source: str | None, title: str | None = None) -> Byline:
    """Every credit of the page in page order: the info lines above the text, the body's own,
    the lines after it; else the first author the page declares (a byline box, the author
    meta tags, JSON-LD) for names the page shows; else a 来源 that is a person. A name
    without a role that is a stretch of the headline is a piece of it."""
    byline = margin_credits(margins.under_title, under_headline=True, links=margins.links)
    byline.merge(body)
    byline.merge(margin_credits(margins.below))
    if not byline:  # (what a page declares is read only when needed)
        visible = None
        for author in declared():
            if visible is None:
                visible = normalise_name(text)
            byline.merge(meta_credit(author, text, visible))
            if byline:
                break
    if not byline:
        byline.merge(source_person(source))
    headline = loose(title or "")
    kept = Byline(source=byline.source)
    for name in byline.authors:
        roles = byline.roles_of(name)
        if roles or len(name) < _HEADLINE_PIECE or loose(name) not in headline:
            for role in roles or ["authors"]:
                kept.add(role, name)
    return kept


def margin_credits(lines: list[str], under_headline: bool = False,
                   links: frozenset[str] = frozenset()) -> Byline:
    """Credits on the lines around the text: info lines under the headline (and a line of
    bare names there, unless it is a link: a share button's site, a menu item), a post
    header, the editor and source lines after the text."""
    byline = Byline()
    for line in join_split_brackets(lines):
        whole = parse_credit(line) if len(line) <= _MAX_CREDIT_LINE else None
        if whole is not None:
            byline.source = byline.source or whole.source
        readings = (
            lambda: whole,
            lambda: parse_credit(line, bare="authors") if under_headline and len(line) <= 20
            and line not in links and HAN_CHAR.search(line) else None,
            lambda: _dateline_bracket(line),  # 2020-01-01 10:00 来源：… [ 黄宇 ]
            lambda: post_author(line),  # X 发表于 2005-9-15
            lambda: _labelled_fragments(line),  # … 作者：X | 阅读(12) …
        )
        credit = next((found for reading in readings if (found := reading())), None)
        if credit:
            byline.merge(credit)
    return byline


def _dateline_bracket(line: str) -> Byline | None:
    bracket = _TAIL_BRACKET.search(line) if _DATED.search(line) else None
    return parse_credit(bracket.group("credit"), bare="authors") if bracket else None


def _labelled_fragments(line: str) -> Byline | None:
    """``作者：X``, ``编辑：Y`` standing inside a longer line, each read on its own."""
    found = None
    for fragment in _FRAGMENT.finditer(line):
        credit = parse_credit(fragment.group(0))
        if credit:
            found = found or Byline()
            found.merge(credit)
    return found


def post_author(text: str) -> Byline | None:
    """The poster a blog or forum header names before the post's date."""
    for pattern in (_POSTED_BY, _POSTED):
        match = pattern.search(text)
        name = normalise_name(match.group("name") or match.group("poster")) if match else ""
        if name and is_person(name, Evidence.LABELLED):
            byline = Byline()
            byline.add("authors", name)
            return byline
    return None


def meta_credit(author: str, page_text: str, visible: str | None = None) -> Byline:
    """The author meta tag: its names that the page shows too (a CMS fills the tag with the
    account that typed the story, whose name appears nowhere on the page). ``visible``: the
    page text already normalised (:func:`normalise_name`)."""
    credit = parse_credit(author, bare="authors")
    if not credit:
        return Byline()
    shown = Byline()
    visible = normalise_name(page_text) if visible is None else visible
    for name in credit.authors:
        if name in visible:
            for role in credit.roles_of(name) or ["authors"]:
                shown.add(role, name)
    return shown


def source_person(source: str | None) -> Byline:
    """``来源：尹娟``: a source that is a person's name (known surname) credits its writer."""
    byline = Byline()
    if source and is_person(normalise_name(source), Evidence.BARE):
        byline.add("authors", normalise_name(source))
    return byline
