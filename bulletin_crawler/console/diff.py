"""What a correction changed, readable: paragraph by paragraph, then character by character
within a changed paragraph (Chinese has no word breaks), deleted text struck through, inserted
text marked, long unchanged stretches shortened."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from itertools import pairwise
from typing import Any

from markupsafe import Markup

TEXT_FIELDS = ("title", "kicker", "subtitle", "body")
CONTEXT = 40  # unchanged characters kept on each side of a change
CHAR_DIFF_LIMIT = 4_000  # a changed passage up to this long is compared character by character
COMPARED_LIMIT = 2_000_000  # texts longer than this together are not compared at all


@dataclass(frozen=True)
class Change:
    """One version replaced by the next: when, and the changed fields as marked-up diffs."""

    replaced_at: str | None
    fields: dict[str, Markup]


def revision_changes(doc: dict[str, Any]) -> list[Change]:
    """Each revision against the version that replaced it, newest change first."""
    versions = [*(doc.get("revisions") or []), doc]
    changes = []
    for older, newer in pairwise(versions):
        fields = {name: text_diff(older.get(name) or "", newer.get(name) or "")
                  for name in TEXT_FIELDS if (older.get(name) or "") != (newer.get(name) or "")}
        changes.append(Change(older.get("updated_at"), fields))
    return changes[::-1]


def text_diff(old: str, new: str) -> Markup:
    """Paragraphs are matched first, then characters within a changed passage of up to
    ``CHAR_DIFF_LIMIT`` characters: comparing whole 100,000-character texts character by
    character would take the console minutes (difflib is quadratic in the worst case)."""
    if len(old) + len(new) > COMPARED_LIMIT:
        return Markup(f'<span class="skip">too long to compare here: {len(old):,} characters '
                      f"before, {len(new):,} after</span>")
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    parts = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            parts.append(_shortened(before, first=a1 == 0, last=a2 == len(old_lines)))
        elif before and after and len(before) + len(after) <= CHAR_DIFF_LIMIT:
            parts.append(_char_diff(before, after))
        else:
            parts += [f"<del>{_shown(before)}</del>" if before else "",
                      f"<ins>{_shown(after)}</ins>" if after else ""]
    return Markup("".join(parts))


def _char_diff(old: str, new: str) -> str:
    parts = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(_shortened(old[a1:a2], first=a1 == 0, last=a2 == len(old)))
            continue
        if a2 > a1:
            parts.append(f"<del>{_shown(old[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{_shown(new[b1:b2])}</ins>")
    return "".join(parts)


def _shortened(text: str, first: bool, last: bool) -> str:
    """Unchanged text with only ``CONTEXT`` characters kept next to each change."""
    head = "" if first else text[:CONTEXT]
    tail = "" if last else text[-CONTEXT:]
    if len(text) <= len(head) + len(tail) + 10:
        return _shown(text)
    return f'{_shown(head)}<span class="skip">…</span>{_shown(tail)}'


def _shown(text: str) -> str:
    return escape(text).replace("\n", "<span class=\"nl\">¶</span><br>")
