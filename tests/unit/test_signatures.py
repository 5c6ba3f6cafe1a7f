"""Per-language signatures: request field, CLI, spec files, server, REPL, prompt and validator."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from codegen import resources, signatures
from codegen.assistant import Assistant
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.batch.source import SpecError
from codegen.batch.spec import load_tasks
from codegen.cli.main import main
from codegen.config import Settings
from codegen.errors import UsageError
from codegen.prompting.builder import PromptBuilder
from codegen.repl.app import ReplApp
from codegen.requests import build_request
from codegen.server.handlers import State, validate

S = Settings(few_shot=0, n=1, max_tokens=64)
PY_SIG = "def sort_array(arr: list[int]) -> list[int]"
JAVA_SIG = "public static int[] sortArray(int[] arr)"


def _request(**fields: Any) -> Any:
    return build_request({"description": "Sort an array", **fields}, S)


def test_a_mapping_gives_each_language_its_own() -> None:
    req = _request(languages=["python", "java", "c"], signature={"py": PY_SIG, "java": JAVA_SIG})
    assert req.signature == {"python": PY_SIG, "java": JAVA_SIG}
    assert req.signature_for("java") == JAVA_SIG and req.signature_for("c") is None
    assert req.to_dict()["signature"] == {"python": PY_SIG, "java": JAVA_SIG}
    bare = _request(signature=PY_SIG)
    assert bare.signature_for("rust") == PY_SIG and bare.to_dict()["signature"] == PY_SIG


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"pyhton": "def f()"}, r"signature\.pyhton: unknown language \(did you mean 'python'\?\)"),
        ({"java": 3}, r"signature\.java: expected the signature as a text"),
        ({"java": " "}, r"signature\.java: expected the signature as a text"),
        (["def f()"], "signature: expected a signature or a mapping"),
    ],
)
def test_bad_mappings_name_the_key(value: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_request({"description": "x", "signature": value}, S, where="spec.yaml:2:3")


def test_cli_values_bare_or_per_language() -> None:
    assert signatures.from_args(["def f(x=1)"]) == "def f(x=1)"
    assert signatures.from_args(["java=int f(int a)", "c++=int f(int a)"]) == {
        "java": "int f(int a)",
        "cpp": "int f(int a)",
    }
    with pytest.raises(UsageError, match=r"unknown language.*did you mean .java."):
        signatures.from_args(["jaav=int f()"])
    with pytest.raises(UsageError, match="give one SIG for every language, or LANG=SIG"):
        signatures.from_args(["def f()", "java=int f()"])
    with pytest.raises(UsageError, match="'java' is given twice"):
        signatures.from_args(["java=int f()", "java=int g()"])


def _task(request: Any, language: str) -> str:
    return (
        PromptBuilder(ScriptedBackend(["x"]), few_shot=0)
        .build(request, language)
        .messages[-1]
        .content
    )


def test_no_prompt_shows_another_languages_signature() -> None:
    per = _request(languages=["python", "java"], signature={"python": PY_SIG, "java": JAVA_SIG})
    assert PY_SIG in _task(per, "python") and JAVA_SIG not in _task(per, "python")
    assert JAVA_SIG in _task(per, "java") and "def " not in _task(per, "java")
    assert "must define" not in _task(per, "c")  # the mapping gives C none
    bare = _request(languages=["python", "java"], signature=PY_SIG)
    java = _task(bare, "java")
    assert "def " not in java and "a function named sort_array" in java
    js = _request(languages=["typescript"], signature="function add(a, b)")
    assert "function add(a, b)" in _task(js, "typescript")  # the same syntax is shown


JAVA_REPLY = (
    "```java\npublic class Solution {\n    public static int[] sortArray(int[] a) {\n"
    "        java.util.Arrays.sort(a);\n        return a;\n    }\n}\n```"
)
PY_REPLY = "```python\ndef sort_array(arr):\n    return sorted(arr)\n```"


def _reply(messages: Any, params: Any, n: int) -> list[str]:
    return [JAVA_REPLY if "tagged `java`" in messages[0].content else PY_REPLY] * n


def test_the_validator_checks_each_languages_own_name() -> None:
    assistant = Assistant(S, backend=ScriptedBackend(_reply), interface="library")
    mapped = {"python": PY_SIG, "java": JAVA_SIG}
    result = assistant.generate(_request(languages=["python", "java"], signature=mapped))
    assert all(c.valid for c in result.candidates), [c.diagnostics for c in result.candidates]
    other = assistant.generate(_request(languages=["java"], signature={"java": "int[] sortIt()"}))
    (java,) = other.candidates  # it lacked sortIt: its one method was renamed to it
    assert java.valid and "sortIt(int[] a)" in java.code
    assert [r.name for r in java.repairs] == ["rename_to_signature"]


@pytest.fixture
def scripted_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        factory.LOADERS, "scripted", lambda spec, settings, progress: ScriptedBackend(_reply)
    )
    factory.POOL.close()


@pytest.mark.usefixtures("scripted_model")
def test_cli_gen_repeatable_flag_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["gen", "sort", "-l", "python,java", "--model", "scripted", "--json", "-n", "1"]
    code = main([*argv, "--signature", f"python={PY_SIG}", "--signature", f"java={JAVA_SIG}"])
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, resources.schema("result"))
    assert data["request"]["signature"] == {"python": PY_SIG, "java": JAVA_SIG}
    code = main([*argv, "--signature", "pyton=def f()"])
    _, err = capsys.readouterr()
    assert code == 2 and "did you mean 'python'" in err and "Traceback" not in err


def test_spec_files_take_a_mapping_and_point_at_a_bad_key(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "tasks:\n  - id: a\n    description: sort\n    languages: [python, java]\n"
        f"    signature:\n      python: '{PY_SIG}'\n      java: '{JAVA_SIG}'\n"
    )
    (task,) = load_tasks([spec], S)
    assert task.request.signature_for("java") == JAVA_SIG
    spec.write_text(
        "tasks:\n  - id: a\n    description: sort\n    signature:\n      jva: 'int f()'\n"
    )
    with pytest.raises(SpecError, match=r"s.yaml:5:7: tasks\[0\]\.signature\.jva: unknown"):
        load_tasks([spec], S)


def test_server_validate_uses_the_languages_entry() -> None:
    state = State(S, backend=ScriptedBackend(["x"]))
    code = "int add(int a, int b) { return a + b; }"
    ok = validate(state, {"language": "c", "code": code, "signature": {"c": "int add(int, int)"}})
    assert ok["valid"]
    bad = validate(state, {"language": "c", "code": code, "signature": {"c": "int sum(int)"}})
    assert not bad["valid"]
    with pytest.raises(UsageError, match=r"signature\.cobol: unknown language"):
        validate(state, {"language": "c", "code": code, "signature": {"cobol": "int f()"}})


def test_repl_signature_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEGEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CODEGEN_AUDIT_PATH", str(tmp_path / "data" / "audit.jsonl"))
    out = io.StringIO()
    keys = f"/signature java={JAVA_SIG}\r/signature python={PY_SIG}\r/signature jva=x\r"
    with create_pipe_input() as pipe:
        pipe.send_text(keys + "/lang java\rsort\r\x04")
        app = ReplApp(
            S,
            assistant=Assistant(S, backend=ScriptedBackend(_reply), interface="library"),
            input=pipe,
            output=DummyOutput(),
            out=out,
            history_file=tmp_path / "history",
        )
        assert app.run() == 0
    text = out.getvalue()
    assert f"signature: java={JAVA_SIG}; python={PY_SIG}" in text
    assert "error: /signature jva=…: unknown language" in text
    assert app.state.result is not None
    assert app.state.result.request.signature_for("java") == JAVA_SIG
