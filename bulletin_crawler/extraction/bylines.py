"""Bylines: one grammar for the credits a page prints, wherever it prints them.

A credit is a sequence of *labelled groups*: a role label, then the names it credits, e.g.
``本报记者 张三 通讯员 李四 文/图`` or ``作者：曹磊 选稿：曾炟 来源：东方网``. The grammar:

- **labels** — role words (记者, 本报记者, 特约记者, 见习记者, 实习生, 通讯员, 编辑, 责任编辑, 责编,
  校对, 审核, 选稿, 摄影, 图, 文, 文/图, 撰文, 执笔, 作者, 编译, ``By``…), source labels (来源,
  稿源, 本文来源于), and fields that are skipped (发布时间, 浏览, any short ``标签：``). A label
  may carry an outlet in front (``中青报·中青网记者``, ``光明日报记者``, ``51offer编辑``);
- **suffix roles** after names: ``马俊峰/文``, ``刘满仓摄``, ``张三 摄``, and ``文/图`` closing a
  credit (it credits everyone named before it as a photographer too);
- **names** separated by spaces, ``、``, ``，``, ``/``, ``|``, ``;`` or ``and``; a justified
  two-character name (``方  敏``) is joined again; staff codes (``李曦_NN2587``) are cut off;
- **trailers** that are no names: ``发自北京``, ``山东冠县报道``, ``5月13日报道``.

Every name must pass :func:`names.is_person`, with the evidence its place gives it (a label
and a colon let a pen name through; a bare name needs a known surname). A credit whose name slot
holds anything else (a sentence, a headline) is no credit at all; an outlet or a code in a name
slot (``出品：网易科学人栏目组``, ``HN666``) is skipped.

:mod:`credits` finds credits in every position of a page and reads them with this parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bulletin_crawler.extraction.names import NOT_PEOPLE, Evidence, is_person, normalise_name
from bulletin_crawler.extraction.text import HAN

ROLE_FIELDS = ("reporters", "correspondents", "editors", "photographers")

# label → what it credits ("authors" alone: a writer whose role the page does not say)
_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("本报记者", "本刊记者", "本台记者", "本网记者", "特约记者", "见习记者",
                     "实习记者", "首席记者", "全媒体记者", "融媒体记者", "融媒记者", "全媒记者",
                     "驻站记者", "驻地记者",
                     "记者", "实习生"), ("reporters",)),
    **dict.fromkeys(("特约通讯员", "通讯员"), ("correspondents",)),
    **dict.fromkeys(("责任编辑", "本版责编", "本版编辑", "值班编辑", "网络编辑", "编辑", "责编",
                     "校对", "审核", "审校", "审稿", "初审", "复审", "终审", "选稿", "主编",
                     "出品人", "出品", "监制", "编审", "策划", "统筹"), ("editors",)),
    **dict.fromkeys(("摄影", "摄像", "图片", "图", "摄"), ("photographers",)),
    **dict.fromkeys(("文/图", "图/文", "文图"), ("authors", "photographers")),
    **dict.fromkeys(("作者", "撰文", "执笔人", "执笔", "撰稿人", "撰稿", "编译", "文字", "文",
                     "整理", "口述", "翻译", "译者", "制图", "绘图", "插图", "漫画",
                     "发布人", "发帖人", "楼主", "by", "von", "par", "por", "author", "autor",
                     "автор"), ("authors",)),
    **dict.fromkeys(("本文来源于", "来源于", "信息来源", "来源", "稿源", "出处", "转自",
                     "转载自"), ("source",)),
}
# Labels whose value is read and thrown away: dates, counters, and any other short ``标签：``.
_SKIPPED = ("发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "更新时间", "生成日期",
            "发表于", "发布于",
            "发文日期", "时间", "日期", "浏览次数", "浏览量", "浏览", "点击数", "点击", "阅读数",
            "阅读", "字号")
# One-character roles are roles only where the page marks them: 文：/文/… before names,
# /文 or 摄 right after them.
_SHORT_PREFIX = rf"(?<![{HAN}A-Za-z])(?:文|图)(?=\s*[:：︱|/丨—])"
_SHORT_SUFFIX = rf"(?<=/)\s*(?:文|图|摄影?)(?=$|[\s)）\]】])|(?<=[{HAN}\s])摄(?=$|[\s)）\]】])"
_LATIN_LABEL = r"(?i:(?<![\w])(?:by|von|par|por|author|autor|автор)\b:?)"
_WORDS = sorted((word for word in (*_LABELS, *_SKIPPED) if len(word) > 1 and word.isascii() is
                 False), key=len, reverse=True)
_LABEL_RE = re.compile(
    rf"(?P<combo>文\s*/\s*图|图\s*/\s*文)"
    rf"|(?P<short>{_SHORT_PREFIX}|{_SHORT_SUFFIX})"
    rf"|(?P<word>{'|'.join(map(re.escape, _WORDS))})(?!报道)"  # 摄影报道 is no label
    rf"|(?P<latin>{_LATIN_LABEL})"
    rf"|(?<!\S)(?P<other>[{HAN}]{{2,5}})(?=\s*[:：])")  # any 标签： opening a line or a field
_SEPARATOR = r"[:：︱|/—丨]"  # NFKC turns ︱ into —; 丨 is a Han stroke used as a bar
_AFTER_LABEL = re.compile(rf"^\s*{_SEPARATOR}")
# An outlet written right before a role: 本报 / 新华社 / 中青报·中青网 / 光明日报 / 51offer.
_OUTLET_END = r"(?:报|网|社|台|端|中心|新闻|频道|杂志|周刊|电台|广播|视频)"
_OUTLET = re.compile(rf"^(?:[\w·•]{{0,20}}{_OUTLET_END}"
                     rf"|(?:\w{{1,12}}{_OUTLET_END}[·•])+\w{{1,10}}"  # 新华日报·交汇点: paper·app
                     rf"|本报|本刊|本台|本网|本站|央视|央广|[A-Za-z0-9]{{2,12}})$")
_LABEL_PUNCT = " :：︱|/—丨"
_MAX_BARE_NAMES = 4
_BULLETS = "□■▲◆●◇○★☆▶►·•-—|｜ \u3000"
# Words that may stand before a credit: 整合 记者 X, 综合 X.
_LEADING_WORDS = re.compile(r"^(?:整合|综合|据)\s+")
_DATETIME = re.compile(r"^\s*\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                       r"(?:\s*\d{1,2}[:：时]\d{2}(?:[:：分]\d{2})?)?\s*")
_TRAILER = re.compile(rf"\s*(?:发自[{HAN}]{{1,8}}|\d{{1,2}}月\d{{1,2}}日\S*|"
                      rf"[{HAN}]{{0,8}}报道|[{HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日电)\s*$")
_NAME_SPLIT = re.compile(r"[\s、，,;；/|︱—丨]+")
_LATIN_SPLIT = re.compile(r"\s*(?:[,;、，；/|&＆]|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*",
                          re.IGNORECASE)
_CODE_SUFFIX = re.compile(r"[_\-]?[A-Za-z]*\d+[A-Za-z\d]*$")
_CODE = re.compile(r"^[A-Za-z]*\d[A-Za-z\d_\-]*$")
OPENERS, CLOSERS = "（(【[［〔", "）)】]］〕"
_SENTENCE = re.compile(r"[。！？!?；;]|[，,]\S{8,}")


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
        """Credit ``name`` in ``role`` (one of :data:`ROLE_FIELDS`, or ``authors`` alone)."""
        if role != "authors":
            names: list[str] = getattr(self, role)
            if name not in names:
                names.append(name)
        if name not in self.authors:
            self.authors.append(name)

    def merge(self, other: Byline) -> None:
        for name in other.authors:
            roles = [role for role in ROLE_FIELDS if name in getattr(other, role)]
            for role in roles or ["authors"]:
                self.add(role, name)
        self.source = self.source or other.source

    def roles_of(self, name: str) -> list[str]:
        return [role for role in ROLE_FIELDS if name in getattr(self, role)]

    def __bool__(self) -> bool:
        return bool(self.authors)


@dataclass
class _Group:
    roles: tuple[str, ...]
    names: list[str]
    evidence: Evidence


def parse_credit(text: str, bare: str | None = None) -> Byline | None:
    """The credit ``text`` is made of, or None when it is anything else (a sentence, a
    headline, a navigation label). ``bare`` is the role of names standing without any label
    (``刘艺、杨吉`` in a wire dateline's brackets); without it, a credit needs a label.

    An empty :class:`Byline` (falsy, not None) is a credit that names nobody credible:
    ``编辑：``, ``（责任编辑： HN666）``, ``来源：新华网``.
    """
    text = _prepare(text)
    if not text or len(text) > 120 or _SENTENCE.search(text):
        return None
    labels = list(_LABEL_RE.finditer(text))
    if all(_roles(label) is None for label in labels):  # 王文：… is a headline, not a field
        labels = []
    if not labels:
        if bare is None or text.endswith((":", "：")):  # 索 引 号： is a label, not names
            return None
        names = person_names(text, Evidence.BARE)
        if not names or len(names) > _MAX_BARE_NAMES:  # five bare names are a list, no byline
            return None
        return _credit([_Group((bare,), names, Evidence.BARE)])
    head = text[: labels[0].start()]
    groups: list[_Group] = []
    if not _valid_head(head, labels[0], groups):
        return None
    byline_source: str | None = None
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[label.end(): end]
        roles = _roles(label)
        if roles == ("source",):
            byline_source = byline_source or _source_value(value)
            continue
        if not roles:  # a skipped field: its value must be short and plain
            if len(value.strip()) > 30:
                return None
            continue
        if not value.strip(_LABEL_PUNCT) and _credits_before(label, roles, groups):
            continue
        if value[:1] not in _LABEL_PUNCT and not set(roles) & {"reporters", "correspondents"}:
            return None  # 作者简介, 摄影作品展: only a reporter's label runs into the name
        evidence = Evidence.LABELLED if _AFTER_LABEL.match(value) else Evidence.ROLE
        names = person_names(_TRAILER.sub("", value), evidence)
        if names is None:
            return None
        groups.append(_Group(roles, names, evidence))
    credit = _credit(groups)
    credit.source = byline_source
    return credit


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip(_BULLETS)
    while len(text) > 2 and text[0] in OPENERS and text[-1] in CLOSERS:
        text = text[1:-1].strip()
    return _LEADING_WORDS.sub("", text).strip()


def _roles(label: re.Match[str]) -> tuple[str, ...] | None:
    """What a label credits: roles, ``("source",)``, ``()`` for a skipped field, None for a
    label this grammar does not know (any ``标签：``)."""
    word = re.sub(r"\s+", "", label.group(0)).rstrip(":").lower()
    if word in _LABELS:
        return _LABELS[word]
    return () if word in _SKIPPED else None


def _valid_head(head: str, first: re.Match[str], groups: list[_Group]) -> bool:
    """What stands before the first label: nothing, a date, an outlet glued to a role
    (``光明日报记者``), or names that a suffix role credits (``马俊峰/文``)."""
    head = _DATETIME.sub("", head).strip()
    if not head:
        return True
    if _OUTLET.match(head.strip(" ·")) and not first.group(0).startswith((" ", "/")):
        return True
    if first.group("short") or first.group("combo"):
        names = person_names(head.rstrip("/ "), Evidence.ROLE)
        if names:
            groups.append(_Group((), names, Evidence.ROLE))
            return True
    return False


def _credits_before(label: re.Match[str], roles: tuple[str, ...], groups: list[_Group]
                    ) -> bool:
    """A role with no names after it credits the names before it: 文/图 everyone named (as
    photographers too), 摄/图/文/摄影 the last group."""
    if not groups or not (label.group("short") or label.group("combo")
                          or label.group(0) in ("摄影", "图片")):
        return False
    for group in groups if label.group("combo") else groups[-1:]:
        group.roles = tuple(dict.fromkeys(group.roles + roles))
    return True


def person_names(value: str, evidence: Evidence) -> list[str] | None:
    """The people a name slot lists; None when it holds anything but names, outlets and codes."""
    value = value.strip(_LABEL_PUNCT)
    if not value:
        return []
    latin = bool(re.search(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]{2}", value)) and not re.search(
        rf"[{HAN}]", value)
    tokens = [t for t in (_LATIN_SPLIT if latin else _NAME_SPLIT).split(value) if t]
    tokens = _join_spaced(tokens)
    names: list[str] = []
    for token in tokens:
        token = normalise_name(token)
        if _CODE.match(token):
            continue  # a staff code (HN666): a credit, but nobody to store
        if re.search(rf"[{HAN}]", token):
            token = _CODE_SUFFIX.sub("", token)
        if is_person(token, evidence):
            names.append(token)
        elif not _organisation(token):
            return None
    return names


def _join_spaced(tokens: list[str]) -> list[str]:
    """``方 敏`` → ``方敏``: single Han characters side by side are one justified name."""
    joined: list[str] = []
    for token in tokens:
        if (len(token) == 1 and joined and len(joined[-1]) == 1
                and re.match(rf"[{HAN}]", token + joined[-1])):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def _organisation(token: str) -> bool:
    """An outlet, a department or a column named where a person could be: skipped."""
    return token in NOT_PEOPLE or bool(_OUTLET.match(token)) or bool(re.search(
        r"(?:组|部|局|委|办|院|厅|站|会|处|室|府|中心|公司|集团|大学|学院|协会|栏目|号)$", token))


def _source_value(value: str) -> str | None:
    """A source as the page names it, without the date or a bracket that follows it."""
    value = re.sub(rf"\s*(?:\d{{2,4}}[-/.年]\d{{1,2}}[-/.月]\d{{1,2}}|[|｜{re.escape(OPENERS)}]).*$", "",
                   value)
    value = value.strip(_LABEL_PUNCT)
    return value or None


def _credit(groups: list[_Group]) -> Byline:
    byline = Byline()
    for group in groups:
        for name in group.names:
            for role in group.roles or ("authors",):
                byline.add(role, name)
    return byline
