"""Model-guided repair with the real small embedded model."""

from __future__ import annotations

import pytest

from codegen.backends.base import Backend
from codegen.repair.deterministic import Outcome
from codegen.repair.excerpt import excerpt_for
from codegen.repair.guided import GuidedOptions, GuidedRepair
from codegen.repair.pipeline import PipelineRepairer
from codegen.validation.tiered import TieredValidator

pytestmark = pytest.mark.integration


def test_real_model_repairs_what_rules_only_guess(small_backend: Backend) -> None:
    repairer = PipelineRepairer(TieredValidator(), lambda spec: small_backend, rounds=2)
    broken = "def add(a, b):\n    retrun a + b\n"
    report = repairer.repair_code(broken, "python", options=GuidedOptions(2, 96))
    outcome = report.outcome
    # Pinned: the round's attempts are seeded (greedy first), and the 0.5B model fixes the
    # misspelt keyword in its first round, where the rules could only guess.
    assert report.used_model and outcome.valid
    assert outcome.code.strip() == "def add(a, b):\n    return a + b"
    assert [step.name for step in outcome.steps] == ["model_repair_1"]


def test_real_model_repairs_a_long_file_through_an_excerpt(small_backend: Backend) -> None:
    funcs = [f"def f{i}(x):\n    return x + {i}\n" for i in range(30)]
    funcs[20] = "def f20(x):\n    retrun x + 20\n"
    broken = "\n".join(funcs)
    validator = TieredValidator()
    start = Outcome(broken, (), validator.validate(broken, "python"))
    excerpt = excerpt_for(broken, start.validation.diagnostics)
    assert excerpt is not None  # 90 lines: the model sees about 30 of them
    outcome = GuidedRepair(validator, lambda spec: small_backend).run(
        start, "python", None, None, GuidedOptions(2, 256)
    )
    assert outcome is not None and outcome.valid
    assert "return x + 20" in outcome.code
    before, after = broken.split("\n"), outcome.code.split("\n")
    tail = len(before) - excerpt.end
    assert after[: excerpt.start] == before[: excerpt.start]  # the rest is untouched
    assert after[len(after) - tail :] == before[excerpt.end :]
