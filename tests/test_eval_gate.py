"""Extraction quality gate: pinned floors on the project's own labelled pages (and on the
development corpus beside the project), and figures identical to the workplace yardstick."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin_crawler.evaluation import Scores, evaluate, half, site_key

from .conftest import SHARED, TESTS, run_bulletin

EVAL = TESTS / "eval"
BASELINE = json.loads((EVAL / "baseline.json").read_text(encoding="utf-8"))
CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.exists() and not os.environ.get("CI"),
                                  reason="../shared/corpus is not beside the project")


def assert_floors(figures: dict[str, float | None], floors: dict[str, float]) -> None:
    below = {name: (figures[name], floor) for name, floor in floors.items()
             if figures[name] is None or figures[name] < floor}
    assert not below, f"below the floor (got, floor): {below}"


def test_own_pages_meet_their_floors():
    scores = evaluate(EVAL)
    assert scores.failures == []
    assert_floors(scores.figures(), BASELINE["eval"])


def test_multilingual_pages_meet_their_floors():
    """English, German, French, Spanish and Russian pages in common news, blog and government
    templates (navigation, share bars, comments, related links, footers)."""
    scores = evaluate(TESTS / "eval_multilingual")
    assert scores.failures == []
    assert_floors(scores.figures(), BASELINE["multilingual"])


@needs_corpus
@pytest.mark.parametrize("dataset", sorted(BASELINE["corpus"]))
def test_development_corpus_meets_its_floors(dataset):
    assert_floors(evaluate(CORPUS / dataset).figures(), BASELINE["corpus"][dataset])


def yardstick(truth: Path, predictions: Path, out: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, str(SHARED / "score.py"), "--truth", str(truth),
                             "--pred", f"ours={predictions}", "--json", str(out)],
                            capture_output=True, text=True, check=True)
    assert result.returncode == 0
    return json.loads(out.read_text())["ours"]


@needs_corpus
@pytest.mark.parametrize(("dataset", "pairs"), [
    ("zh_cwced", (("body_f1", "body_f1"), ("body_p", "body_p"), ("date", "date_acc"),
                  ("author", "author_acc"))),
    ("zh_real", (("snip_p", "snip_p"), ("snip_r", "snip_r"), ("snip_f1", "snip_f1"),
                 ("date", "date_acc"))),
    ("multilingual", (("snip_p", "snip_p"), ("snip_r", "snip_r"), ("snip_f1", "snip_f1"),
                      ("date", "date_acc"))),
])
def test_figures_match_the_yardstick(tmp_path, dataset, pairs):
    predictions = tmp_path / f"{dataset}.jsonl"
    ours = evaluate(CORPUS / dataset, predictions).figures()
    theirs = yardstick(CORPUS / dataset / "truth.jsonl", predictions, tmp_path / "score.json")
    for ours_key, their_key in pairs:
        assert ours[ours_key] == pytest.approx(theirs[their_key], abs=1e-9)


def test_bylines_are_scored_by_role():
    truth = {"id": "p", "reporters": ["张三"], "correspondents": [], "editors": ["李四"],
             "photographers": [], "authors": ["张三", "李四", "王五"]}
    scores = Scores()
    scores.add(truth, {"reporters": ["张三"], "editors": [], "correspondents": [],
                       "photographers": [], "authors": ["张三", "李四", "选稿"]})
    figures = scores.figures()
    # stored 张三, 李四, 选稿: two are credited people; found (reporters, 张三) of three pairs
    assert figures["byline_p"] == pytest.approx(2 / 3)
    assert figures["byline_r"] == pytest.approx(1 / 3)
    assert figures["reporters_p"] == figures["reporters_r"] == 1.0
    assert figures["editors_r"] == 0.0 and figures["editors_p"] is None
    assert figures["authors_r"] == 0.0  # 王五, credited without a role, not found


def test_snippets_present_and_absent():
    scores = Scores()
    scores.add({"id": "p", "with": ["甲乙", "丙丁"], "without": ["戊己", "庚辛"]},
               {"body": "甲乙 and 戊己"})
    figures = scores.figures()
    assert (figures["present"], figures["absent"]) == (0.5, 0.5)
    assert figures["snip_p"] == 0.5 and figures["snip_r"] == 0.5


def test_sites_split_into_halves_by_a_hash_of_their_domain():
    page = b"<html><head><link rel='canonical' href='https://news.example.com.cn/a/1.html'>"
    assert site_key({"id": "x", "url": "http://tech.example.com.cn/b.html"}, b"") \
        == site_key({"id": "y", "url": None}, page) == "example.com.cn"
    assert site_key({"id": "z", "url": None}, b"no links") == "z"
    assert {half(site_key({"id": str(n), "url": f"http://site{n}.org/"}, b""))
            for n in range(20)} == {"dev", "held-out"}
    assert half("example.com.cn") == half("example.com.cn")


def test_eval_command_prints_the_figures(tmp_path):
    out = run_bulletin("eval", str(EVAL), "--pred-dir", str(tmp_path), cwd=tmp_path).stdout
    header, row = out.splitlines()[:2]
    assert header.split()[:4] == ["dataset", "bodyP", "bodyR", "bodyF1"]
    assert row.startswith("eval") and "(n=6, failed=0)" in row
    assert len((tmp_path / "eval.jsonl").read_text().splitlines()) == 6


@needs_corpus
def test_eval_command_prints_snippets_and_bylines_by_role_for_one_half(tmp_path):
    out = run_bulletin("eval", str(CORPUS / "zh_real"), "--half", "dev", cwd=tmp_path).stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["dataset", "bodyP"] and "zh_real" in lines[1]
    extra = lines.index(next(line for line in lines if "snipP" in line))
    assert lines[extra].split() == ["dataset", "snipP", "snipR", "snipF1", "present", "absent",
                                    "bylineP", "bylineR"]
    assert "by role: reporters P" in lines[extra + 2]
    halves = [int(line.split("n=")[1].split(",")[0]) for half_name in ("dev", "held-out")
              for line in run_bulletin("eval", str(CORPUS / "zh_real"), "--half", half_name,
                                       cwd=tmp_path).stdout.splitlines() if "(n=" in line]
    assert sum(halves) == 29
