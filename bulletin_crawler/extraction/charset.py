"""Text of a fetched page that its charset declaration may be lying about.

District servers send GBK bytes labelled ``charset=utf-8`` and UTF-8 bytes under a copied
``<meta charset=gb2312>``. Decoding by the label alone stores replacement characters (GBK read
as UTF-8) or mojibake (UTF-8 read as GBK, which seldom fails outright). The rule: a codec must
read the bytes cleanly. Valid UTF-8 with non-ASCII text is UTF-8 (GBK text is practically never
valid UTF-8); otherwise the site file's codec, the declared one, then GB18030 (the superset of
GB2312/GBK) are tried strictly, and cp1252 for a page that declares nothing. Old GBK pages carry a few broken bytes: up to
:data:`TOLERATED_ERRORS` undecodable characters (or one in 2,000 bytes) are dropped; more than
that, and the page is refused as :class:`BadEncoding` rather than stored garbled.
"""

from __future__ import annotations

import codecs

from bulletin_crawler.extraction.html import ExtractionError

TOLERATED_ERRORS = 3


class BadEncoding(ExtractionError):
    """No codec reads the page without garbling it."""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    # GB2312 and GBK pages use GB18030's characters; reading them as the subset loses text.
    return "gb18030" if found in ("gb2312", "gbk") else found


def decode_page(data: bytes, declared: str | None = None, forced: str | None = None
                ) -> tuple[str, str]:
    """``(text, codec)`` of a page: the first codec that reads it cleanly (see the module).
    ``forced`` is the site file's ``encoding``; ``declared`` what the server or page said."""
    if not data.isascii():
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    # Nothing declared and not GB18030: a Western page (the last resort).
    fallback = "cp1252" if not (forced or declared) else None
    candidates = dict.fromkeys(c for c in (_codec(forced), _codec(declared), "gb18030",
                                           fallback) if c)
    allowed = max(TOLERATED_ERRORS, len(data) // 2000)
    best: tuple[int, str, str] | None = None
    for name in candidates:
        text = data.decode(name, errors="replace")
        errors = text.count("\ufffd")
        if errors == 0:
            return text, name
        if best is None or errors < best[0]:
            best = (errors, text, name)
    if best is not None and best[0] <= allowed:
        return best[1].replace("\ufffd", ""), best[2]
    worst = best[0] if best else len(data)
    raise BadEncoding(f"{worst} undecodable characters under {', '.join(candidates)}")
