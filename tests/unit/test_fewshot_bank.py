"""The few-shot bank: every registry language has enough examples and each one parses."""

from __future__ import annotations

import pytest

from codegen import languages
from codegen.parsing import parse
from codegen.prompting.examples import bank

BUILTIN = [
    "python",
    "javascript",
    "typescript",
    "java",
    "go",
    "rust",
    "c",
    "cpp",
    "csharp",
    "ruby",
    "bash",
]


def _examples() -> list[tuple[str, int]]:
    return [(lang, i) for lang in BUILTIN for i in range(len(bank(lang)))]


def test_builtin_list_matches_registry() -> None:
    assert set(BUILTIN) <= set(languages.names())


@pytest.mark.parametrize("language", BUILTIN)
def test_every_language_has_at_least_four_examples(language: str) -> None:
    examples = bank(language)
    assert len(examples) >= 4
    descriptions = [e.description for e in examples]
    assert len(set(descriptions)) == len(descriptions)
    for example in examples:
        assert example.description and example.code.strip()
        assert 5 <= len(example.code.splitlines()) <= 40


@pytest.mark.parametrize(("language", "index"), _examples())
def test_example_parses_with_tree_sitter(language: str, index: int) -> None:
    example = bank(language)[index]
    tree = parse(language, example.code)
    assert tree is not None, f"no tree-sitter grammar for {language}"
    assert tree.root_node.has_error is False, example.description


@pytest.mark.parametrize("index", range(len(bank("python"))))
def test_python_example_compiles(index: int) -> None:
    example = bank("python")[index]
    compile(example.code, f"<python example {index}>", "exec")


def test_signature_is_a_string_when_present() -> None:
    for language in BUILTIN:
        for example in bank(language):
            assert example.signature is None or isinstance(example.signature, str)
