"""User grammars without Java: names, clashes, missing files, the registry, no-Java error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen import languages
from codegen.errors import EXIT_TOOL, EXIT_USAGE, CodegenError, UsageError
from codegen.validation import antlr_tool, antlr_user

ACCESS = Path(__file__).resolve().parents[2] / "grammars" / "testdata" / "access"


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CODEGEN_DATA_DIR", str(tmp_path))
    yield tmp_path
    antlr_user.unregister_all()


def _req(name: str, grammar: str = "Access.g4", lexer: str | None = None) -> antlr_user.AddRequest:
    return antlr_user.AddRequest(
        grammar=ACCESS / grammar, lexer=ACCESS / lexer if lexer else None, name=name
    )


@pytest.mark.parametrize("name", ["Bad", "1x", "has space", "", "a" * 41])
def test_bad_names(data: Path, name: str) -> None:
    with pytest.raises(UsageError, match="--name"):
        antlr_user.add(_req(name))


@pytest.mark.parametrize("name", ["python", "sql", "js"])
def test_builtin_names_clash(data: Path, name: str) -> None:
    with pytest.raises(UsageError, match="clashes with the built-in language"):
        antlr_user.add(_req(name))


def test_missing_grammar_file(data: Path) -> None:
    with pytest.raises(UsageError, match="no such grammar file"):
        antlr_user.add(_req("rules", grammar="Nope.g4"))


def test_parser_grammar_needs_its_lexer(data: Path) -> None:
    with pytest.raises(UsageError, match="needs its companion"):
        antlr_user.add(_req("rules", grammar="AccessParser.g4"))


def test_without_java(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(antlr_tool.shutil, "which", lambda _name: None)
    with pytest.raises(CodegenError, match="java: not found") as info:
        antlr_user.add(_req("rules"))
    assert info.value.exit_code == EXIT_TOOL
    assert not (data / "grammars" / "rules").exists()


def test_missing_jar_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CODEGEN_ANTLR_JAR", str(tmp_path / "none.jar"))
    with pytest.raises(CodegenError, match="CODEGEN_ANTLR_JAR"):
        antlr_tool.find_jar()


def test_unknown_grammar_remove_and_list(data: Path) -> None:
    assert antlr_user.list_grammars() == []
    with pytest.raises(UsageError, match="no grammar named 'rules'") as info:
        antlr_user.remove("rules")
    assert info.value.exit_code == EXIT_USAGE


def test_stored_grammar_is_registered_and_removed(data: Path) -> None:
    folder = data / "grammars" / "fake"
    folder.mkdir(parents=True)
    manifest = {
        "name": "fake",
        "start": "top",
        "lexer_class": "FakeLexer",
        "parser_class": "FakeParser",
        "extension": ".fk",
        "sources": ["Fake.g4"],
        "rules": ["top"],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert antlr_user.register_all() == ["fake"]
    assert languages.get("fake").antlr_grammar == "fake"
    assert languages.from_extension("x.fk") is not None
    with pytest.raises(UsageError, match="cannot load"):
        antlr_user.load_classes("fake")
    antlr_user.remove("fake")
    assert languages.find("fake") is None
    assert not folder.exists()


def test_unreadable_manifest_is_skipped(data: Path) -> None:
    folder = data / "grammars" / "broken"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{not json")
    assert antlr_user.register_all() == []
