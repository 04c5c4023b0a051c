"""Chinese text search that both stores index the same way: overlapping character bigrams.

Chinese has no spaces, so a word index cannot find ``管城`` inside ``管城回族区``. Both stores
index every pair of neighbouring characters instead. The searched text (title, kicker, subtitle,
body) is folded (NFKC, case-folded) and cut into *runs* of letters and digits at every space and
punctuation mark; a query is cut the same way, and a document matches when every run of two or
more characters of the query is a substring of one of its runs. A run of n characters is the
phrase of its n − 1 consecutive bigrams:

- SQLite keeps the bigrams in an FTS5 table and asks for the phrase (positions must follow each
  other; a separator token between runs stops a phrase from spanning a punctuation mark);
- MongoDB keeps each document's distinct bigrams in an indexed array, asks for all of them, and
  checks the candidates' runs (bigrams present in the wrong order are rare, and weeded out).

So ``保卫战`` and ``管城`` are found wherever they stand, ``蓝天、保卫战`` needs both runs, and a
single character is no query (it would match most of the archive).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

SEARCHED_FIELDS = ("title", "kicker", "subtitle", "body")
#: Bump when the folding, the cutting or SQLite's row numbering changes: stores rebuild their
#: search index on open.
SEARCH_VERSION = 2
#: Stands between the bigrams of two runs in SQLite's token stream; never part of a run.
RUN_BREAK = "\ue000"

_RUN = re.compile(r"[^\W_]+")


class SearchQueryError(ValueError):
    """A search text with nothing to look for (no run of two characters)."""


def runs(text: str) -> list[str]:
    """Folded runs of letters and digits: ``'蓝天保卫战，２０２０年'`` → ``['蓝天保卫战', '2020年']``."""
    return _RUN.findall(unicodedata.normalize("NFKC", text).casefold())


def bigrams(run: str) -> list[str]:
    return [run[index:index + 2] for index in range(len(run) - 1)]


def searched_text(doc: dict[str, Any]) -> str:
    return "\n".join(str(doc.get(name) or "") for name in SEARCHED_FIELDS)


def query_terms(text: str) -> list[str]:
    """The runs of a search text that are searched for (two characters or more, each once)."""
    terms = list(dict.fromkeys(run for run in runs(text) if len(run) >= 2))
    if not terms:
        raise SearchQueryError(f"search {text!r}: give at least two letters or characters "
                               "next to each other (e.g. 管城)")
    return terms


def token_stream(doc: dict[str, Any]) -> str:
    """A document's bigrams as SQLite's FTS5 ``ascii`` tokenizer reads them: space-separated,
    one :data:`RUN_BREAK` between runs."""
    return f" {RUN_BREAK} ".join(" ".join(bigrams(run)) for run in runs(searched_text(doc))
                                 if len(run) >= 2)


def fts_query(terms: Iterable[str]) -> str:
    """An FTS5 query: each term is the phrase of its bigrams, all terms required."""
    return " AND ".join('"' + " ".join(bigrams(term)) + '"' for term in terms)


def distinct_bigrams(doc: dict[str, Any]) -> list[str]:
    """Every bigram of a document once: MongoDB's indexed ``search_grams``."""
    found = dict.fromkeys(gram for run in runs(searched_text(doc)) for gram in bigrams(run))
    return list(found)


def contains_terms(doc: dict[str, Any], terms: Iterable[str]) -> bool:
    """Whether every term is a substring of one of the document's runs."""
    text = RUN_BREAK.join(runs(searched_text(doc)))
    return all(term in text for term in terms)
