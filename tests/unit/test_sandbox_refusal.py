"""Without namespace isolation the sandbox refuses, unless unsafe execution was chosen."""

from __future__ import annotations

import pytest

from codegen.errors import EXIT_TOOL
from codegen.execution import sandbox as sb
from codegen.execution.runners import run_source


@pytest.fixture
def no_isolation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sb, "isolation_problem", lambda: "namespaces are not permitted here")


@pytest.mark.usefixtures("no_isolation")
def test_exec_refuses_with_a_clear_message() -> None:
    with pytest.raises(sb.SandboxUnavailable) as info:
        run_source(sb.Sandbox(), "python", "print(1)")
    message = str(info.value)
    assert "namespaces are not permitted here" in message
    assert "--unsafe-exec" in message
    assert info.value.exit_code == EXIT_TOOL


@pytest.mark.usefixtures("no_isolation")
def test_unsafe_exec_runs_with_limits_but_unisolated() -> None:
    limits = sb.Limits(wall_s=5.0)
    result = run_source(sb.Sandbox(limits, unsafe=True), "python", "print(6 * 7)")
    assert result.ok, result.reason
    assert result.stdout.strip() == "42"
    assert result.isolated is False


def test_isolated_run_is_unprivileged_in_an_empty_dir() -> None:
    assert sb.isolation_problem() is None
    code = "import os\nprint(os.getuid(), os.getcwd(), sorted(os.listdir('.')), sorted(os.environ))"
    result = run_source(sb.Sandbox(sb.Limits(wall_s=5.0)), "python", code)
    assert result.ok, result.reason
    uid, cwd, files, env = result.stdout.split(" ", 3)
    assert int(uid) != 0 and cwd == sb.INNER
    assert files == "['main.py']"
    # Only what the sandbox sets: nothing inherited from the host, no OLDPWD or PWD.
    assert env.strip() == "['HOME', 'LANG', 'PATH', 'TMPDIR']"
