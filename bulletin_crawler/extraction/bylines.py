"""Bylines: find credit lines wherever a Chinese paper puts them and sort the names by role.

Handles the lead credit ``本报讯(记者 X 通讯员 Y 文/图)``, credit paragraphs before or after the
body (``□ 本报记者 X``, ``记者 X`` / ``通讯员 Y 文/图``) and editor notes ``(责任编辑：Z)``.
``文/图`` credits the listed people as photographers too; ``实习生`` counts as a reporter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROLE_FIELDS = ("reporters", "correspondents", "editors", "photographers")

# Longest first, so 本报记者 wins over 记者.
_ROLES: list[tuple[str, str]] = [
    (r"(?:本报|新华社|(?:[\u4e00-\u9fff]{1,10}·)?[\u4e00-\u9fff]{0,10}?(?:日报|晚报|时报|商报|报|"
     r"新闻网|网|客户端|电视台|融媒体中心|交汇点))?(?:全媒体|融媒体|首席|见习|特约|驻站|实习)?记者",
     "reporters"),
    (r"实习生", "reporters"),
    (r"作者", "reporters"),
    (r"(?:特约)?通讯员", "correspondents"),
    (r"(?:责任编辑|责编|本版编辑|编辑|审核|审校|校对)", "editors"),
    (r"(?:摄影|图片|摄像)", "photographers"),
]
_ROLE_RE = re.compile("|".join(f"({pattern})" for pattern, _ in _ROLES))
_PHOTO_MARK = re.compile(r"(?:文\s*/\s*图|图\s*/\s*文|文图|摄影?|图)$")
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]+·[\u4e00-\u9fff·]+$")
_BULLETS = "□■▲◆●◇○★☆ "
# Words that may stand before a credit (``整合 记者 X``) or after it (``记者 X 山东冠县报道``).
_BEFORE = re.compile(r"^(?:整合|综合|文字)\s*")
_AFTER = re.compile(r"\s+\S{0,12}?(?:报道|发自\S{0,8})$")
_SEPARATORS = re.compile(r"[\s、，,;；:：/]+")
# ``文：眉间尺`` / ``撰文/X``: the writer, credited without a role word.
_WRITER = re.compile(r"^(?:文|撰文|文字)\s*[:：/]\s*")
# A person's name (2–3 characters) rather than a place, paper or office.
PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$(?<![报网社台局委办院部厅站会处室府区市县省团乡镇村所队科组])")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

LEAD = re.compile(r"^(本报\S{0,8}?讯|本刊讯|[\u4e00-\u9fff]{2,6}网讯|据?[\u4e00-\u9fff]{2,12}电)"
                  r"\s*[(（]([^()（）]{2,80})[)）]\s*")
_EDITOR_NOTE = re.compile(r"[(（\[【]\s*(?:责任编辑|责编|编辑)\s*[:：]\s*([^()（）\[\]【】]{2,30})[)）\]】]\s*$")
# ``…发展。（记者 胡晓蓉）`` or ``（常书香 马丹阳）`` closing the last paragraph.
_TAIL_CREDIT = re.compile(r"[（(]\s*([\u4e00-\u9fff][\u4e00-\u9fff\s·、]{1,23}?)\s*[)）]\s*$")
_EDITOR_LINE = re.compile(r"^(?:责任编辑|责编|本版编辑|编辑)\s*[:：]\s*(.{2,30})$")
_SOURCE_LINE = re.compile(r"^(?:来源|稿源|信息来源)\s*[:：]\s*(\S.{0,40})$")


@dataclass
class Byline:
    """Credited people by role, and every person once in order of appearance (``authors``)."""

    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    source: str | None = None

    def add(self, role: str, name: str) -> None:
        names: list[str] = getattr(self, role)
        if name not in names:
            names.append(name)
        if name not in self.authors:
            self.authors.append(name)

    def merge(self, other: Byline) -> None:
        for role in ROLE_FIELDS:
            for name in getattr(other, role):
                self.add(role, name)
        self.source = self.source or other.source

    def __bool__(self) -> bool:
        return bool(self.authors)


def parse_credit(text: str) -> Byline | None:
    """Names by role from a credit such as ``记者 柴琳琳 通讯员 姜璞 文/图``.

    Returns None when the text holds anything but roles, names and photo marks, so ordinary
    sentences are never mistaken for credits.
    """
    text = _AFTER.sub("", _BEFORE.sub("", text.strip(_BULLETS + "\u3000")))
    text = _WRITER.sub("作者 ", text)
    mark = _PHOTO_MARK.search(text)
    if mark:
        text = text[: mark.start()]
    groups: list[tuple[str, list[str]]] = []
    for part in _ROLE_RE.split(text):
        if not part or not part.strip():
            continue
        role = _role_of(part)
        if role:
            groups.append((role, []))
            continue
        names = [token for token in _SEPARATORS.split(part) if token]
        if not groups or not all(_NAME.match(name) for name in names):
            return None
        groups[-1][1].extend(names)
    byline = Byline()
    for role, names in groups:
        for name in names:
            byline.add(role, name)
    if mark and byline:
        # 文/图 credits everyone listed; a bare 摄 or 图 the people named just before it.
        whole = mark.group(0).replace(" ", "") in ("文/图", "图/文", "文图")
        for name in byline.authors if whole else groups[-1][1]:
            byline.add("photographers", name)
    return byline or None


def _role_of(part: str) -> str | None:
    for pattern, role in _ROLES:
        if re.fullmatch(pattern, part.strip()):
            return role
    return None


def lift_bylines(lines: list[str]) -> tuple[list[str], Byline]:
    """Remove credit text from body paragraphs and return it as a :class:`Byline`.

    Credit paragraphs are looked for in the first two and the last three paragraphs (a line
    of bare names counts at the head: ``赵延东、风笑天`` under a headline); the lead credit in
    the first paragraph; editor notes at the end of the last one. Bare URLs at the end go.
    """
    byline = Byline()
    body = lines[:-3] + [line for line in lines[-3:] if not _URL_LINE.match(line)]
    for index in range(min(3, len(body))):
        match = LEAD.match(body[index])
        if match and (credit := parse_credit(match.group(2))):
            byline.merge(credit)
            body[index] = match.group(1) + body[index][match.end():]
            break
    keep = []
    for index, line in enumerate(body):
        # a line that is nothing but a labelled credit is one wherever it stands
        credit = _credit_line(line)
        if credit is None and index < 2:
            credit = _names_line(line)
        if credit is not None:
            byline.merge(credit)
            continue
        keep.append(line)
    for pattern, role in ((_EDITOR_NOTE, "编辑 "), (_TAIL_CREDIT, "")):
        match = pattern.search(keep[-1]) if keep else None
        credit = match and (parse_credit(role + match.group(1))
                            or (not role and parse_credit("作者 " + match.group(1))))
        if match and credit:
            byline.merge(credit)
            keep[-1] = keep[-1][: match.start()].rstrip()
            if not keep[-1]:
                keep.pop()
    return keep, byline


def _names_line(line: str) -> Byline | None:
    """A line of nothing but one to four people's names: the authors under a headline."""
    names = [token for token in _SEPARATORS.split(line) if token]
    if not 1 <= len(names) <= 4 or not all(PERSON.match(name) for name in names):
        return None
    return parse_credit("作者 " + " ".join(names))


def _credit_line(line: str) -> Byline | None:
    if len(line) > 60:
        return None
    source = _SOURCE_LINE.match(line)
    if source:
        return Byline(source=source.group(1).strip())
    editor = _EDITOR_LINE.match(line)
    if editor:
        return parse_credit("编辑 " + editor.group(1))
    return parse_credit(line)
