"""`codegen grammar add|list|remove` end to end: real Java, real ANTLR, real processes, and a
generation by the real small model whose candidates are checked against the user's grammar."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import languages
from codegen.config import Settings
from codegen.prompting import examples
from codegen.validation import antlr, antlr_user

REPO = Path(__file__).resolve().parents[2]
ACCESS = REPO / "grammars" / "testdata" / "access"
QUOTA = REPO / "grammars" / "testdata" / "quota"


def _codegen(data: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CODEGEN_DATA_DIR": str(data), "NO_COLOR": "1"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO,
    )


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CODEGEN_DATA_DIR", str(tmp_path))
    yield tmp_path
    antlr_user.unregister_all()


def test_add_generate_check_remove(
    data: Path, small_backend: Any, small_settings: Settings
) -> None:
    added = _codegen(
        data,
        "grammar", "add", str(ACCESS / "Access.g4"), "--name", "access",
        "--start", "policy", "--examples", str(ACCESS / "examples.yaml"), "--extension", "acl",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "added grammar 'access'" in added.stdout
    assert "decoding of access is constrained to the grammar" in added.stdout
    listed = json.loads(_codegen(data, "grammar", "list", "--json").stdout)
    assert [
        (g["name"], g["start"], g["extension"], g["constrained"]) for g in listed["grammars"]
    ] == [("access", "policy", ".acl", True)]

    antlr_user.register_all()
    lang = languages.get("access")
    assert lang.antlr_grammar == "access"
    assert languages.from_extension("team.acl") is lang
    assert len(examples.bank("access")) == 4
    assert antlr.validate('role a;\nallow a to read on "x";', "access") == []
    bad = antlr.validate('allow a to fly on "x";', "access")
    assert bad and (bad[0].line, bad[0].column) == (1, 12)
    assert "'read'" in bad[0].message

    _generate_and_check(small_backend, small_settings)

    removed = _codegen(data, "grammar", "remove", "access")
    assert removed.returncode == 0, removed.stderr
    assert "no grammars added" in _codegen(data, "grammar", "list").stdout
    gone = _codegen(data, "gen", "x", "-l", "access")
    assert gone.returncode == 2 and "unknown language 'access'" in gone.stderr


def _generate(backend: Any, settings: Settings, language: str, description: str) -> Any:
    from codegen.assistant import Assistant
    from codegen.requests import build_request

    request = build_request(
        {"description": description, "languages": [language], "n": 1, "max_tokens": 96},
        settings,
    )
    return Assistant(settings, backend=backend, interface="library").generate(request)


def _generate_and_check(backend: Any, settings: Settings) -> None:
    """Decoding is constrained to the converted grammar (auto): the greedy candidate parses
    before any repair; the tiered validator agrees with the ANTLR parser."""
    from codegen.validation.tiered import TieredValidator

    description = "Define a manager role and let managers read and write reports"
    result = _generate(backend, settings, "access", description)
    candidates = result.for_language("access")
    assert len(candidates) == 1
    assert candidates[0].constrained and candidates[0].valid and not candidates[0].repairs
    validator = TieredValidator(use_reference=False)
    for cand in candidates:
        assert cand.code.strip()
        expected = antlr.validate(cand.code, "access")
        checked = validator.validate(cand.code, "access")
        assert "antlr" in checked.validators
        assert checked.valid == (expected == []), (cand.code, expected)
        assert cand.valid == checked.valid, cand.code


def test_a_grammar_with_a_predicate_warns_once_and_falls_back_to_repair(
    data: Path, small_backend: Any, small_settings: Settings
) -> None:
    added = _codegen(
        data, "grammar", "add", str(QUOTA / "Quota.g4"), "--name", "quota",
        "--examples", str(QUOTA / "examples.yaml"),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    warning = (
        "codegen: warning: grammar 'quota': decoding will not be constrained: semantic "
        "predicate at Quota.g4:11:7 (rule entry); candidates are validated and repaired instead"
    )
    assert added.stderr.splitlines() == [warning]
    listed = json.loads(_codegen(data, "grammar", "list", "--json").stdout)
    assert [g["constrained"] for g in listed["grammars"]] == [False]
    antlr_user.register_all()
    settings = dataclasses.replace(small_settings, constrain="on")
    result = _generate(small_backend, settings, "quota", "Give carol 3 GB of storage")
    assert result.warnings == (
        "quota: decoding is not constrained, its grammar does not convert (semantic predicate "
        "at Quota.g4:11:7 (rule entry)); candidates are validated and repaired instead",
    )
    (cand,) = result.for_language("quota")
    assert not cand.constrained
    assert cand.valid == (antlr.validate(cand.code, "quota") == []), cand.code


def test_split_grammar(data: Path) -> None:
    added = _codegen(
        data, "grammar", "add", str(ACCESS / "AccessParser.g4"), str(ACCESS / "AccessLexer.g4"),
        "--name", "access-split",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    antlr_user.register_all()
    assert antlr.validate('role a inherits b, c;\ndeny a to write on "x";', "access-split") == []
    assert antlr.validate("role ;", "access-split")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Broken.g4", "--name", "broken"], "error(56)"),
        (["MismatchParser.g4", "AccessLexer.g4", "--name", "mm"], "DELETE"),
        (["Access.g4", "--name", "acc", "--start", "polcy"], "did you mean 'policy'"),
        (["Access.g4", "--name", "acc", "--examples", "bad_examples.yaml"], "does not parse"),
    ],
)
def test_bad_grammars_are_usage_errors(data: Path, args: list[str], message: str) -> None:
    resolved = [str(ACCESS / a) if a.endswith((".g4", ".yaml")) else a for a in args]
    proc = _codegen(data, "grammar", "add", *resolved)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("codegen: error: ")
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(_codegen(data, "grammar", "list", "--json").stdout) == {"grammars": []}


def test_without_java_a_clear_error(data: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    proc = _codegen(
        data, "grammar", "add", str(ACCESS / "Access.g4"), "--name", "acc", path=str(empty)
    )
    assert proc.returncode == 3
    assert "java: not found" in proc.stderr
