"""Checkers and compilers on candidate code run in the sandbox (issue 31): the confined
ToolRunner keeps the seam's contract, and a candidate's ``#include``/``include_str!`` of a
secret readable only by its owner leaks into no output, through the library and the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codegen.cli.main import main
from codegen.execution import slots
from codegen.execution.sandbox import Limits, Sandbox, isolation_problem
from codegen.execution.toolrunner import ConfinedToolRunner
from codegen.validation import reference
from codegen.validation.toolrun import ToolUndecided

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(isolation_problem() is not None, reason=f"{isolation_problem()}"),
]


@pytest.fixture(scope="module")
def runner() -> ConfinedToolRunner:
    return ConfinedToolRunner(Sandbox(Limits()))


def test_the_contract_files_cwd_locale_and_exit_status(runner: ConfinedToolRunner) -> None:
    script = "cat c2/Main.java; echo; echo $LC_ALL; id -u; pwd; exit 4"
    result = runner.run(["sh", "-c", script], {"c2/Main.java": "class Main {}"}, 10.0)
    text, locale, uid, cwd = result.output.strip().splitlines()
    assert text == "class Main {}" and locale == "C" and cwd == "/tmp/w"
    if os.geteuid() == 0:
        assert slots.DEFAULT_BASE <= int(uid) < slots.DEFAULT_BASE + slots.DEFAULT_COUNT
    assert result.returncode == 4
    assert runner.available("sh") and not runner.available("no-such-tool-here")


def test_timeouts_crashes_and_missing_tools_are_undecided(runner: ConfinedToolRunner) -> None:
    with pytest.raises(ToolUndecided, match=r"timed out after 0\.5 s"):
        runner.run(["sh", "-c", "sleep 10"], {}, 0.5)
    with pytest.raises(ToolUndecided, match="SIGSEGV"):
        runner.run(["sh", "-c", "kill -SEGV $$"], {}, 5.0)
    with pytest.raises(ToolUndecided, match="could not start"):
        runner.run(["/nonexistent/tool"], {}, 5.0)
    with pytest.raises(ValueError, match="not a relative path"):
        runner.run(["cat", "x"], {"../x": ""}, 5.0)


@pytest.mark.parametrize("checker", ["gcc", "rustc"])
def test_a_checker_cannot_read_a_secret(
    runner: ConfinedToolRunner, home_secret: Path, checker: str
) -> None:
    if not reference.CHECKERS[checker].available(runner):
        pytest.skip(f"no {checker} here")
    code = {
        "gcc": f'#include "{home_secret}"\nint main(void) {{ return leaked; }}\n',
        "rustc": f'pub const S: &str = include_str!("{home_secret}");\n',
    }[checker]
    result = reference.CHECKERS[checker].run(code, None, 30.0, runner)
    seen = " ".join([result.note, *(d.message for d in result.diagnostics)])
    assert "424242" not in seen
    assert result.status in ("undecided", "invalid"), result
    assert "No such file" in seen or "couldn't read" in seen


def test_codegen_check_runs_gcc_confined(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, home_secret: Path
) -> None:
    if not reference.CHECKERS["gcc"].available(ConfinedToolRunner()):
        pytest.skip("no gcc here")
    source = tmp_path / "leak.c"
    source.write_text(f'#include "{home_secret}"\nint main(void) {{ return leaked; }}\n')
    code = main(["check", str(source), "--json"])
    out, err = capsys.readouterr()
    assert "424242" not in out + err
    report = json.loads(out)["files"][0]
    assert code in (1, 3) and "No such file" in json.dumps(report)
