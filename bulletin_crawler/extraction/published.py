"""When a page says its article was published: candidates, each with the evidence for it.

Every place a page may state the date gives a candidate: publish-date meta tags, JSON-LD
``datePublished``, script variables (``pubtime``, ``publish_time``, WeChat's ``ct``), labelled
dates on the lines above or below the text (``发布时间：``, ``发文日期：``, ``生成日期：``), a post
header (``X 发表于 DATE``, ``于 DATE 发表``), a bare date under the headline, the URL; a
modified-date meta tag and the first date of the page are the weakest.

The implausible are dropped: dates in the future, dates labelled as something else (a blog's
``建立于``, a profile's ``注册时间``, ``更新时间``), and no date from inside the article's own text
is a candidate (a death date in paragraph 3 is not the publish date). Then the candidates vote
by calendar day: a date the page shows and the URL confirms outweighs a meta tag that
contradicts both (the page-build time a government CMS writes into ``PubDate``), and a date
shown on the page outweighs a meta tag alone (the corpora's truth: the displayed date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lxml import etree

from bulletin_crawler.extraction.dates import (
    SHANGHAI,
    date_from_url,
    iter_datetimes,
    month_from_url,
    parse_datetime,
    today_shanghai,
)
from bulletin_crawler.extraction.layout import Margins
from bulletin_crawler.extraction.text import HAN_CHAR

_META_PUBLISHED = ("pubdate", "publishdate", "publish_date", "publishtime", "publish-date",
                   "article:published_time", "og:release_date", "datepublished", "dc.date",
                   "dc.date.issued", "dc:date", "dcterms:issued", "dcterms.issued", "date",
                   "firstpublishedtime", "releasedate", "og:time",
                   "apub:time", "pubtime", "publish_time", "og:published_time",
                   "article:published", "parsely-pub-date", "sailthru.date", "created",
                   "dcterms.created", "dc.date.created", "citation_publication_date",
                   "citation_date", "bepress_citation_date", "weibo:article:create_at")
_META_MODIFIED = ("dateupdate", "datemodified", "article:modified_time", "lastmodified",
                  "og:updated_time", "dcterms.modified")
_JSON_LD = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{8,40})\"")
# A script variable holding the publish time: found by its name's literal spellings first,
# since a case-insensitive alternation scans a large page slowly.
_SCRIPT_VAR = re.compile(r"(?:pubtime|publish_?time|publishdate|pub_?date|ptime|date_?published)"
                         r"[\"']?\s*[:=]\s*[\"']?([^\"',;}\n]{8,30})", re.IGNORECASE)
_SCRIPT_NAMES = ("pubtime", "pubTime", "PubTime", "PUBTIME", "publish_time", "publishTime",
                 "PublishTime", "publishdate", "publishDate", "PublishDate", "pubdate", "pubDate",
                 "PubDate", "pub_date", "ptime", "datePublished", "date_published")
_WECHAT_CT = re.compile(r"var\s+ct\s*=\s*\"(\d{10})\"")
# A label that says a visible date is the publication's (发布/发表/发文/生成/成文/上传 …).
_PUBLISHED_LABEL = re.compile(
    r"(?:发布|发表|发稿|发文|生成|成文|印发|出版|上传|刊发|时间|日期|published|posted|veröffentlicht|"
    r"publié|publicado|date)\s*(?:时间|日期|于|on|am|le|el)?\s*[:：]?\s*$", re.IGNORECASE)
# Labels of other dates: a blog's creation, a profile's registration, an update, a birthday.
_OTHER_LABEL = re.compile(r"(?:建立|创建|注册|加入|更新|修改|生日|出生|到期|截止|开始|结束|"
                          r"活动时间|报名|last login|joined|updated|modified|geändert|"
                          r"aktualisiert|mis à jour|actualizado)\S{0,3}\s*[:：]?\s*$",
                          re.IGNORECASE)
# 于2005年8月12日16:12:21 (发表) — a forum post's header.
_POSTED_AT = re.compile(r"(?:发表于|发布于|发帖于|(?:由|楼主)\s*\S{1,20}\s*于)\s*$")
_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "januar", "janvier", "enero", "gennaio", "janeiro", "stycznia"),
    ("february", "feb", "februar", "février", "febrero", "febbraio", "fevereiro", "lutego"),
    ("march", "mar", "märz", "mars", "marzo", "março", "marca"),
    ("april", "apr", "avril", "abril", "aprile", "kwietnia"),
    ("may", "mai", "mayo", "maggio", "maio", "maja"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "junho", "czerwca"),
    ("july", "jul", "juli", "juillet", "julio", "luglio", "julho", "lipca"),
    ("august", "aug", "août", "agosto", "sierpnia"),
    ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "września"),
    ("october", "oct", "oktober", "octobre", "octubre", "ottobre", "outubro", "października"),
    ("november", "nov", "novembre", "noviembre", "novembro", "listopada"),
    ("december", "dec", "dezember", "décembre", "diciembre", "dicembre", "dezembro", "grudnia"),
), start=1) for name in names}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?"
                             rf"({_MONTH_NAMES})\.?,?\s*(?:de\s+)?(\d{{4}})(?!\d)", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
                             rf"(?!\d)", re.IGNORECASE)
_DAY_FIRST = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")  # 12.03.2024

_LABEL_REACH, _FIRST_REACH = 20, 3000  # characters before a date where its label stands

# Weights of the evidence; a day's score is the sum of its candidates'.
# A date the page shows and labels as its publication's is the displayed date the archive
# wants: it outweighs a meta tag even when the URL's month backs the meta tag (a page built,
# and filed, a month after its document's date).
SHOWN_LABELLED, POST_HEADER, META, JSON_LD, SCRIPT = 4.5, 4.5, 3.0, 3.0, 2.5
URL, URL_MONTH, SHOWN_BARE, FARTHER_BARE, BELOW_BARE = 2.0, 1.1, 2.0, 1.0, 0.5
MODIFIED, FIRST_ON_PAGE, BELOW_LATER = 0.5, 0.6, 0.25
_BARE_REST = 10  # characters besides the date on a line that shows a bare date
_DATE_LINE_MAX, _DATE_LINE_REST = 60, 16
_SENTENCE_MARK = re.compile(r"[.!?;]\s|[.!?;]$")
# What may stand around a date on a date line: a label, a time, separators.
_DATE_LINE_NOISE = re.compile(
    r"\b(?:aktualisiert|publiziert|veröffentlicht|erstellt|stand|updated|published|posted|"
    r"last modified|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|opublikowano|"
    r"zaktualizowano|am|um|on|at|le|à|el|il|uhr|h)\b|\d{1,2}[:.h]\d{2}(?::\d{2})?|[\s,:|/·–—-]+",
    re.IGNORECASE)
MARKED, MARKED_WEAK = 3.0, 1.0  # a date the markup labels published; a page's first <time>
# Each query with the spellings a page must hold for it to find anything.
_MARKED_QUERIES = ((("<time", "<TIME"), "//time[@datetime]"),
                   (('temprop="datePublished"', "temprop='datePublished'",
                     "temprop=datePublished", 'temprop="dateCreated"', "temprop='dateCreated'",
                     "temprop=dateCreated", "schema:datePublished", "schema:dateCreated"),
                    "//*[@itemprop='datePublished' or @itemprop='dateCreated' or "
                    "@property='schema:datePublished' or @property='schema:dateCreated']"
                    "[@content or @datetime]"))
_MARKED_NAMES = re.compile(r"datePublished|dateCreated|published|pubdate|entry-date|post-date|"
                           r"article:published", re.IGNORECASE)
_MODIFIED_NAMES = re.compile(r"modified|updated|dateModified", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    value: date | datetime
    weight: float
    source: str
    #: filled by the CMS from its one stored timestamp (meta tags, JSON-LD, script variables,
    #: marked elements): copies of it are one witness
    machine: bool = False

    @property
    def day(self) -> date:
        return self.value.date() if isinstance(self.value, datetime) else self.value


def published(meta: dict[str, str], scripts: str, url: str, margins: Margins, page_text: str,
              marked: list[tuple[str, bool]] | None = None) -> date | datetime | None:
    """The publish date the evidence agrees on, or None (``scripts``: the text of the page's
    scripts, where JSON-LD and script variables stand; ``marked``: :func:`marked_dates`)."""
    candidates = candidates_of(meta, scripts, url, margins)
    for value, strong in marked or []:
        if parsed := _parse(value):
            candidates.append(Candidate(parsed, MARKED if strong else MARKED_WEAK,
                                        "marked element", machine=True))
    if not any(c.weight > BELOW_BARE for c in candidates):
        first = next(iter_datetimes(page_text[:_FIRST_REACH]), None)
        candidates += [Candidate(first, FIRST_ON_PAGE, "first date on the page")] if first else []
    return best(candidates, month_from_url(url))


def candidates_of(meta: dict[str, str], scripts: str, url: str, margins: Margins
                  ) -> list[Candidate]:
    found: list[Candidate] = []
    for name in _META_PUBLISHED:
        if value := _parse(meta.get(name, "")):
            found.append(Candidate(value, META, f"meta {name}", machine=True))
            break
    for name in _META_MODIFIED:
        if value := _parse(meta.get(name, "")):
            found.append(Candidate(value, MODIFIED, f"meta {name}", machine=True))
            break
    if json_ld := _JSON_LD.search(scripts):
        found += [Candidate(value, JSON_LD, "JSON-LD", machine=True)
                  for value in [_parse(json_ld.group(1))] if value]
    found += [Candidate(value, SCRIPT, "script variable", machine=True)
              for value in _script_dates(scripts)]
    # Above the headline stand a disclosure table but also the day's date in a page header:
    # only dates labelled as the publication's count there. Between headline and text, the
    # bare date nearest the text is the story's (a post header under a blog's calendar);
    # under the text, a bare date is as likely the next post's or a related item's.
    found += [c for c in _shown(margins.above_title) if c.weight >= SHOWN_LABELLED]
    found += _shown(margins.under_title, bare=(SHOWN_BARE, FARTHER_BARE), nearest_last=True)
    found += _shown(margins.below, bare=(BELOW_BARE, 0.0), later=BELOW_LATER)
    if value := date_from_url(url):
        found.append(Candidate(value, URL, "URL"))
    latest = today_shanghai() + timedelta(days=1)
    return [c for c in found if c.day <= latest]


def marked_dates(root: etree._Element, html: str) -> list[tuple[str, bool]]:
    """Dates the markup labels: an element whose ``itemprop``/``property`` says
    datePublished (``<time itemprop="datePublished" datetime=…>``, RDFa's ``schema:dateCreated``
    with ``content``), a ``<time datetime>`` whose class says published (``entry-date
    published``); each with whether its label is explicit. The first plain ``<time datetime>``
    of the page counts as a weak witness."""
    queries = [query for spellings, query in _MARKED_QUERIES
               if any(spelling in html for spelling in spellings)]
    if not queries:
        return []
    found: list[tuple[str, bool]] = []
    plain = None
    for element in root.xpath(" | ".join(queries)):
        value = element.get("datetime") or element.get("content") or ""
        names = " ".join(filter(None, (element.get("itemprop"), element.get("property"),
                                        element.get("class"), element.get("pubdate"))))
        if not value:
            continue
        if _MARKED_NAMES.search(names) and not _MODIFIED_NAMES.search(names):
            found.append((value, True))
        elif plain is None and element.tag == "time" and not _MODIFIED_NAMES.search(names):
            plain = value
    return found[:1] + ([(plain, False)] if plain and not found else [])


def best(candidates: list[Candidate], url_month: tuple[int, int] | None = None
         ) -> date | datetime | None:
    """The day with most evidence (a URL naming only the month backs its days); its most
    precise value from its strongest source."""
    if not candidates:
        return None
    score: dict[date, float] = defaultdict(float)
    for candidate in _independent(candidates):
        score[candidate.day] += candidate.weight
    for day in score:
        if (day.year, day.month) == url_month:
            score[day] += URL_MONTH
    # a tie goes to the day with the strongest single witness, then to a precise timestamp
    day = max(score, key=lambda d: (score[d], max(c.weight for c in candidates if c.day == d),
                                    any(isinstance(c.value, datetime) for c in candidates
                                        if c.day == d)))
    on_day = [c for c in candidates if c.day == day]
    return max(on_day, key=lambda c: (isinstance(c.value, datetime), c.weight)).value


def _independent(candidates: list[Candidate]) -> list[Candidate]:
    """One vote per piece of evidence: a CMS writes the same timestamp into its meta tags,
    its JSON-LD and a script variable, which are then one witness (the strongest of the
    copies), not three against the date the page shows."""
    machine: dict[date | datetime, Candidate] = {}
    others = []
    for candidate in candidates:
        if candidate.machine:
            held = machine.get(candidate.value)
            if held is None or candidate.weight > held.weight:
                machine[candidate.value] = candidate
        else:
            others.append(candidate)
    return others + list(machine.values())


def _shown(lines: list[str], bare: tuple[float, float] = (SHOWN_BARE, SHOWN_BARE),
           nearest_last: bool = False, later: float = 1.0) -> list[Candidate]:
    """Dates the page shows in ``lines``: labelled ones (发布时间：…), a post header's
    (发表于 …), or a date standing alone on its line (the first met, from the text's side,
    weighs ``bare[0]``, the others ``bare[1]``); every date after the first met weighs
    ``later`` times as much (below the text, the next post's header); never a date labelled
    as another kind of date."""
    found: list[Candidate] = []
    joined = _with_labels(lines)
    for line in joined[::-1] if nearest_last else joined:
        for value, before in _dates_with_context(line):
            factor = later if found else 1.0
            if _OTHER_LABEL.search(before):
                continue
            if _POSTED_AT.search(before):
                found.append(Candidate(value, POST_HEADER * factor, "post header"))
            elif _PUBLISHED_LABEL.search(before):
                found.append(Candidate(value, SHOWN_LABELLED * factor, "labelled date"))
            elif not before.strip() or len(_ANY_DATE.sub("", line).strip()) <= _BARE_REST:
                first = not any(c.source == "date line" for c in found)
                found.append(Candidate(value, (bare[0] if first else bare[1]) * factor,
                                       "date line"))
    return [c for c in found if c.weight]


def _with_labels(lines: list[str]) -> list[str]:
    """``生成日期：`` on one line and its value on the next are one labelled line."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].endswith((":", "：")) and len(joined[-1]) <= _LABEL_REACH:
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _dates_with_context(line: str) -> list[tuple[date | datetime, str]]:
    """Each date in a line with the text just before it (where its label stands)."""
    found = []
    for match in _ANY_DATE.finditer(line):
        value = parse_datetime(match.group(0)) or _named_month(match.group(0))
        if value:
            found.append((value, line[max(0, match.start() - _LABEL_REACH): match.start()]))
    return found


def _named_month(text: str) -> date | None:
    for pattern, order in ((_DAY_MONTH_YEAR, (3, 2, 1)), (_MONTH_DAY_YEAR, (3, 1, 2))):
        match = pattern.search(text)
        if match:
            year, month, day = (match.group(i) for i in order)
            try:
                return date(int(year), _MONTHS[month.lower()], int(day))
            except ValueError:
                return None
    match = _DAY_FIRST.search(text)
    if match:
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


_ANY_DATE = re.compile(
    rf"(?<![\d/.-])(?:\d{{4}}|\d{{2}})\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}(?![\d/.-]\d)"
    rf"\s*日?(?:\s*\d{{1,2}}[:：时]\d{{2}}(?:[:：分]\d{{2}})?)?"
    rf"|{_DAY_MONTH_YEAR.pattern}|{_MONTH_DAY_YEAR.pattern}|{_DAY_FIRST.pattern}",
    re.IGNORECASE)


def has_date(text: str) -> bool:
    """Does ``text`` show a date (in any of the forms the candidates read)?"""
    return bool(_ANY_DATE.search(text))


def is_date_line(line: str) -> bool:
    """A Western page's metadata line: a date with at most a label, a time and a name
    (``11 Jan 2019``, ``Aktualisiert: 11.04.2020, 10:27``, ``24. März 2004, 19:49 | Genesis``);
    never a line with Chinese characters (a document's closing date is part of its text)."""
    if len(line) > _DATE_LINE_MAX or HAN_CHAR.search(line):
        return False
    match = _ANY_DATE.search(line)
    if not match:
        return False
    rest = _DATE_LINE_NOISE.sub("", line[:match.start()] + " " + line[match.end():])
    return len(rest) <= _DATE_LINE_REST and not _SENTENCE_MARK.search(rest)


def _parse(value: str) -> date | datetime | None:
    """A date as meta tags and scripts write it: ISO 8601, Chinese forms, Unix seconds."""
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"1\d{9}", value):  # Unix seconds (WeChat, many CMS scripts)
        return datetime.fromtimestamp(int(value), SHANGHAI)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        if parsed.time() == datetime.min.time() and parsed.tzinfo is None:
            return parsed.date()
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)  # the archive's zone
    return parse_datetime(value) or _named_month(value)


def _script_dates(scripts: str) -> list[date | datetime]:
    """Publish times a page's scripts hold (the page shows only 前天 until they run)."""
    found = []
    for name in _SCRIPT_NAMES:
        at = scripts.find(name)
        variable = _SCRIPT_VAR.match(scripts, at) if at >= 0 else None
        if variable and (value := _parse(variable.group(1))):
            found.append(value)
            break
    if wechat := _WECHAT_CT.search(scripts):
        found.append(datetime.fromtimestamp(int(wechat.group(1)), SHANGHAI))
    return found
