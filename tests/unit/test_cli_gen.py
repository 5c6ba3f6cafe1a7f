"""`codegen gen` end to end in-process, with a scripted model behind the real factory seam."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from codegen import resources
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.cli.main import main

REPLIES = {
    "python": "Here you go:\n```python\ndef fib(n):\n    return n\n```\n",
    "javascript": "```javascript\nfunction fib(n) { return n; }\n```",
    "go": "```go\nfunc fib(n int) int {\n    return n +\n",
}


def _reply(messages: Any, params: Any, n: int) -> list[str]:
    system = messages[0].content
    for lang, text in REPLIES.items():
        if f"tagged `{lang}`" in system:
            return [text] * n
    return ["```\n?\n```"] * n


@pytest.fixture(autouse=True)
def scripted_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        factory.LOADERS, "scripted", lambda spec, settings, progress: ScriptedBackend(_reply)
    )
    factory.POOL.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["gen", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_valid_against_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "fib", "-l", "python", "-l", "js", "-n", "2", "--model", "scripted", "--json"
    )
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, resources.schema("result"))
    ids = [c["id"] for c in data["candidates"]]
    assert ids.count("python-1") == 1 and len(ids) == 4
    assert {c["rank"] for c in data["candidates"] if c["language"] == "python"} == {1, 2}
    assert data["candidates"][0]["code"].startswith("def fib")


def test_a_versioned_language_with_valid_candidates_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 30: ``-l python@3.8`` exited 1 'no valid candidate' although both were valid."""
    code, out, _ = run(
        capsys, "fib", "-l", "python@3.8", "-n", "2", "--model", "scripted", "--json"
    )
    data = json.loads(out)
    assert data["request"]["languages"] == ["python@3.8"]
    assert [c["valid"] for c in data["candidates"]] == [True, True]
    assert code == 0


def test_no_valid_candidate_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "fib", "-l", "go", "--model", "scripted", "-n", "1")
    assert code == 1
    assert "no valid candidate" in out


def test_out_writes_one_file_per_candidate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(
        capsys,
        "fib",
        "-l",
        "python",
        "-l",
        "javascript",
        "-n",
        "2",
        "--model",
        "scripted",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == ["javascript-1.js", "javascript-2.js", "python-1.py", "python-2.py"]
    compile((tmp_path / "o" / "python-1.py").read_text(), "x", "exec")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["  "], "description: must be a non-empty text"),
        (["x", "-l", "pyhton"], "did you mean 'python'"),
        (["x", "-l", "python@99"], "languages: unknown python version '99'; valid versions: 3.7"),
        (["x", "-l", "python@2.7"], "languages: unknown python version '2.7'; valid versions"),
        (["x", "-l", "python@banana"], "unknown python version 'banana'; valid versions: 3.7"),
        (["x", "-l", "java@7"], "unknown java version '7'; valid versions: 8, 9,"),
        (["x", "-l", "rust@2020"], "unknown rust version '2020'; valid versions: 2015,"),
        (["x", "-l", "cpp@c++17"], "unknown cpp version 'c++17' (did you mean"),
        (["x", "-n", "0"], "n: must be in [1, 64], got 0"),
        (["x", "-n", "65"], "n: must be in [1, 64], got 65"),
        (["x", "--temperature", "3"], "temperature: must be in"),
        (["x", "--top-p", "0"], "top_p: must be in"),
        (["x", "--max-tokens", "100000"], "context window"),
        (["x", "--context", "/nonexistent/file.py"], "no such file"),
        (["x", "--model", "gguf:/nonexistent.gguf"], "no such file"),
        (["x", "--model", "embeded"], "did you mean 'embedded'"),
    ],
)
def test_bad_input_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    if "--model" not in argv:
        argv = [*argv, "--model", "scripted"]
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err and out == ""


def test_not_a_gguf_and_binary_context(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake = tmp_path / "m.gguf"
    fake.write_text("not a model")
    code, _, err = run(capsys, "x", "--model", f"gguf:{fake}")
    assert code == 2 and "not a GGUF model file" in err
    blob = tmp_path / "data.py"
    blob.write_bytes(b"\x00\xff" * 10)
    code, _, err = run(capsys, "x", "--model", "scripted", "--context", str(blob))
    assert code == 2 and "binary file" in err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "gen" in capsys.readouterr().out


def test_timings_line_splits_the_model_time_where_the_backend_tells() -> None:
    from codegen.cli.exec_flags import timings_line

    line = timings_line(
        {
            "load_ms": 1500.0,
            "generate_ms": 3000.0,
            "prefill_ms": 1000.0,
            "decode_ms": 2000.0,
            "prompt_tokens_reused": 256.0,
            "validate_ms": 20.0,
            "total_ms": 4600.0,
        }
    )
    assert line == (
        "timings: load 1.50 s · generate 3.00 s (prefill 1.00 s, 256 prompt tokens reused;"
        " decode 2.00 s) · validate 0.02 s · total 4.60 s"
    )
    assert "prefill" not in timings_line({"generate_ms": 10.0, "total_ms": 12.0})
