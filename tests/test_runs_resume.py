"""Which earlier crawl a new one resumes: the newest cut short that no later finished crawl
walked again from the same day or earlier."""

from __future__ import annotations

from bulletin_crawler.extensions.runs import unfinished_runs


def run(run_id: str, status: str, finish: str | None, since: str) -> dict:
    return {"run_id": run_id, "status": status, "finish_reason": finish,
            "args": {"since": since}}


def ids(runs: list[dict]) -> list[str]:
    return [found["run_id"] for found in runs]


def test_the_last_run_cut_short_is_resumed():
    assert ids(unfinished_runs([run("b", "interrupted", None, "2020-11-30"),
                                run("a", "ok", "finished", "2020-11-01")])) == ["b"]


def test_a_later_finished_run_from_an_earlier_day_covers_it():
    assert unfinished_runs([run("b", "ok", "finished", "2020-11-01"),
                            run("a", "failed", "shutdown", "2020-11-20")]) == []


def test_a_later_run_that_covered_less_does_not():
    runs = [run("c", "ok", "finished", "2020-11-30"), run("b", "ok", "finished", "2020-11-29"),
            run("a", "interrupted", None, "2020-11-01")]
    assert ids(unfinished_runs(runs)) == ["a"]


def test_runs_cut_short_one_after_another_are_all_resumed():
    runs = [run("b", "failed", "shutdown", "2020-11-30"), run("a", "interrupted", None,
                                                             "2020-11-01")]
    assert ids(unfinished_runs(runs)) == ["b", "a"]


def test_a_running_crawl_is_neither_resumed_nor_covering():
    runs = [run("b", "running", None, "2020-11-01"), run("a", "interrupted", None, "2020-11-20")]
    assert ids(unfinished_runs(runs)) == ["a"]


def test_no_runs_nothing_to_resume():
    assert unfinished_runs([]) == []
    assert unfinished_runs([run("a", "ok", "finished", "2020-11-30")]) == []
