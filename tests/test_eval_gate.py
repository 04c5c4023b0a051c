"""Extraction quality gate: pinned floors on the project's own labelled pages (and on the
development corpus beside the project), and figures identical to the workplace yardstick."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bulletin_crawler.evaluation import evaluate

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


@needs_corpus
def test_figures_match_the_yardstick(tmp_path):
    predictions = tmp_path / "zh_cwced.jsonl"
    ours = evaluate(CORPUS / "zh_cwced", predictions).figures()
    result = subprocess.run([sys.executable, str(SHARED / "score.py"), "--truth",
                             str(CORPUS / "zh_cwced" / "truth.jsonl"), "--pred",
                             f"ours={predictions}", "--json", str(tmp_path / "score.json")],
                            capture_output=True, text=True, check=True)
    theirs = json.loads((tmp_path / "score.json").read_text())["ours"]
    assert result.returncode == 0
    for ours_key, their_key in (("body_f1", "body_f1"), ("body_p", "body_p"),
                                ("date", "date_acc"), ("author", "author_acc")):
        assert ours[ours_key] == pytest.approx(theirs[their_key], abs=1e-9)


def test_eval_command_prints_the_figures(tmp_path):
    out = run_bulletin("eval", str(EVAL), "--pred-dir", str(tmp_path), cwd=tmp_path).stdout
    header, row = out.splitlines()[:2]
    assert header.split()[:4] == ["dataset", "bodyP", "bodyR", "bodyF1"]
    assert row.startswith("eval") and "(n=6, failed=0)" in row
    assert len((tmp_path / "eval.jsonl").read_text().splitlines()) == 6
