"""The sql and json few-shot banks: at least 4 examples, each valid for grammar and reference."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen import languages
from codegen.backends.base import ScriptedBackend
from codegen.languages import LanguageSpec
from codegen.prompting import examples
from codegen.prompting.builder import PromptBuilder
from codegen.types import GenerationRequest
from codegen.validation import antlr


@pytest.mark.parametrize("language", ["sql", "json"])
def test_bank_examples_are_valid(language: str) -> None:
    bank = examples.bank(language)
    assert len(bank) >= 4
    for example in bank:
        assert example.description
        assert antlr.validate(example.code, language) == [], example.description
        assert antlr.reference(language, example.code) == [], example.description


def test_sql_prompt_carries_the_schema_and_sql_examples(tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, due TEXT, paid INTEGER);\n")
    request = GenerationRequest(
        description="List unpaid invoices that are past due",
        languages=(LanguageSpec("sql"),),
        context=(str(schema),),
        max_tokens=200,
    )
    built = PromptBuilder(ScriptedBackend(["x"]), few_shot=2).build(request, "sql")
    text = "\n".join(m.content for m in built.messages)
    assert "CREATE TABLE invoices" in text
    assert len(built.examples) == 2
    assert all(e in examples.bank("sql") for e in built.examples)


def test_user_grammar_examples_come_from_the_registry_entry(tmp_path: Path) -> None:
    path = tmp_path / "examples.yaml"
    path.write_text("examples:\n  - description: a role\n    code: |\n      role a;\n")
    languages.register(languages.Language("rules", "rules", ".rules", examples_file=path))
    try:
        assert [e.code for e in examples.bank("rules")] == ["role a;"]
        path.write_text("examples:\n  - description: two\n    code: role b;\n")
        os.utime(path, ns=(1, 2))  # a changed file is read again
        assert [e.code for e in examples.bank("rules")] == ["role b;"]
    finally:
        languages.unregister("rules")
    assert examples.bank("rules") == ()
