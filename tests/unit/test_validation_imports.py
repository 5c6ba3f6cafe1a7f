"""Well-known names used and never imported: found, warned of, and imported by the repairer."""

from __future__ import annotations

from codegen.assistant import Assistant
from codegen.backends.base import ScriptedBackend
from codegen.config import Settings
from codegen.repair.deterministic import DeterministicRepair
from codegen.requests import build_request
from codegen.validation.imports import add_imports, missing_imports
from codegen.validation.tiered import TieredValidator

USES_RE = "def words(s):\n    return re.findall(r'\\w+', s)\n"


def test_known_names_used_and_never_bound_are_found_at_their_first_use() -> None:
    code = "def f(xs: List[int]):\n    c = Counter(xs)\n    return Counter(c), math.sqrt(2)\n"
    found = missing_imports(code)
    assert [(m.name, m.line, m.column, m.statement) for m in found] == [
        ("List", 1, 11, "from typing import List"),
        ("Counter", 2, 9, "from collections import Counter"),
        ("math", 3, 24, "import math"),
    ]


def test_a_name_bound_anywhere_or_a_star_import_is_not_reported() -> None:
    bound = [
        "import re as re\nre.x",
        "def f(re):\n    return re.x",
        "re = 1\nprint(re)",
        "for math in []:\n    pass\nmath",
        "[re for re in []]",
        "try:\n    pass\nexcept E as re:\n    re",
        "def Counter():\n    pass\nCounter()",
        "from collections import Counter as C\nC()",
    ]
    assert [missing_imports(code) for code in bound[:-1]] == [[]] * (len(bound) - 1)
    assert missing_imports("from x import *\nre.x") == []
    assert missing_imports("def f(:\n    re.x") == []  # does not parse: not this check's job
    assert [m.name for m in missing_imports(bound[-1] + "\nCounter()")] == ["Counter"]


def test_add_imports_puts_them_first_but_after_future_imports() -> None:
    code = "from __future__ import annotations\nx = re.sub('a', 'b', string.digits)\n"
    assert add_imports(code) == (
        "from __future__ import annotations\nimport re\nimport string\n"
        "x = re.sub('a', 'b', string.digits)\n"
    )
    assert add_imports("x = 1\n") == "x = 1\n"


def test_the_validator_warns_and_the_code_stays_valid() -> None:
    validation = TieredValidator().validate(USES_RE, "python")
    assert validation.valid
    [warning] = [d for d in validation.diagnostics if d.source == "imports"]
    assert (warning.line, warning.column, warning.severity) == (2, 12, "warning")
    assert warning.message == "'re' is used but never imported (add `import re`)"


def test_the_repairer_adds_the_import_to_valid_and_to_repaired_code() -> None:
    repair = DeterministicRepair(TieredValidator())
    outcome = repair.run(USES_RE, "python")
    assert outcome.code == "import re\n" + USES_RE
    assert [s.name for s in outcome.steps] == ["add_imports"] and outcome.valid
    assert not any(d.source == "imports" for d in outcome.validation.diagnostics)
    broken = "def words(s):\n    return re.findall(r'\\w+', s\n"
    fixed = repair.run(broken, "python")
    assert fixed.valid and fixed.code.startswith("import re\n")
    assert [s.name for s in fixed.steps][-1] == "add_imports" and len(fixed.steps) == 2


def test_a_generated_candidate_gets_its_import() -> None:
    settings = Settings(model="scripted", repair_rounds=0, cache_enabled=False)
    request = build_request({"description": "split into words", "n": 1}, settings)
    backend = ScriptedBackend([f"```python\n{USES_RE}```"])
    [cand] = Assistant(settings, backend=backend, interface="library").generate(request).candidates
    assert cand.code.startswith("import re\n") and cand.valid
    assert [r.name for r in cand.repairs] == ["add_imports"]


def test_the_no_parse_shortcut_keeps_the_answers() -> None:
    assert missing_imports("def f(xs):\n    return sorted(xs)\n") == []
    # Python folds full-width letters into ASCII names: not ASCII, so it is parsed.
    [found] = missing_imports("x = \uff4d\uff41\uff54\uff48.sqrt(2)\n")
    assert (found.name, found.line, found.column) == ("math", 1, 5)
    [found] = missing_imports("def f(s):\n    return re.sub('a', 'b', s)\n")
    assert (found.name, found.line) == ("re", 2)
