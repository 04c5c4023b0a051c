"""Plain-text clean-up shared by every extractor: whitespace, paragraphs, boilerplate lines."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
#: Han characters (CJK unified ideographs, extension A, compatibility ideographs), for regexes.
HAN = r"\u3400-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(rf"[{HAN}]")
# A space between two CJK characters is layout (``综 合``, justified headlines), never meaning.
_CJK_GAP = re.compile(rf"(?<=[{HAN}]) (?=[{HAN}])")

_NOT_WORD = re.compile(r"[\W_]+")
SENTENCE_END = "。！？!?…；;”」』）)"

_BOILERPLATE = re.compile(
    r"^[\[【(（]?\s*(?:打印本页|打印|关闭窗口|关闭|返回顶部|返回|收藏|分享到?|我要纠错|字号|大|中|小"
    r"|上一篇|下一篇|上一版|下一版|上一期|下一期|返回主页|标题导航|版面导航|打印本文|打印此文"
    r"|返回页首|发送给朋友|推荐给朋友|发表评论|查看评论|相关报道|相关新闻|相关阅读|展开全文"
    r"|扫一扫在手机打开当前页|在手机打开当前页|分享|推荐|评论)\s*[:：]?\s*[\]】)）]?$"
    r"|^(?:版权声明|版权所有|Copyright|©)"
    r"|^(?:分享到|扫一扫|【字体|字体：)",
    re.IGNORECASE,
)


# Short lines of page furniture in any language: advertising labels, picture credits of an
# agency or a photographer (Foto: X, AFP / X, X/Getty Images), newsletter, cookie and
# follow-us prompts.
_FURNITURE_LABEL = re.compile(
    r"^(?:advertisement|anzeige|werbung|reklama|publicidad|publicité|pubblicità|sponsored|"
    r"sponsored content|广告|推广)\s*:?$"
    r"|^(?:foto|fotos|photo|photos|bild|bilder|image|imagen|credit|credits|crédit|crédito|"
    r"zdjęcie|fot\.)\s*[:：]"
    r"|(?:getty images|shutterstock|istock|imago|picture alliance|keystone|alamy|afp|dpa|"
    r"reuters|epa|ap photo)\b.{0,30}$",
    re.IGNORECASE)
_PROMPT = re.compile(
    r"(?:newsletter|subscribe|sign up|abonnieren|s'abonner|suscríbete|inscríbase|zapisz się)"
    r".{0,80}(?:e-?mail|inbox|newsletter|correo|posteingang)"
    r"|cookies?\b.{0,80}(?:use|accept|akzept|utilis|utiliz|używamy|korzystamy|zustimm)"
    r"|(?:use|accept|akzept|utilis|utiliz|używamy|korzystamy|verwenden)\S*.{0,80}cookies?\b"
    r"|protected by recaptcha|by submitting your (?:e-?mail|information)"
    # a paywall's or an app's prompt
    r"|subscri\w*\b.{0,60}(?:full story|full article|continue reading|keep reading|read more)"
    r"|(?:full story|full article|continue reading|keep reading)\b.{0,60}subscri"
    r"|already (?:a )?(?:subscriber|member)|(?:first-time|new) subscribers"
    r"|download (?:the|our) .{0,40}\bapps?\b|sign up (?:here|now|today)\b"
    # a letters page's or a comment form's prompt
    r"|we want to hear (?:what you think|from you)|letter to the editor"
    r"|(?:pour créer des paragraphes|to create paragraphs|um absätze)"
    r"|(?:follow|folgen sie|suivez|síguenos|keep up with)\b.{0,60}"
    r"(?:twitter|facebook|instagram|linkedin|youtube|social media)",
    re.IGNORECASE)
_LABEL_MAX, _PROMPT_MAX = 60, 200
# One of these is in every line _PROMPT matches.
_PROMPT_WORDS = ("newsletter", "subscri", "sign up", "abonn", "suscr", "inscr", "zapisz", "cookie",
                 "recaptcha", "submitting", "already", "download", "hear", "letter to the editor",
                 "paragraph", "absätze", "follow", "folgen", "suivez", "síguenos", "keep up")
# A picture's caption: it closes with the picture's credit (``… | © Agency/Getty Images``,
# ``X, photo: Archives``, ``(Credit: X / Grist)``, ``… Bild: X``).
_CAPTION_CREDIT = re.compile(
    r"(?:\b(?:bild|bilder|foto|fotos|photo|photos|credit|credits|crédit|crédito|créditos|image|"
    r"imagen|zdjęcie|fot|quelle)\s*(?:[:：]|\.\.\.|…|\bvia\b)|©)\s*\S.{0,60}$"
    r"|(?:public domain|domena publiczna|dominio público|domaine public|gemeinfrei)\W{0,3}$",
    re.IGNORECASE)
_CAPTION_MAX, _CREDIT_REACH = 200, 80
_CAPTION_LABEL = re.compile(r"(?:abbildung|abb\.|figure|fig\.|grafik|gráfico|grafico|ilustración|"
                            r"illustration|rycina|ryc\.)\s*\d*\s*[:：]", re.IGNORECASE)


def clean_line(text: str) -> str:
    """One line with layout whitespace folded: full-width, no-break and zero-width spaces."""
    return _SPACES.sub(" ", text).strip()


def squeeze_cjk(text: str) -> str:
    """Labels justified with spaces (edition names such as ``综 合``) without the gaps."""
    return _CJK_GAP.sub("", clean_line(text))


def paragraphs(text: str) -> list[str]:
    """Split text into clean non-empty paragraphs, one per line."""
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


def is_boilerplate(line: str) -> bool:
    """Navigation, print/close widgets, copyright footers, advertising and picture-credit
    labels, captions, newsletter and cookie prompts: never article text."""
    return (bool(_BOILERPLATE.search(line))
            or len(line) <= _LABEL_MAX and bool(_FURNITURE_LABEL.search(line))
            or len(line) <= _PROMPT_MAX and _may_prompt(line) and bool(_PROMPT.search(line))
            or is_caption(line))


def _may_prompt(line: str) -> bool:
    """Does the line hold a word every prompt has? (The prompt patterns scan a line slowly.)"""
    lower = line.lower()
    return any(word in lower for word in _PROMPT_WORDS)


def is_caption(line: str) -> bool:
    """A picture's caption, known by the credit that closes it or the label that opens it."""
    return len(line) <= _CAPTION_MAX and bool(_CAPTION_CREDIT.search(line[-_CREDIT_REACH:])
                                              or _CAPTION_LABEL.match(line))


def drop_boilerplate(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_boilerplate(line)]


def dedupe_paragraphs(lines: list[str]) -> list[str]:
    """Drop repeated paragraphs (some ENP builds emit the whole body twice), keeping order."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if len(line) > 8 and line in seen:
            continue
        seen.add(line)
        kept.append(line)
    return kept


def ends_sentence(line: str) -> bool:
    return bool(line) and line[-1] in SENTENCE_END


def ends_statement(line: str) -> bool:
    """:func:`ends_sentence`, or a Latin full stop (which Chinese lines do not end with, but
    dates and numbered items do: ``2024.05.``)."""
    return ends_sentence(line) or line.endswith(".") and not line[-2:-1].isdigit()


def loose(text: str) -> str:
    """Letters and digits only, lower-cased: how headlines and lines are compared."""
    return _NOT_WORD.sub("", text).lower()
