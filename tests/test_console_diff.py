"""What a correction changed, as the console shows it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bulletin_crawler.console.diff import revision_changes, text_diff


def test_a_changed_figure_is_marked_within_its_paragraph():
    old = "第一段，没有变化。\n游客达1.2万人次。\n第三段。"
    new = "第一段，没有变化。\n游客达1.5万人次。\n第三段。"
    shown = str(text_diff(old, new))
    assert "<del>2</del><ins>5</ins>" in shown and "第一段" in shown


def test_a_long_text_is_compared_by_paragraph():
    paragraphs = [f"第{i}段：" + "管城回族区" * 40 for i in range(500)]  # 100,000 characters
    changed = list(paragraphs)
    changed[250] = changed[250].replace("管城", "金水", 1)
    shown = str(text_diff("\n".join(paragraphs), "\n".join(changed)))
    assert "<del>管城</del><ins>金水</ins>" in shown
    assert shown.count("<del>") == 1 and len(shown) < 2_000  # the rest shortened


@given(st.text(max_size=200), st.text(max_size=200))
def test_a_change_is_marked_exactly_when_there_is_one(old, new):
    shown = str(text_diff(old, new))
    assert ("<del>" in shown or "<ins>" in shown) == (old != new)


def test_revisions_newest_change_first():
    doc = {"title": "三", "body": "c", "updated_at": "3",
           "revisions": [{"title": "一", "body": "a", "updated_at": "1"},
                         {"title": "二", "body": "a", "updated_at": "2"}]}
    changes = revision_changes(doc)
    assert [change.replaced_at for change in changes] == ["2", "1"]
    assert set(changes[0].fields) == {"title", "body"} and set(changes[1].fields) == {"title"}
