"""`codegen check`, `codegen repair` and `codegen languages` with the real toolchains."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.cli.main import main

pytestmark = pytest.mark.integration


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


VALID_INVALID = {
    "a.py": ("def f(x):\n    return x\n", "def f(x):\n    return (x\n"),
    "a.js": ("export function f(x) { return x; }\n", "function f(x) { return (x; }\n"),
    "a.c": ("int f(int x) { return g(x); }\n", "int f(int x) { return (x; }\n"),
    "a.cpp": (
        "#include <vector>\nint f() { std::vector<int> v; return v.size(); }\n",
        "int f() { return 1 }\n",
    ),
    "Main.java": (
        "public class Stack { int f() { return missing(); } }\n",
        "public class Stack { int f() { return 1 } }\n",
    ),
    "a.rs": ("pub fn f(x: i32) -> String { x }\n", "pub fn f(x: i32) -> i32 { (x }\n"),
    "a.sh": ("for i in 1 2; do echo $i; done\n", "for i in 1 2; do echo $i; fi\n"),
}


@pytest.mark.parametrize("name", sorted(VALID_INVALID))
def test_real_checkers_valid_and_invalid(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    good, bad = VALID_INVALID[name]
    (tmp_path / "g").mkdir()
    (tmp_path / "b").mkdir()
    good_path, bad_path = write(tmp_path / "g", name, good), write(tmp_path / "b", name, bad)
    code, out, _ = run(capsys, "check", good_path, "--json", "--syntax-only")
    data = json.loads(out)
    assert code == 0, out  # name and type errors are not syntax errors
    assert len(data["files"][0]["validators"]) == 2  # tree-sitter + the reference checker
    code, out, _ = run(capsys, "check", bad_path)
    assert code == 1
    lines = out.splitlines()
    assert re.fullmatch(re.escape(bad_path) + r":\d+:\d+: .+ \[[\w+]+\]", lines[0]), lines[0]
    assert lines[2].strip() == "^"


def test_stdin_needs_a_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x = (1\n")))
    code, _, err = run(capsys, "check", "-")
    assert code == 2 and "needs a language" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x = (1\n")))
    code, out, _ = run(capsys, "check", "-", "-l", "python")
    assert code == 1 and out.startswith("<stdin>:1:")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bin.py", b"\x00\x01\x02", "binary file"),
        ("latin.py", "x = 'caf\xe9'\n".encode("latin-1"), "not UTF-8"),
        ("a.unknownext", "x\n", "cannot tell the language"),
    ],
)
def test_bad_input_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes | str,
    message: str,
) -> None:
    code, _, err = run(capsys, "check", write(tmp_path, name, content))
    assert code == 2
    assert err.startswith("codegen: error: ") and message in err and "Traceback" not in err


def test_huge_and_missing_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024 + 1)
    code, _, err = run(capsys, "check", str(big))
    assert code == 2 and "larger than 5 MiB" in err
    code, _, err = run(capsys, "check", str(tmp_path / "nope.py"))
    assert code == 2 and "no such file" in err


def test_empty_file_is_invalid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "check", write(tmp_path, "e.py", ""))
    assert code == 1 and "no code" in out


def _fake_bin(tmp_path: Path, name: str, body: str) -> dict[str, str]:
    tmp_path.chmod(0o755)  # checkers run in the sandbox as an unprivileged uid: let it enter
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    path = bindir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}


def test_hanging_checker_exits_3_as_a_real_process(tmp_path: Path) -> None:
    env = _fake_bin(tmp_path, "node", "sleep 60")
    env["CODEGEN_VALIDATION_TIMEOUT"] = "1"
    src = write(tmp_path, "a.js", "const x = 1;\n")
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", "check", src],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "timed out" in proc.stdout and "undecided" in proc.stdout


def test_missing_checker_falls_back_to_tree_sitter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, _ = run(capsys, "check", write(tmp_path, "a.js", "const x = (1;\n"), "--json")
    assert code == 1 and json.loads(out)["files"][0]["validators"] == ["tree-sitter"]


def test_languages_lists_active_tiers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "languages", "--json")
    rows = {r["name"]: r for r in json.loads(out)["languages"]}
    assert code == 0
    assert rows["python"]["tiers"] == ["tree-sitter", "cpython"]
    assert ("node" in rows["javascript"]["tiers"]) == (shutil.which("node") is not None)
    assert rows["java"]["compiler"] == {
        "tool": "javac",
        "available": bool(shutil.which("java") and shutil.which("javac")),
    }
    assert rows["python"]["compiler"] == {"tool": "pyflakes", "available": True}
    assert rows["javascript"]["compiler"] is None


def test_repair_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = write(tmp_path, "t.py", "def f(x):\n    return [x,\n")
    code, out, err = run(capsys, "repair", src, "--no-model")
    assert code == 0 and out == "def f(x):\n    return [x,]\n" and "close_open" in err
    code, out, _ = run(capsys, "repair", src, "--no-model", "--json")
    data = json.loads(out)
    assert set(data) >= {"code", "valid", "steps", "diagnostics"} and data["valid"]
    assert data["steps"][0]["diff"].startswith("--- a/candidate")
    guess = write(tmp_path, "g.py", "def f(:\n  pass\n")
    code, out, err = run(capsys, "repair", guess, "--no-model")
    assert code == 0 and out == "def f():\n  pass\n" and "a guessed edit" in err
    bad = write(tmp_path, "u.py", "def f(:\n    return ]\n")
    code, out, err = run(capsys, "repair", bad, "--no-model")
    assert code == 1 and "could not be repaired" in err


NOT_COMPILING = {
    "a.rs": (
        "use std::collections::HashSet;\n"
        "pub fn g() { let mut s = HashSet::new(); s.insert(1); s.pop(); }\n",
        "E0599: no method named `pop`",
    ),
    "Stack.java": (
        "class Stack { int f() { return missing(); } }\n",
        "cannot find symbol; symbol: method missing()",
    ),
    "a.py": ("def f(s):\n    return re.sub('a', 'b', s)\n", "undefined name 're'"),
    "a.c": ("int f(const char *s) { return strlen(s); }\n", "implicit declaration"),
}


@pytest.mark.skipif(
    not all(shutil.which(t) for t in ("rustc", "javac", "gcc")), reason="needs rustc, javac, gcc"
)
def test_both_verdicts_and_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    paths = {name: write(tmp_path, name, code) for name, (code, _) in NOT_COMPILING.items()}
    good = write(
        tmp_path, "Main.java", "import java.util.*;\npublic class Main { List<Integer> x; }\n"
    )
    for name, (_, message) in NOT_COMPILING.items():
        code, out, _ = run(capsys, "check", paths[name])
        assert code == 1, out
        verdict = out.splitlines()[-1]
        assert verdict.startswith(f"{paths[name]}: valid, does not compile: "), verdict
        assert message in verdict
        code, out, _ = run(capsys, "check", paths[name], "--syntax-only")
        assert code == 0 and out.endswith("]\n") and "compile" not in out
    code, out, _ = run(capsys, "check", good)
    assert code == 0 and out == f"{good}: valid, compiles [tree-sitter, javac]\n"
    code, out, _ = run(capsys, "check", good, paths["Stack.java"], "--json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is True and data["compiles"] is False
    first, second = data["files"]
    assert (first["compiles"], second["compiles"]) == (True, False)
    assert second["diagnostics"][0]["stage"] == "compile" and second["compiler"] == "javac"


def test_a_missing_compiler_is_unknown_with_one_warning_line(tmp_path: Path) -> None:
    src = write(tmp_path, "a.rs", "pub fn f() -> u8 { 1 }\n")
    other = write(tmp_path, "b.rs", "pub fn g() -> u8 { 2 }\n")
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # rustup's rustc lives elsewhere
    if shutil.which("rustc", path=env["PATH"]):
        pytest.skip("rustc is installed in /usr/bin")
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", "check", src, other],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{src}: valid, compiles: unknown (rustc not found) [tree-sitter]" in proc.stdout
    assert proc.stderr.splitlines() == [
        "WARNING codegen.validation.compile_tier: "
        "rust: rustc not found, so compiles is null for rust code"
    ]
