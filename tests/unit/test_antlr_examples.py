"""The sql and json few-shot banks: at least 4 examples, each valid for grammar and reference."""

from __future__ import annotations

import pytest

from codegen.prompting import examples
from codegen.validation import antlr


@pytest.mark.parametrize("language", ["sql", "json"])
def test_bank_examples_are_valid(language: str) -> None:
    bank = examples.bank(language)
    assert len(bank) >= 4
    for example in bank:
        assert example.description
        assert antlr.validate(example.code, language) == [], example.description
        assert antlr.reference(language, example.code) == [], example.description
