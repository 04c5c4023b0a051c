"""Properties of the pure parsers on arbitrary input (Hypothesis): bylines, names, paragraph
repair and page-text splitting never raise, and their normalisations are idempotent."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin_crawler.extraction.bylines import ROLE_FIELDS, parse_credit
from bulletin_crawler.extraction.credits import lift_bylines, margin_credits
from bulletin_crawler.extraction.names import Evidence, is_person, normalise_name
from bulletin_crawler.extraction.pagetext import repair_columns, split_page_text
from bulletin_crawler.extraction.tails import cut_tail
from bulletin_crawler.extraction.text import clean_line, ends_sentence

# Text made of the pieces credits and stories are made of, so the parsers meet their own
# grammar often, and arbitrary text besides.
PIECES = st.sampled_from([
    "记者", "本报记者", "通讯员", "编辑", "责任编辑", "摄", "文/图", "作者", "来源", "：", ":", " ",
    "、", "（", "）", "【", "】", "/", "张三", "李四", "欧阳娜娜", "王", "本报讯", "电", "讯", "发自北京",
    "报道", "。", "，", "区水利局", "2020-11-30", "11月30日", "By", "Jane Porter", "\n", "丨",
])
CREDITISH = st.lists(PIECES, max_size=12).map("".join)
TEXT = st.one_of(st.text(max_size=80), CREDITISH)


@settings(max_examples=400)
@given(TEXT, st.sampled_from([None, "authors", "reporters"]))
def test_parse_credit_never_raises_and_names_pass_the_name_check(text, bare):
    credit = parse_credit(text, bare=bare)
    if credit is None:
        return
    for name in credit.authors:
        assert name == normalise_name(name) and name.strip()
        assert is_person(name, Evidence.LABELLED)
    for role in ROLE_FIELDS:
        assert set(getattr(credit, role)) <= set(credit.authors)


@settings(max_examples=300)
@given(st.lists(TEXT, max_size=8))
def test_lifting_credits_never_raises_and_only_removes_or_shortens_lines(lines):
    kept, byline = lift_bylines(lines)
    assert len(kept) <= len(lines) + 1  # (a bracket split over two lines becomes one)
    assert all(line for line in kept)
    margin_credits(lines, under_headline=True)
    assert set(byline.reporters) <= set(byline.authors)


@given(st.text())
def test_name_and_line_normalisation_is_idempotent(text):
    assert normalise_name(normalise_name(text)) == normalise_name(text)
    assert clean_line(clean_line(text)) == clean_line(text)
    is_person(normalise_name(text))


@given(st.lists(st.one_of(st.text(max_size=40), CREDITISH), max_size=10))
def test_repairing_columns_never_raises_keeps_the_text_and_is_idempotent(paragraphs):
    repaired = repair_columns(paragraphs)
    assert "".join(repaired) == "".join(paragraphs) or sorted("".join(repaired)) == sorted(
        "".join(paragraphs))  # paragraphs are joined (or moved up to join), never altered
    assert repair_columns(repaired) == repaired
    assert all(ends_sentence(p) for p in repaired[:-1])


@settings(max_examples=200)
@given(st.lists(st.one_of(st.text(max_size=60), CREDITISH,
                          st.just("本报讯（记者 张三）昨日，区里召开会议。")), max_size=10))
def test_splitting_page_text_never_raises(blocks):
    for article in split_page_text("\n\n".join(blocks), date(2020, 11, 30)):
        assert article.title is None or article.title.strip()


@given(st.lists(TEXT, max_size=10))
def test_the_tail_cut_only_removes_lines_and_is_idempotent(lines):
    kept = cut_tail(lines)
    assert all(line in lines for line in kept)
    assert cut_tail(kept) == kept
