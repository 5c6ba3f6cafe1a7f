"""The evidence ranker: decisive fixtures for consensus, tests, repairs, ties and examples."""

from __future__ import annotations

from collections.abc import Sequence

from codegen.execution.harness import Outcome
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import Example
from codegen.ranking import consensus
from codegen.ranking.scorer import EvidenceRanker, Weights
from codegen.types import Candidate, GenerationRequest, RepairStep


def cand(k: int, code: str, logprob: float | None = -0.5, valid: bool = True) -> Candidate:
    return Candidate(
        id=f"python-{k}",
        language="python",
        code=code,
        raw_text=code,
        finish_reason="stop",
        prompt_tokens=10,
        completion_tokens=20,
        mean_logprob=logprob,
        valid=valid,
    )


AGREE = [
    "def add(a, b):\n    return a + b\n",
    "def add(x, y):\n    # sum them\n    return x + y\n",
    "def add(first, second):\n    return first + second\n",
]
OUTLIER = (
    "def add(a, b):\n    result = 0\n    for _ in range(b):\n        result += 1\n"
    "    while result > a:\n        result -= 2\n    return [result, a, b]\n"
)


def test_outlier_among_agreeing_candidates_ranks_last() -> None:
    cands = [cand(1, OUTLIER, logprob=-0.3)] + [
        cand(k, code, logprob=-0.35) for k, code in enumerate(AGREE, 2)
    ]
    ranked = EvidenceRanker().rank(cands, GenerationRequest("add two numbers"))
    assert ranked[-1].id == "python-1"
    assert [c.rank for c in ranked] == [1, 2, 3, 4]
    assert ranked[0].score_parts["consensus"] > ranked[-1].score_parts["consensus"]


def test_identifier_and_comment_changes_do_not_change_the_token_stream() -> None:
    assert consensus.tokens("python", AGREE[0]) == consensus.tokens("python", AGREE[1])
    assert consensus.tokens("python", AGREE[0]) != consensus.tokens("python", OUTLIER)


def test_passing_candidate_beats_higher_logprob_failing_one_in_the_sandbox() -> None:
    wrong = cand(1, "def double(x):\n    return x + 2\n", logprob=-0.05)
    right = cand(2, "def double(x):\n    return x * 2\n", logprob=-1.5)
    request = GenerationRequest(
        "double a number",
        exec=True,
        tests={"python": "assert double(3) == 6\nassert double(0) == 0"},
    )
    ranked = EvidenceRanker().rank([wrong, right], request)
    assert ranked[0].id == "python-2"
    assert ranked[0].score_parts["tests"] == 1.0
    assert ranked[1].score_parts["tests"] == 0.0  # x + 2 fails both asserts
    assert ranked[0].score is not None and ranked[1].score is not None
    assert ranked[0].score > ranked[1].score


def test_examples_in_the_description_are_run_and_outputs_compared() -> None:
    description = "Return the square.\n>>> square(3)\n9\nsquare(4) -> 16"
    good = [cand(k, f"def square(n{k}):\n    return n{k} ** 2\n", -0.9) for k in (1, 2)]
    bad = cand(3, "def square(n):\n    return n + 3\n", logprob=-0.1)
    ranked = EvidenceRanker().rank([bad, *good], GenerationRequest(description, exec=True))
    assert ranked[-1].id == "python-3"
    assert ranked[-1].score_parts["tests"] == 0.0
    assert ranked[0].score_parts["agreement"] == 0.5  # agrees with one of two others


def fake_executor(results: dict[str, Outcome], ran: list[str] | None = None) -> object:
    def run(
        sandbox: Sandbox, lang: str, code: str, ex: Sequence[Example], tests: str, entry: str | None
    ) -> Outcome:
        if ran is not None:
            ran.append(code)
        return results[code]

    return run


def test_output_agreement_outweighs_text_similarity() -> None:
    a = cand(1, "def f(x):\n    return x\n", logprob=-0.5)
    b = cand(2, "def f(x):\n    return abs(x)\n", logprob=-0.5)
    c = cand(3, "def f(x):\n    return x if x > 0 else -x\n", logprob=-0.5)
    outcomes = {
        a.code: Outcome(outputs=("1", "-1")),
        b.code: Outcome(outputs=("1", "1")),
        c.code: Outcome(outputs=("1", "1")),
    }
    ranker = EvidenceRanker(execute=fake_executor(outcomes))  # type: ignore[arg-type]
    ranked = ranker.rank([a, b, c], GenerationRequest("f(1) -> 1", exec=True))
    assert ranked[-1].id == "python-1"


def test_ranking_again_runs_only_the_code_that_changed() -> None:
    old = cand(1, "def f(x):\n    return -x\n")
    same = cand(2, "def f(x):\n    return x\n")
    twin = cand(3, same.code)
    new = cand(1, "def f(x):\n    return abs(x)\n")
    outcomes = {old.code: Outcome(outputs=("-1",)), same.code: Outcome(outputs=("1",))}
    outcomes[new.code] = outcomes[same.code]
    ran: list[str] = []
    ranker = EvidenceRanker(execute=fake_executor(outcomes, ran))  # type: ignore[arg-type]
    request = GenerationRequest("f(1) -> 1", exec=True)
    ranker.rank([old, same, twin], request)
    assert sorted(ran) == sorted([old.code, same.code])  # the twin shares its twin's run
    ranked = ranker.rank([new, same, twin], request)
    assert sorted(ran) == sorted([old.code, same.code, new.code])
    assert {c.score_parts["agreement"] for c in ranked} == {1.0}  # not the old code's outcome
    ranker.rank([old, same], GenerationRequest("f(2) -> 2", exec=True))
    assert len(ran) == 5  # other examples: both run again


def test_repair_penalty_and_deterministic_ties() -> None:
    same = "def g():\n    return 1\n"
    repaired = cand(1, same).evolve(repairs=(RepairStep("close_paren", "diff"),))
    plain = [cand(k, same) for k in (3, 2)]
    ranked = EvidenceRanker().rank([repaired, *plain], GenerationRequest("g"))
    assert [c.id for c in ranked] == ["python-2", "python-3", "python-1"]
    assert ranked[-1].score_parts["repair_penalty"] == 0.1


def test_invalid_candidates_come_last_without_rank_and_weights_apply() -> None:
    bad = cand(1, "def (:", logprob=-0.01, valid=False)
    ok = cand(2, "def h():\n    return 2\n", logprob=-3.0)
    ranked = EvidenceRanker(Weights(logprob=2.0)).rank([bad, ok], GenerationRequest("h"))
    assert [(c.id, c.rank) for c in ranked] == [("python-2", 1), ("python-1", None)]
    assert ranked[1].score is None


def test_no_valid_candidate_gives_no_ranks() -> None:
    bad = [cand(k, "def (:", valid=False) for k in (1, 2)]
    ranked = EvidenceRanker().rank(bad, GenerationRequest("x", exec=True))
    assert [c.rank for c in ranked] == [None, None]


def test_a_hanging_test_fails_that_candidate_only() -> None:
    hangs = cand(1, "def half(x):\n    while True:\n        pass\n", logprob=-0.01)
    works = cand(2, "def half(x):\n    return x // 2\n", logprob=-2.0)
    request = GenerationRequest(
        "halve", exec=True, tests={"python": "assert half(4) == 2\nassert half(9) == 4"}
    )
    ranked = EvidenceRanker().rank([hangs, works], request)
    assert [c.id for c in ranked] == ["python-2", "python-1"]
    assert ranked[1].score_parts["tests"] == 0.0
    assert ranked[0].score_parts["tests"] == 1.0


def test_compiling_ranks_before_unknown_before_not_compiling_whatever_the_score() -> None:
    code = "def k():\n    return 3\n"
    likely = cand(1, code, logprob=-0.01).evolve(compiles=False)
    unknown = cand(2, code, logprob=-1.0)
    unlikely = cand(3, "def k():\n    x = 3\n    return x\n", logprob=-5.0).evolve(compiles=True)
    ranked = EvidenceRanker().rank([likely, unknown, unlikely], GenerationRequest("k"))
    assert [c.id for c in ranked] == ["python-3", "python-2", "python-1"]
    assert ranked[0].score is not None and ranked[2].score is not None
    assert ranked[2].score > ranked[0].score  # the order is not the score's
    parts = {c.id: c.score_parts.get("compiles") for c in ranked}
    assert parts == {"python-3": 1.0, "python-2": None, "python-1": 0.0}


def test_robustness_counts_only_contested_probe_calls() -> None:
    outs = [("[]", "1", "!skipped"), ("!panic", "1", "2"), ("raised", "1", "!timeout")]
    assert consensus.robustness(outs) == [1.0, 0.5, 0.0]  # contested: calls 1 and 3
    assert consensus.robustness([("raised", "1"), ("raised", "2")]) == [None, None]


def test_the_candidate_that_survives_an_edge_case_the_others_crash_on_ranks_first() -> None:
    """Two candidates index nums[0] and panic on the empty list, one returns []: agreement
    cannot tell them apart there (the survivor agrees with nobody), robustness can."""
    crash_a = cand(1, "def f(v):\n    return v[:1] + v[1:]\n", logprob=-0.2)
    crash_b = cand(2, "def f(v):\n    return [v[0]] + v[1:]\n", logprob=-0.2)
    survivor = cand(3, "def f(v):\n    return list(v)\n", logprob=-0.4)
    probes = ("[1, 2]", "[3]")
    outcomes = {
        crash_a.code: Outcome(probe_outputs=(*probes, "!panic")),
        crash_b.code: Outcome(probe_outputs=(*probes, "!panic")),
        survivor.code: Outcome(probe_outputs=(*probes, "[]")),
    }
    ranker = EvidenceRanker(execute=fake_executor(outcomes))  # type: ignore[arg-type]
    ranked = ranker.rank([crash_a, crash_b, survivor], GenerationRequest("f", exec=True))
    assert ranked[0].id == "python-3"
    assert ranked[0].score_parts["robust"] == 1.0 and ranked[1].score_parts["robust"] == 0.0
    no_robust = EvidenceRanker(Weights(robust=0.0), execute=fake_executor(outcomes))  # type: ignore[arg-type]
    assert (
        no_robust.rank([crash_a, crash_b, survivor], GenerationRequest("f", exec=True))[0].id
        != "python-3"
    )


def test_surviving_by_answering_wrongly_elsewhere_earns_no_robustness() -> None:
    """largest([]): max() raises in two candidates; the third returns 0 there, but also for
    every one-element list, where the others agree on the element: it gets no credit."""
    outs = [("9", "5", "raised"), ("9", "5", "raised"), ("9", "0", "0"), ("9", "5", "None")]
    assert consensus.robustness(outs) == [0.0, 0.0, 0.0, 1.0]


def test_no_robustness_without_an_uncontested_input_that_shows_the_usual_value() -> None:
    """mask_email on probe strings without an '@': three candidates reject every one (as the
    description allows), the fourth returns something: nothing shows it right, no credit."""
    outs = [("raised", "raised"), ("raised", "raised"), ("raised", "raised"), ("a", "b")]
    assert consensus.robustness(outs) == [None, None, None, None]
    split = [("raised", "1"), ("raised", "2"), ("x", "3")]  # no most common value anywhere
    assert consensus.robustness(split) == [None, None, None]


def test_a_candidate_that_fails_everywhere_contests_nothing() -> None:
    """One candidate does not build (every output a failure): the others' edge case still
    counts, and that candidate gets 0."""
    outs = [("1", "2", "!panic"), ("1", "2", "[]"), ("!crash", "!crash", "!crash")]
    assert consensus.robustness(outs) == [0.0, 1.0, 0.0]
    assert consensus.robustness([("1", "2"), ("1", "2"), ("!crash", "!crash")]) == [None] * 3


def test_probes_outside_the_bounds_the_description_states_are_not_run() -> None:
    code = "def window(nums: list[int], k: int) -> int:\n    return sum(nums[:k])\n"
    seen: list[tuple[str, ...]] = []

    def run(
        sandbox: Sandbox, lang: str, code: str, ex: Sequence[Example], tests: str, entry: str | None
    ) -> Outcome:
        seen.append(tuple(e.call for e in ex if e.probe))
        return Outcome()

    task = (
        "Sum the first k items, where 1 <= k <= the length of the list.\nwindow([4, 5, 6], 2) -> 9"
    )
    request = GenerationRequest(task, exec=True)
    EvidenceRanker(execute=run).rank([cand(1, code), cand(2, code + "\n")], request)  # type: ignore[arg-type]
    probes = seen[0]
    assert probes and "window([4, 5, 6], 0)" not in probes and "window([4, 5, 6], -2)" not in probes
    assert "window([4, 5, 6], 3)" in probes and "window([], 2)" not in probes


def test_an_example_no_candidate_can_take_is_not_counted() -> None:
    """Every candidate's declaration rejects the second example (``!signature``): it is left
    out of the tests, so the candidates pass what they can be checked on and none is sent to
    a repair round for it; one candidate's own ``!signature`` still fails it."""
    a = cand(1, "def f(x):\n    return x\n")
    b = cand(2, "def f(x):\n    return x \n")
    outcomes = {
        a.code: Outcome(0, 0, 1, 2, ("1", "!signature"), example_results=(True, False)),
        b.code: Outcome(0, 0, 1, 2, ("1", "!signature"), example_results=(True, False)),
    }
    ranker = EvidenceRanker(execute=fake_executor(outcomes), probes=0)  # type: ignore[arg-type]
    ranked = ranker.rank([a, b], GenerationRequest("f(1) -> 1", exec=True))
    assert [c.score_parts["tests_total"] for c in ranked] == [1.0, 1.0]
    assert all(c.score_parts["tests"] == 1.0 for c in ranked)
    outcomes[b.code] = Outcome(
        0, 0, 0, 2, ("!signature", "!signature"), example_results=(False, False)
    )
    ranker = EvidenceRanker(execute=fake_executor(outcomes), probes=0)  # type: ignore[arg-type]
    ranked = ranker.rank([a, b], GenerationRequest("f(1) -> 1", exec=True))
    parts = {c.id: c.score_parts for c in ranked}
    assert parts["python-1"]["tests"] == 1.0 and parts["python-2"]["tests"] == 0.0


def test_candidates_run_two_at_a_time_with_the_same_ranking() -> None:
    """Each distinct code runs once, ``workers`` at a time; the ranking is the one-by-one one."""
    import threading
    import time

    codes = [f"def f(x):\n    return x + {k % 3}\n" for k in range(5)]  # 3 distinct codes
    outcomes = {code: Outcome(outputs=(str(1 + k % 3),)) for k, code in enumerate(codes)}
    lock = threading.Lock()
    live: list[int] = [0, 0]  # now, most at once
    ran: list[str] = []

    def run(sandbox: Sandbox, lang: str, code: str, *rest: object) -> Outcome:
        with lock:
            ran.append(code)
            live[0] += 1
            live[1] = max(live)
        time.sleep(0.05)
        with lock:
            live[0] -= 1
        return outcomes[code]

    cands = [cand(k, code) for k, code in enumerate(codes, 1)]
    request = GenerationRequest("f(0) -> 1", exec=True)
    both = EvidenceRanker(execute=run, workers=2).rank(cands, request)  # type: ignore[arg-type]
    assert live[1] == 2 and sorted(ran) == sorted(set(codes))
    alone = EvidenceRanker(execute=run, workers=1).rank(cands, request)  # type: ignore[arg-type]
    assert [(c.id, c.score_parts) for c in both] == [(c.id, c.score_parts) for c in alone]
