"""The article block of a page without markers: most sentence text, fewest links.

Readability-style scoring (each text block scores by its punctuation and length, added to its
parent and, halved, its grandparent), with readability's class hints, a bonus for the block that
starts with or follows the headline, and the first of several look-alike post containers.

Every figure comes from one pass over the tree (:class:`TextStats`): text and link characters
per element are summed bottom-up instead of re-reading each element's subtree, so a page of
thousands of nested or repeated blocks costs time linear in its size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from lxml import etree
from parsel import Selector

from bulletin_crawler.extraction.budget import checkpoint
from bulletin_crawler.extraction.html import BLOCK_TAGS, SKIP_TAGS, Line, TextStats, page_lines
from bulletin_crawler.extraction.published import has_date
from bulletin_crawler.extraction.tails import related_heading
from bulletin_crawler.extraction.text import HAN_CHAR, is_caption, loose

# readability's hints, and the boxes of page furniture (widgets, promotions, sign-ups, pop-ups)
_UNLIKELY = re.compile(r"comment|reply|discuss|sidebar|footer|header|menu|navbar|recommend|"
                       r"related|share|banner|copyright|widget|promo|newsletter|subscri|cookie|"
                       r"popup|modal|overlay|breadcrumb|pagination|pager|social|sponsor|disqus|"
                       r"tag-(?:cloud|list)|(?<![a-z])(?:ad|ads|nav|rss|side|foot)(?![a-z])|"
                       # WordPress marks an article with its tags (tag-football): no tag box
                       r"(?<![a-z])tags?(?![a-z-])", re.IGNORECASE)
_LIKELY = re.compile(r"article|content|post|text|entry|story|detail|zoom", re.IGNORECASE)
_CANDIDATES = 15  # only the best-scored blocks are weighed for links and headline proximity
_BEYOND_TITLE = 3  # a block near the headline holds three times its length to gain by it
# A sibling continues the article with a fifth of its score (readability's rule), or as a
# paragraph of 80 characters with few links.
_SIBLING_MIN, _SIBLING_SHARE, _SIBLING_LINKS, _SIBLING_BLOCK_CHARS = 10.0, 0.2, 0.5, 40
_PARAGRAPH_MIN, _PARAGRAPH_LINKS, _PARAGRAPH_BLOCKS = 80, 0.25, 3
# A line of the main column outside the blocks joins the text as a paragraph of sentences.
_CJK_PARAGRAPH, _LINE_LINKS = 30, 0.2
_DECK_MIN = 50  # characters of a deck under the headline
_SENTENCE_MARK = re.compile(r"[.!?。！？]")
_GAP, _BREAK_MAX = 8, 80  # lines that end the article's run; a dated line this short
_SUBHEADINGS, _HEADING_DEPTH = frozenset({"h2", "h3", "h4", "h5", "h6"}), 3
_DATED = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_POSTS, _POST_MIN_TEXT = 3, 100  # look-alike text containers that make a page a list of posts
_MIN_OWN_TEXT = 10
# A paragraph scores for the element holding the paragraphs, a text cell for itself.
_PARAGRAPHISH = frozenset({"p", "span", "font", "b", "strong", "em", "i", "u", "li", "h1", "h2",
                           "h3", "h4", "h5", "h6", "section"})


def read_page(root: Selector) -> tuple[list[Line], TextStats]:
    """The page's lines and its text statistics, in one walk."""
    stats = TextStats()
    return page_lines(root, stats), stats


class Blocks(list[etree._Element]):
    """The article's blocks in page order; ``post`` when they are the first of several
    look-alike posts (a blog or forum page), whose other posts are not its text."""

    post: bool = False


def article_blocks(body: etree._Element, title: str | None, stats: TextStats) -> Blocks:
    """The densest element and the siblings that continue it (a lead paragraph in a block of
    its own, an article split over several containers), in page order."""
    furniture = furniture_test(body, stats)
    scores = _scores(body, stats, furniture)
    if not scores:
        return Blocks()
    best = densest(scores, title, stats, furniture)
    post = first_post(best, stats)
    if post is not best:  # one of several posts: its look-alike siblings are other posts
        blocks = Blocks([post])
        blocks.post = True
        return blocks
    return Blocks(_with_siblings(best, scores, stats))


def furniture_test(body: etree._Element, stats: TextStats
                   ) -> Callable[[etree._Element], bool]:
    """Is an element page furniture, or inside furniture: a box whose class or id names
    comments, a sidebar, a footer, a menu… (readability's hints), or an ``<aside>``, ``<nav>``,
    ``<footer>``; never a box holding half the page's text (a misnamed wrapper such as
    ``content-sidebar-wrap``). Readability drops such boxes before it scores; a paragraph in a
    sidebar's teaser is then no candidate, however dense."""
    half = stats.chars.get(body, 0) / 2
    verdicts: dict[etree._Element, bool] = {body: False}

    def test(element: etree._Element) -> bool:
        path = []
        while element is not None and element not in verdicts:
            path.append(element)
            element = element.getparent()
        verdict = element is not None and verdicts[element]
        for step in reversed(path):  # from the known ancestor down
            verdict = verdict or ((step.tag in _FURNITURE_TAGS or class_weight(step) < 1)
                                  and stats.chars.get(step, 0) < half)
            verdicts[step] = verdict
        return verdict
    return test


def _scores(body: etree._Element, stats: TextStats,
            furniture: Callable[[etree._Element], bool] | None = None
            ) -> dict[etree._Element, float]:
    """Each text block scores by its punctuation and length, for the element holding it and,
    halved, for that element's parent."""
    scores: dict[etree._Element, float] = defaultdict(float)
    hints: dict[etree._Element, float] = {}
    for element in body.iter():  # page order: of two equal blocks the first wins
        if element not in stats.own:
            continue
        chars, punct = stats.own[element]
        tag = element.tag.lower()
        if chars < _MIN_OWN_TEXT or tag == "a":
            continue
        score = 1 + punct + min(chars / 100, 3)
        holder = element.getparent() if tag in _PARAGRAPHISH else element
        if holder is None:
            continue
        scores[holder] += score
        if holder not in hints:
            hints[holder] = _FURNITURE if furniture is not None and furniture(holder) \
                else class_weight(holder)
        unlikely = hints[holder] < 1  # comments add nothing to the page around them
        if (parent := holder.getparent()) is not None and not unlikely:
            scores[parent] += score / 2
    return scores


def densest(scores: dict[etree._Element, float], title: str | None, stats: TextStats,
            furniture: Callable[[etree._Element], bool] | None = None) -> etree._Element:
    """The element holding most sentence text outside links, outside page furniture."""
    def weight(element: etree._Element) -> float:
        weight = scores[element] * (1 - stats.link_density(element))
        hint = _FURNITURE if furniture is not None and furniture(element) \
            else class_weight(element)
        if hint < 1:  # comments quote the headline too: no bonus for standing near it
            return weight * hint
        # standing by the headline counts for a block with text of its own, not for the
        # headline's own block
        near = title and stats.chars.get(element, 0) >= _BEYOND_TITLE * len(title) \
            and _near_title(element, title)
        return weight * hint * (2 if near else 1)

    leaders = sorted(scores, key=scores.__getitem__, reverse=True)[:_CANDIDATES]
    return max(leaders, key=weight)


def _with_siblings(best: etree._Element, scores: dict[etree._Element, float],
                   stats: TextStats) -> list[etree._Element]:
    """Readability's sibling rule: a sibling scoring a fifth of the best (more easily when it
    shares its class), or a block that reads as a paragraph of sentences with few links,
    continues the article; a sibling with a heading of its own is another story."""
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(_SIBLING_MIN, scores[best] * _SIBLING_SHARE)
    return [sibling for sibling in parent if sibling is best or isinstance(sibling.tag, str)
            and _continues(sibling, best, scores, stats, threshold)]


def _continues(sibling: etree._Element, best: etree._Element,
               scores: dict[etree._Element, float], stats: TextStats, threshold: float) -> bool:
    chars = stats.chars.get(sibling, 0)
    links = stats.link_density(sibling)
    if not chars or links >= _SIBLING_LINKS:  # cheap refusals first: a page of 100k links
        return False
    tag = sibling.tag.lower()
    if tag in SKIP_TAGS or class_weight(sibling) < 1 or _has_heading(sibling):
        return False
    same_class = bool(sibling.get("class")) and sibling.get("class") == best.get("class")
    bonus = scores[best] * _SIBLING_SHARE if same_class else 0
    blocks = sum(1 for _ in sibling.iter(*BLOCK_TAGS)) or 1
    if scores.get(sibling, 0) + bonus >= threshold \
            and chars / blocks >= _SIBLING_BLOCK_CHARS:
        return True  # (a sidebar's many short blocks, lists of links and dates, do not)
    # a paragraph, or a block holding one or two (a lead, an intro: not a sidebar's lists)
    # that reads as sentences
    if chars >= _PARAGRAPH_MIN and stats.punct.get(sibling, 0) and links < _PARAGRAPH_LINKS \
            and blocks <= _PARAGRAPH_BLOCKS:
        return True
    return tag in _PARAGRAPHISH and links == 0 \
        and head_text(sibling, _PARAGRAPH_MIN + 1).rstrip()[-1:] in ".。!?！？"


def _has_heading(element: etree._Element) -> bool:
    return any(True for _ in element.iter("h1", "h2", "h3"))


def first_post(best: etree._Element, stats: TextStats) -> etree._Element:
    """A blog or forum page that shows several posts in look-alike containers (same tag, same
    class, same place in the tree) is the page of its first post: the densest post may be any
    of them. (Same-class boxes elsewhere in the layout, a sidebar's, do not count.)"""
    if not best.get("class"):
        return best
    place = _tag_path(best)
    alike = [element for element in best.getroottree().iter(best.tag)
             if element.get("class") == best.get("class") and _tag_path(element) == place
             and stats.chars.get(element, 0) >= _POST_MIN_TEXT]
    return alike[0] if len(alike) >= _POSTS and alike[0] is not best else best


def _tag_path(element: etree._Element) -> tuple[str, ...]:
    """The tags from the root down to an element: its place in the tree without positions."""
    return tuple(str(ancestor.tag) for ancestor in element.iterancestors())


_FURNITURE = 0.05  # the weight of a furniture box: as good as excluded, unless nothing else
_FURNITURE_TAGS = frozenset({"aside", "nav", "footer"})
_HEADER_WORD, _HEADER_DEPTH = re.compile(r"header", re.IGNORECASE), 4


def class_weight(element: etree._Element) -> float:
    """Readability's class/id hints: comments, sidebars and footers are not the article."""
    names = element.get("class"), element.get("id")
    return _names_weight(*names) if any(names) else 1.0


@lru_cache(maxsize=4096)  # a page repeats its few class names on many elements
def _names_weight(class_: str | None, id_: str | None) -> float:
    names = " ".join(filter(None, (class_, id_)))
    if _UNLIKELY.search(names):
        return 0.05  # as good as excluded, unless nothing else holds text
    return 1.5 if _LIKELY.search(names) else 1.0


def aside_within(container: etree._Element, stats: TextStats,
                 header: frozenset[etree._Element] = frozenset()
                 ) -> Callable[[etree._Element], bool]:
    """Comment threads, comment forms and share bars that stand inside the article's container:
    left out, unless one of them holds most of the container's text (a misnamed wrapper). The
    ``header`` boxes (:func:`header_boxes`) are never asides, nor are the parts of one that
    a class names only as the header's (``article-header__lead``)."""
    total = stats.chars.get(container, 0)

    def aside(element: etree._Element) -> bool:
        return (element is not container and class_weight(element) < 1
                and stats.chars.get(element, 0) < total / 2 and element not in header
                and not (header and _header_part(element, header)))
    return aside


def _header_part(element: etree._Element, header: frozenset[etree._Element]) -> bool:
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if _UNLIKELY.search(_HEADER_WORD.sub(" ", names)):
        return False  # a share bar, a menu inside the header: an aside
    parent = element.getparent()
    for _ in range(_HEADER_DEPTH):
        if parent is None:
            return False
        if parent in header:
            return True
        parent = parent.getparent()
    return False


def header_boxes(headline: etree._Element | None, blocks: list[etree._Element]
                 ) -> frozenset[etree._Element]:
    """The boxes that hold the headline but not the article's text: the article's own header
    (``entry-header``: the lead, the byline), whatever its class says."""
    if headline is None or not blocks:
        return frozenset()
    return frozenset(headline.iterancestors()) - frozenset(blocks[0].iterancestors())


def lines_within(page: list[Line], container: etree._Element, stats: TextStats,
                 header: frozenset[etree._Element] = frozenset()) -> list[Line]:
    """The page's lines that stand in ``container``, without those in its asides: what a walk
    of the container would read, without walking it again."""
    aside = aside_within(container, stats, header)
    verdicts: dict[etree._Element | None, bool] = {container: True, None: False}
    found = []
    for line in page:  # is the line's element in the container, and in no aside?
        element = line.element
        verdict = verdicts.get(element)
        if verdict is None:
            path = []
            while element not in verdicts:
                path.append(element)
                element = element.getparent()
            verdict = verdicts[element]
            for step in reversed(path):  # from the known ancestor down
                verdict = verdict and not aside(step)
                verdicts[step] = verdict
        if verdict:
            found.append(line)
    return found


def _near_title(element: etree._Element, title: str) -> bool:
    """The block starts with the headline or follows it: the article, not the comments."""
    key = loose(title)[:12]
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    return bool(key) and (key in loose(head_text(element, 300)) or previous is not None
                          and key in loose(head_text(previous, 300)))


def head_text(element: etree._Element, size: int) -> str:
    """The first ``size`` characters of an element's text, without reading the rest."""
    text, length = [], 0
    for piece in element.itertext():
        text.append(piece)
        length += len(piece)
        if length >= size:
            break
    return "".join(text)[:size]



def main_column(blocks: list[etree._Element], stats: TextStats) -> etree._Element | None:
    """The page's main column around the article's blocks, where more of its paragraphs may
    stand (a lead above them, a second container after a picture): the highest block above
    them under <body> reached without crossing a comment thread, a sidebar or a footer."""
    column = None
    for ancestor in blocks[0].iterancestors() if blocks else ():
        checkpoint()
        if ancestor.tag in ("body", "html") or class_weight(ancestor) < 1:
            break
        column = ancestor
    return column


def around_blocks(lines: list[Line], own: set[str], title: str | None) -> list[bool]:
    """Which lines of the main column are the article's: the blocks' own lines, the lines
    between them, and the paragraphs that continue them above and below (a lead in its own
    block, an article split over containers) up to a break: the headline, a short dated line
    (the next post's header, a list of dated links), or more than ``_GAP`` other lines."""
    kept = [line.text in own for line in lines]
    if not any(kept):
        return kept
    first = kept.index(True)
    last = len(kept) - 1 - kept[::-1].index(True)
    kept[first:last + 1] = [True] * (last + 1 - first)
    key = loose(title or "")
    # the headline's line above the text: a dated line between them is the story's dateline
    headline = next((index for index in range(first - 1, max(first - 1 - _GAP, -1), -1)
                     if len(lines[index].text) >= len(key) and loose(lines[index].text) == key),
                    None) if key else None
    for step, start in ((-1, first - 1), (1, last + 1)):
        gap, index = 0, start
        while 0 <= index < len(lines) and gap <= _GAP:
            line = lines[index]
            if index == headline or _breaks(line) and not (step < 0 and headline is not None) \
                    or step > 0 and len(line.text) >= len(key) and loose(line.text) == key:
                break
            if reads_as_paragraph(line) and not is_caption(line.text):
                kept[index], gap = True, 0
            else:
                gap += 1
            index += step
    if headline is not None:  # the article's head: a deck under the headline
        kept[headline + 1] = kept[headline + 1] or _deck(lines[headline + 1])
    # a subheading right above a kept line, below the headline, is the text's
    for index in range((headline if headline is not None else first) + 1, len(lines) - 1):
        if not kept[index] and kept[index + 1] and _heading(lines[index].element):
            kept[index] = True
    return kept


def _deck(line: Line) -> bool:
    """The line right under the headline that says a sentence's worth without ending like
    one, no date, no caption, no credit: the deck (standfirst) of the story."""
    return len(line.text) >= _DECK_MIN and line.links <= _LINE_LINKS * len(line.text) \
        and not is_caption(line.text) and not has_date(line.text)


def _heading(element: etree._Element | None) -> bool:
    for _ in range(_HEADING_DEPTH):
        if element is None:
            return False
        if element.tag in _SUBHEADINGS:
            return True
        element = element.getparent()
    return False


def _breaks(line: Line) -> bool:
    """A short dated line, or a related-stories heading: what follows is no longer the
    story's."""
    return len(line.text) <= _BREAK_MAX and bool(_DATED.search(line.text)) \
        or related_heading(line.text)


def reads_as_paragraph(line: Line) -> bool:
    """A line of sentences: long enough for its script (a Chinese line says in 30 characters
    what a Latin one says in 80), with a sentence mark and few links."""
    text = line.text
    cjk = len(HAN_CHAR.findall(text)) > len(text) / 3
    return (len(text) >= (_CJK_PARAGRAPH if cjk else _PARAGRAPH_MIN)
            and bool(_SENTENCE_MARK.search(text)) and line.links <= _LINE_LINKS * len(text))
