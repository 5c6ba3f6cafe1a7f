"""Deterministic repair steps, model-guided repair (ScriptedBackend) and the pipeline repairer."""

from __future__ import annotations

import pytest

from codegen.backends.base import ScriptedBackend
from codegen.repair import steps
from codegen.repair.deterministic import DeterministicRepair, Outcome, make_step
from codegen.repair.excerpt import Excerpt, excerpt_for
from codegen.repair.guided import GuidedOptions, GuidedRepair, build_prompt
from codegen.repair.pipeline import PipelineRepairer
from codegen.types import Candidate, Diagnostic, GenerationRequest
from codegen.validation.tiered import TieredValidator

VALIDATOR = TieredValidator()
FIXER = DeterministicRepair(VALIDATOR)


@pytest.mark.parametrize(
    ("language", "broken", "step", "fixed"),
    [
        (
            "python",
            "Here is the code you asked for:\n```python\ndef f(x):\n    return x\n```\n",
            "strip_prose",
            "def f(x):\n    return x\n",
        ),
        ("python", "def f(a):\n    if a:\n", "close_open", "def f(a):\n    if a:\n        pass\n"),
        ("python", 'x = "abc\ny = 2\n', "close_open", 'x = "abc"\ny = 2\n'),
        (
            "python",
            "def f():\n    return 1\n  print(f())\n",
            "drop_example_usage",
            "def f():\n    return 1\n",
        ),
        (
            "python",
            "def f(a):\n    return a\n\ndef g(b):\n    x = f(b\n    y = ",
            "cut_truncated_tail",
            "def f(a):\n    return a\n\ndef g(b):\n    x = f(b)\n",
        ),
        ("javascript", "function f(a) {\n  return [a, 1\n", "close_open", None),
        (
            "c",
            "int g(int b) {\n  return g(b\n",
            "close_open",
            "int g(int b) {\n  return g(b);\n}\n",
        ),
        ("rust", "fn f(a: i32) -> i32 {\n    a + 1\n", "close_open", None),
    ],
)
def test_deterministic_steps(language: str, broken: str, step: str, fixed: str | None) -> None:
    outcome = FIXER.run(broken, language)
    assert outcome.valid
    assert outcome.steps[-1].name == step
    assert outcome.steps[-1].diff.startswith("--- a/candidate")
    if fixed is not None:
        assert outcome.code == fixed


def test_tabs_are_expanded_to_eight_columns() -> None:
    code = "def f(a):\n        if a:\n\t    return 1\n\treturn 2\n"
    check = VALIDATOR.validate(code, "python")
    assert not check.valid and "inconsistent use of tabs" in check.diagnostics[0].message
    expanded = steps.expand_tabs(code, "python")
    assert expanded.split("\n")[3] == "        return 2"
    assert VALIDATOR.validate(expanded, "python").valid


def test_dropping_a_name_is_penalised_and_said() -> None:
    before = "def f(a):\n    return a\n\ndef g(b):\n    return (b +\n"
    step = make_step("cut_truncated_tail", before, "def f(a):\n    return a\n", "python")
    assert step.penalty >= 0.5 and "dropped g" in step.note
    # The repair of that code keeps g (an empty body where its last line was cut), unpenalised.
    outcome = FIXER.run(before, "python")
    assert outcome.code == "def f(a):\n    return a\n\ndef g(b):\n    pass\n"
    assert outcome.valid and outcome.steps[-1].penalty == 0.0


def test_unrepairable_code_stays_invalid() -> None:
    outcome = FIXER.run(")))(((", "python")
    assert not outcome.valid


def test_valid_code_is_untouched() -> None:
    code = "def f(a):\n    return a\n"
    outcome = FIXER.run(code, "python")
    assert outcome.code == code and outcome.steps == ()


def _reply(code: str) -> str:
    return f"Fixed:\n```python\n{code}```\n"


def test_model_repair_is_kept_when_valid_and_names_kept() -> None:
    backend = ScriptedBackend([_reply("def add(a, b):\n    return a + b\n")])
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=2)
    report = repairer.repair_code("def add(a, b):\n    return a + * b\n", "python")
    assert report.used_model and report.outcome.valid
    assert report.outcome.steps[-1].name == "model_repair_1"
    prompt = backend.calls[0][0][-1].content
    assert "line 2" in prompt and "return a + * b" in prompt and "^" in prompt


def test_model_repair_that_drops_a_name_is_refused() -> None:
    backend = ScriptedBackend([_reply("def other():\n    return 1\n")])
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=2)
    report = repairer.repair_code("def add(a, b):\n    return a + * b\n", "python")
    assert not report.used_model and "other" not in report.outcome.code
    assert len(backend.calls) == 2  # at most R rounds
    # what is left is the deterministic cut, penalised and said to be
    assert report.outcome.steps[-1].penalty > 0
    assert "dropped 50% of the lines" in report.outcome.steps[-1].note


def test_a_round_is_one_batch_and_the_smallest_valid_change_wins() -> None:
    broken = "def add(a, b):\n    total = a + * * b\n    return total\n"
    replies = [
        _reply(broken),  # unchanged
        _reply("def add(a, b):\n    return a + b\n"),  # valid, but rewrites two lines
        _reply("def add(a, b):\n    total = a + b\n    return total\n"),  # one line
        _reply("def add(a, b):\n    total = a +\n"),  # still broken
    ]
    backend = ScriptedBackend(replies)
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=2)
    report = repairer.repair_code(broken, "python")
    assert report.used_model
    assert report.outcome.code.strip() == "def add(a, b):\n    total = a + b\n    return total"
    ((_messages, params, n),) = backend.calls
    assert n == 4 and params.greedy_first and params.temperature > 0


def test_no_model_with_zero_rounds() -> None:
    backend = ScriptedBackend([_reply("x = 1\n")])
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=0)
    assert not repairer.repair_code(")))(((\n", "python").outcome.valid
    assert backend.calls == []


def test_repairer_seam_evolves_the_candidate() -> None:
    backend = ScriptedBackend([_reply("def f():\n    return 1\n")])
    repairer = PipelineRepairer(VALIDATOR, lambda spec: backend, rounds=1)
    cand = Candidate("python-1", "python", "def f():\n    return (1\n", "", "length", 1, 1)
    fixed = repairer.repair(cand, GenerationRequest("f"), None)
    assert fixed.valid and fixed.code == "def f():\n    return (1)\n"
    assert [r.name for r in fixed.repairs] == ["close_open"]
    assert backend.calls == []


def test_prompt_marks_the_column() -> None:
    diag = Diagnostic(1, 5, 1, 5, "invalid syntax", "cpython")
    (_system, user) = build_prompt("x = = 1", "python", [diag])
    assert "    ^" in user.content and "x = = 1" in user.content
    assert GuidedOptions().rounds == 2


@pytest.mark.parametrize(
    ("language", "broken", "fixed"),
    [
        (
            "python",
            "def f(a):\n    x = (a + 1\n    return x\n",
            "def f(a):\n    x = (a + 1)\n    return x\n",
        ),
        ("python", "def f(a)\n    return a\n", "def f(a):\n    return a\n"),
        (
            "python",
            "def f(a):\n    x = a\n      return x\n",
            "def f(a):\n    x = a\n    return x\n",
        ),
        (
            "c",
            "int f(int a) {\n  int b = a\n  return b;\n}\n",
            "int f(int a) {\n  int b = a;\n  return b;\n}\n",
        ),
        # a dropped bracket mid-line: the file has one too few, put back near the error
        ("javascript", "const B = require'./b.js')\n", "const B = require('./b.js')\n"),
        (
            "javascript",
            "function toSegments hash) {\n  return hash\n}\n",
            "function toSegments (hash) {\n  return hash\n}\n",
        ),
        ("javascript", "const f = (o = }) => o\n", "const f = (o = {}) => o\n"),
        ("python", "def f(a):\n    return g a, b)\n", "def f(a):\n    return g (a, b)\n"),
        # one too many, and the checker points at it: the surplus bracket is deleted
        ("python", "def f(a):\n    return a)\n", "def f(a):\n    return a\n"),
    ],
)
def test_fix_at_error(language: str, broken: str, fixed: str) -> None:
    outcome = FIXER.run(broken, language, truncated=False)
    assert outcome.valid and outcome.code == fixed
    assert outcome.steps[-1].name == "fix_at_error"


def test_pipeline_repairs_invalid_candidates_and_times_it() -> None:
    import jsonschema

    from codegen import resources
    from codegen.assistant import Assistant
    from codegen.config import Settings
    from codegen.requests import build_request

    settings = Settings(model="scripted", repair_rounds=0)
    backend = ScriptedBackend(["```python\ndef f(x):\n    return [x,\n```"])
    result = Assistant(settings, backend=backend, interface="library").generate(
        build_request({"description": "f", "n": 1}, settings)
    )
    (cand,) = result.candidates
    assert cand.valid and cand.rank == 1
    assert [r.name for r in cand.repairs] == ["close_open"]
    assert cand.validators == ("tree-sitter", "cpython")
    assert {"validate_ms", "repair_ms"} <= set(result.timings)
    jsonschema.validate(result.to_dict(), resources.schema("result"))


def _long_python(broken_at: int | None = None) -> str:
    """30 three-line functions (90 lines); function ``broken_at`` has a syntax error."""
    parts = []
    for i in range(30):
        op = "+ *" if i == broken_at else "+"
        parts.append(f"def f{i}(x):\n    return x {op} {i}\n")
    return "\n".join(parts)


def test_a_long_file_is_repaired_through_an_excerpt_around_the_error() -> None:
    broken, fixed = _long_python(broken_at=20), _long_python()
    start = Outcome(broken, (), VALIDATOR.validate(broken, "python"))
    excerpt = excerpt_for(broken, start.validation.diagnostics)
    assert excerpt is not None and excerpt.end - excerpt.start < 40
    reply = "\n".join(fixed.split("\n")[excerpt.start : excerpt.end])
    backend = ScriptedBackend([_reply(reply + "\n")])
    outcome = GuidedRepair(VALIDATOR, lambda spec: backend).run(
        start, "python", None, None, GuidedOptions(rounds=1)
    )
    assert outcome is not None and outcome.valid and outcome.code == fixed
    prompt = backend.calls[0][0][-1].content
    first, last = excerpt.start + 1, excerpt.end
    assert f"Lines {first} to {last} of a longer Python file" in prompt
    assert "def f0(x)" not in prompt and "def f29(x)" not in prompt
    assert "return x + * 20" in prompt


def test_a_bad_splice_is_an_attempt_that_failed() -> None:
    broken = _long_python(broken_at=20)
    start = Outcome(broken, (), VALIDATOR.validate(broken, "python"))
    backend = ScriptedBackend([_reply("def f20(x):\n    return (x\n")])
    outcome = GuidedRepair(VALIDATOR, lambda spec: backend).run(
        start, "python", None, None, GuidedOptions(rounds=2)
    )
    assert outcome is None and len(backend.calls) == 2


def test_short_code_is_sent_whole() -> None:
    code = _long_python(broken_at=2).split("\n")
    short = "\n".join(code[:20])
    assert excerpt_for(short, VALIDATOR.validate(short, "python").diagnostics) is None


def test_splice_restores_the_indentation_the_model_dropped() -> None:
    body = [f"    def m{i}(self):\n        return {i}\n" for i in range(40)]
    code = "class C:\n" + "\n".join(body)
    excerpt = Excerpt(code, 10, 14)
    lines = code.split("\n")
    dedented = "\n".join(line[4:] for line in lines[10:14])
    assert excerpt.splice(dedented) == code
    assert excerpt.splice("\n".join(lines[10:14])) == code


def test_an_excerpt_starts_and_ends_between_definitions() -> None:
    broken = _long_python(broken_at=20)
    excerpt = excerpt_for(broken, VALIDATOR.validate(broken, "python").diagnostics)
    assert excerpt is not None
    lines = broken.split("\n")
    assert excerpt.text.startswith("def ") and not lines[excerpt.start - 1].strip()
    assert excerpt.end == len(lines) or not lines[excerpt.end].strip()


def test_splice_keeps_the_final_newline() -> None:
    broken = _long_python(broken_at=29)
    excerpt = excerpt_for(broken, VALIDATOR.validate(broken, "python").diagnostics)
    assert excerpt is not None and excerpt.end == len(broken.split("\n"))
    fixed = _long_python()
    answer = "\n".join(fixed.split("\n")[excerpt.start : excerpt.end]).strip("\n")
    assert excerpt.splice(answer) == fixed and fixed.endswith("\n")


def test_bracket_balance_counts_characters_not_bytes() -> None:
    broken = "const s = \"héllo wörld ünïcode\"\nconst B = require'./b.js')\n"
    outcome = FIXER.run(broken, "javascript", truncated=False)
    assert outcome.valid and outcome.code.endswith("const B = require('./b.js')\n")
    assert outcome.code.startswith('const s = "héllo wörld ünïcode"\n')
