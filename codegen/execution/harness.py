"""Run one candidate against its test items in the sandbox and collect pass/fail and outputs.

Python, JavaScript and TypeScript (stripped of its types, then the JavaScript harness)
candidates are loaded by a harness that calls each example separately (outputs recorded for
agreement between candidates) and runs each top-level test statement separately (a pass rate,
not all-or-nothing). Probe calls (``probes.py``) run last, each under a short timer and all
within a small budget; their outputs are printed on a line of their own after the results, so a
candidate that hangs on a probe keeps its test results. Java, C, C++, Rust and Go candidates
get a native harness (``native.py``): one build and one run calling the examples and probes
written in the language, each case on its own, with the request's tests as one more case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from codegen.execution import native, runners, sources
from codegen.execution.sandbox import Sandbox
from codegen.execution.testcases import ENTRY, Example, in_language, split_python_tests
from codegen.validation.names import defined_names, name_variants

MARK = "@@CODEGEN-RESULTS@@"
PROBE_MARK = "@@CODEGEN-PROBES@@"
PROBE_S = 0.25  # seconds one probe call may take
PROBE_BUDGET_S = 1.5  # seconds all probe calls of one candidate may take together


@dataclass(frozen=True)
class Outcome:
    """What running one candidate showed."""

    tests_passed: int = 0
    tests_total: int = 0
    examples_passed: int = 0
    examples_total: int = 0
    outputs: tuple[str, ...] = ()
    reason: str = ""
    test_results: tuple[bool, ...] = ()  # per counted test, in order (Python and JavaScript)
    example_results: tuple[bool, ...] = ()  # per checked example, in order
    # What each probe call returned ("raised" for any exception, "!..." when it did not end).
    probe_outputs: tuple[str, ...] = ()

    @property
    def passed(self) -> int:
        return self.tests_passed + self.examples_passed

    @property
    def total(self) -> int:
        return self.tests_total + self.examples_total


_PY_HARNESS = """
import io, json, signal, sys, time
def _cg_alarm(*_):
    raise TimeoutError("case timed out")
signal.signal(signal.SIGALRM, _cg_alarm)
_cg_items = json.loads(%(items)r)
_cg_out = sys.stdout
sys.stdout = io.StringIO()
_cg_ns = {"__name__": "candidate"}
_cg_res = []
try:
    signal.setitimer(signal.ITIMER_REAL, %(load_s)r)
    exec(compile(%(code)r, "candidate.py", "exec"), _cg_ns)
    signal.setitimer(signal.ITIMER_REAL, 0)
    _cg_err = None
except BaseException as e:
    _cg_err = "!" + type(e).__name__
for _cg_kind, _cg_a, _cg_b in _cg_items:
    if _cg_err:
        _cg_res.append([_cg_kind, False, _cg_err])
        continue
    sys.stdout = io.StringIO()
    try:
        signal.setitimer(signal.ITIMER_REAL, %(case_s)r)
        if _cg_kind == "example":
            _cg_v = eval(_cg_a, _cg_ns)
            _cg_txt = repr(_cg_v)
            try:
                _cg_ok = bool(_cg_v == eval(_cg_b, dict(_cg_ns)))
            except BaseException:
                _cg_ok = False
            _cg_res.append([_cg_kind, _cg_ok or _cg_txt == _cg_b.strip(), _cg_txt[:500]])
        else:
            exec(compile(_cg_a, "tests.py", "exec"), _cg_ns)
            if _cg_kind == "test":
                _cg_res.append([_cg_kind, True, ""])
        signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _cg_res.append([_cg_kind, False, "!" + type(e).__name__])
_cg_out.write("\\n%(mark)s" + json.dumps(_cg_res) + "\\n")
_cg_out.flush()
_cg_probe_res = []
_cg_left = %(probe_budget)r
for _cg_a in json.loads(%(probes)r):
    if _cg_err or _cg_left <= 0:
        _cg_probe_res.append("!skipped")
        continue
    sys.stdout = io.StringIO()
    _cg_t0 = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, min(%(probe_s)r, _cg_left))
        _cg_txt = repr(eval(_cg_a, _cg_ns))[:500]
    except TimeoutError:
        _cg_txt = "!timeout"
    except BaseException:
        _cg_txt = "raised"
    signal.setitimer(signal.ITIMER_REAL, 0)
    _cg_left -= time.monotonic() - _cg_t0
    _cg_probe_res.append(_cg_txt)
_cg_out.write("\\n%(probe_mark)s" + json.dumps(_cg_probe_res) + "\\n")
_cg_out.flush()
"""

_JS_HARNESS = """
;(function () {
  const _cgItems = %(items)s;
  const _cgRes = [];
  for (const [kind, a, b] of _cgItems) {
    try {
      if (kind === "example") {
        const v = eval(a);
        const txt = JSON.stringify(v);
        let ok = false;
        try { ok = txt === JSON.stringify(eval(b)); } catch (e) { ok = false; }
        _cgRes.push([kind, ok, String(txt).slice(0, 500)]);
      } else {
        eval(a);
        _cgRes.push([kind, true, ""]);
      }
    } catch (e) {
      _cgRes.push([kind, false, "!" + (e && e.name)]);
    }
  }
  process.stdout.write("\\n%(mark)s" + JSON.stringify(_cgRes) + "\\n");
  const _cgProbeRes = [];
  const _cgStart = Date.now();
  for (const a of %(probes)s) {
    if (Date.now() - _cgStart > %(probe_ms)s) { _cgProbeRes.push("!skipped"); continue; }
    try { _cgProbeRes.push(String(JSON.stringify(eval(a))).slice(0, 500)); }
    catch (e) { _cgProbeRes.push("raised"); }
  }
  process.stdout.write("\\n%(probe_mark)s" + JSON.stringify(_cgProbeRes) + "\\n");
})();
"""


def _call(language: str, ex: Example, entry: str | None) -> str | None:
    if ENTRY in ex.call and entry is None:
        return None
    call = ex.call.replace(ENTRY, entry or ENTRY)
    if language in native.LANGUAGES:
        return call if native.runnable(language, call, None if ex.probe else ex.expected) else None
    return call if language == "python" else in_language(call, language)


def _probes(language: str, examples: Sequence[Example], entry: str | None) -> list[str]:
    calls = (_call(language, ex, entry) for ex in examples if ex.probe)
    return [call for call in calls if call is not None]


_SCRIPTED = ("python", "javascript", "typescript")
_CALLEE = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*\(")


def _callee(call: str, names: set[str]) -> str:
    """``call`` calling the case-style variant of its function that ``names`` has, if the
    function itself is not there."""
    match = _CALLEE.match(call)
    if match is None or match.group(1) in names:
        return call
    found = next((v for v in name_variants(match.group(1)) if v in names), None)
    return call if found is None else call[: match.start(1)] + found + call[match.end(1) :]


def checked_examples(
    language: str, examples: Sequence[Example], entry: str | None
) -> list[tuple[str, str]]:
    """(call, expected) of each example a run checks, in the language's syntax and in order:
    ``Outcome.outputs`` and ``Outcome.example_results`` line up with it."""
    checked = []
    for ex in examples:
        call = None if ex.probe else _call(language, ex, entry)
        if call is not None:
            expected = in_language(ex.expected, language)
            checked.append((call, expected))
    return checked


def _items(
    language: str, examples: Sequence[Example], entry: str | None, tests: str
) -> list[list[str]]:
    items = [["example", call, exp] for call, exp in checked_examples(language, examples, entry)]
    if tests.strip():
        if language == "python":
            items.extend([kind, code, ""] for kind, code in split_python_tests(tests))
        else:
            items.append(["test", tests, ""])
    return items


def run_candidate(
    sandbox: Sandbox,
    language: str,
    code: str,
    examples: Sequence[Example],
    tests: str,
    entry: str | None,
) -> Outcome:
    """Run ``code`` with the examples and tests (and the probe calls among ``examples``); an
    Outcome with counts, example outputs and probe outputs."""
    if language in native.LANGUAGES and runners.supported(language):
        return _run_native(sandbox, language, code, examples, tests, entry)
    if language not in _SCRIPTED:
        return _run_program(sandbox, language, code, tests)
    if language != "python":  # a JavaScript sumSquares answers the description's sum_squares
        names = defined_names(language, code)
        examples = [replace(ex, call=_callee(ex.call, names)) for ex in examples]
    items = _items(language, examples, entry, tests)
    probes = _probes(language, examples, entry)
    if not items and not probes:
        return Outcome()
    marks = {"mark": MARK, "probe_mark": PROBE_MARK}
    if language == "python":
        room = max(1.0, sandbox.limits.wall_s - PROBE_BUDGET_S - 0.5)
        case_s = max(0.5, min(3.0, room / (len(items) + 1)))
        values = {"items": json.dumps(items), "code": code, "load_s": case_s, "case_s": case_s}
        timing = {"probe_s": PROBE_S, "probe_budget": PROBE_BUDGET_S}
        source = _PY_HARNESS % {**values, **timing, "probes": json.dumps(probes), **marks}
    else:
        values = {"items": json.dumps(items), "probes": json.dumps(probes)}
        source = code + "\n" + _JS_HARNESS % {**values, "probe_ms": PROBE_BUDGET_S * 1000, **marks}
    result = runners.run_source(sandbox, language, source)
    outcome = _parse(result.stdout, items, result.reason)
    return replace(outcome, probe_outputs=_probe_outputs(result.stdout, len(probes)))


def _probe_outputs(stdout: str, count: int) -> tuple[str, ...]:
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(PROBE_MARK)), None)
    try:
        rows = json.loads(line[len(PROBE_MARK) :]) if line else None
    except json.JSONDecodeError:
        rows = None
    if not isinstance(rows, list) or len(rows) != count:
        return ("!crash",) * count
    return tuple(str(row) for row in rows)


def _parse(stdout: str, items: list[list[str]], reason: str) -> Outcome:
    n_tests = sum(1 for kind, _, _ in items if kind == "test")
    n_examples = sum(1 for kind, _, _ in items if kind == "example")
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(MARK)), None)
    if line is None:
        why = reason or "no results (the program ended early)"
        return _crashed(n_tests, n_examples, why)
    try:
        rows = json.loads(line[len(MARK) :])
    except json.JSONDecodeError:
        return _crashed(n_tests, n_examples, "unreadable results")
    per_test = [bool(ok) for kind, ok, _ in rows if kind == "test"]
    per_test += [False] * (n_tests - len(per_test))
    tests_ok = sum(per_test)
    examples = [(ok, out) for kind, ok, out in rows if kind == "example"]
    # A failing setup statement counts against every test (it is missing from the rows).
    return Outcome(
        tests_passed=tests_ok,
        tests_total=n_tests,
        examples_passed=sum(1 for ok, _ in examples if ok),
        examples_total=n_examples,
        outputs=tuple(str(out) for _, out in examples),
        reason=reason,
        test_results=tuple(per_test[:n_tests]),
        example_results=tuple(bool(ok) for ok, _ in examples),
    )


def _crashed(n_tests: int, n_examples: int, why: str) -> Outcome:
    fails = (False,) * n_examples
    return Outcome(
        0, n_tests, 0, n_examples, ("!crash",) * n_examples, why, (False,) * n_tests, fails
    )


def _run_native(
    sandbox: Sandbox,
    language: str,
    code: str,
    examples: Sequence[Example],
    tests: str,
    entry: str | None,
) -> Outcome:
    checked = checked_examples(language, examples, entry)
    probes = _probes(language, examples, entry)
    if not checked and not probes and not tests.strip():
        return Outcome()
    room = max(1.0, sandbox.limits.wall_s - PROBE_BUDGET_S - 1.5)
    case_ms = int(1000 * max(0.5, min(3.0, room / (len(checked) + 2))))
    cases = [sources.Case("example", call, native.literal(exp), case_ms) for call, exp in checked]
    if tests.strip():
        cases.append(sources.Case("test", ms=case_ms * 2))
    cases += [sources.Case("probe", call, ms=int(PROBE_S * 1000)) for call in probes]
    planned, ran = native.run(sandbox, language, code, cases, tests, int(PROBE_BUDGET_S * 1000))
    n = len(checked)
    results = tuple(
        native.matches(c.expected, text, p.returns)
        for c, p, text in zip(cases[:n], planned[:n], ran.texts[:n], strict=True)
    )
    outputs = tuple(native.canonical(t, p.returns) for p, t in zip(planned, ran.texts, strict=True))
    test_results = (ran.texts[n] == "true",) if tests.strip() else ()
    return Outcome(
        tests_passed=sum(test_results),
        tests_total=len(test_results),
        examples_passed=sum(results),
        examples_total=n,
        outputs=outputs[:n],
        reason=ran.reason,
        test_results=test_results,
        example_results=results,
        probe_outputs=outputs[n + len(test_results) :],
    )


def _run_program(sandbox: Sandbox, language: str, code: str, tests: str) -> Outcome:
    if not tests.strip() or not runners.supported(language):
        return Outcome()
    result = runners.run_source(sandbox, language, code + "\n" + tests + "\n")
    return Outcome(int(result.ok), 1, reason=result.reason)


# What ranking and repair call to run one candidate (swapped out in their unit tests).
Executor = Callable[[Sandbox, str, str, Sequence[Example], str, str | None], Outcome]
