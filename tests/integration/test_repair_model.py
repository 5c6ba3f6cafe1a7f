"""Model-guided repair with the real small embedded model."""

from __future__ import annotations

import pytest

from codegen.backends.base import Backend
from codegen.repair.guided import GuidedOptions
from codegen.repair.pipeline import PipelineRepairer
from codegen.validation.tiered import TieredValidator

pytestmark = pytest.mark.integration


def test_real_model_repairs_what_rules_only_guess(small_backend: Backend) -> None:
    repairer = PipelineRepairer(TieredValidator(), lambda spec: small_backend, rounds=2)
    broken = "def add(a, b):\n    retrun a + b\n"
    report = repairer.repair_code(broken, "python", options=GuidedOptions(2, 96))
    outcome = report.outcome
    assert outcome.valid
    assert "def add" in outcome.code
    if report.used_model:
        assert outcome.steps[-1].name.startswith("model_repair_")
        assert "return a + b" in outcome.code
    else:  # the model failed twice: the rule-based guess stays, marked as a guess
        assert outcome.steps[-1].name == "fix_at_error" and outcome.steps[-1].penalty > 0
