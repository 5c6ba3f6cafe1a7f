"""The ToolRunner seam: the local runner keeps its contract, and checkers run through it."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from codegen.validation.tiered import TieredValidator
from codegen.validation.toolrun import (
    LOCAL,
    ToolResult,
    ToolUndecided,
    safe_relative,
    write_files,
)


def test_files_land_in_a_fresh_dir_with_subdirs_and_output_is_merged() -> None:
    files = {"a.txt": "first\n", "c2/b.txt": "second\n"}
    result = LOCAL.run(["sh", "-c", "cat a.txt c2/b.txt; echo oops >&2; ls; exit 3"], files, 10)
    assert result.returncode == 3
    assert result.output.splitlines() == ["first", "second", "oops", "a.txt", "c2"]


def test_each_run_gets_an_empty_dir_that_is_removed() -> None:
    first = LOCAL.run(["sh", "-c", "pwd; touch left.txt"], {}, 10).output.strip()
    second = LOCAL.run(["sh", "-c", "pwd; ls"], {}, 10).output.split()
    assert second[0] != first and second[1:] == []
    assert not Path(first).exists()


def test_tools_run_in_the_c_locale() -> None:
    assert LOCAL.run(["sh", "-c", "echo $LC_ALL"], {}, 10).output.strip() == "C"


def test_timeout_kills_the_group_and_is_undecided() -> None:
    with pytest.raises(ToolUndecided, match=r"timed out after 0\.3 s"):
        LOCAL.run(["sh", "-c", "sleep 30 & sleep 30"], {}, 0.3)


def test_a_crash_is_undecided() -> None:
    with pytest.raises(ToolUndecided, match=r"crashed \(signal 9\)"):
        LOCAL.run(["sh", "-c", "kill -9 $$"], {}, 10)


def test_a_missing_program_is_undecided_and_not_available() -> None:
    assert not LOCAL.available("codegen-no-such-tool")
    assert LOCAL.available("sh")
    with pytest.raises(ToolUndecided, match="could not start"):
        LOCAL.run(["codegen-no-such-tool"], {}, 10)


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x", "a/../../x", ""])
def test_paths_outside_the_work_dir_are_refused(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        safe_relative(bad)
    with pytest.raises(ValueError):
        write_files(tmp_path, {bad: "x"})


class Recording:
    """A runner that records every call and delegates to the local one."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []

    def available(self, program: str) -> bool:
        return LOCAL.available(program)

    def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
        self.calls.append((list(argv), dict(files)))
        return LOCAL.run(argv, files, timeout)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
def test_the_validator_runs_its_checkers_through_the_injected_runner() -> None:
    runner = Recording()
    check = TieredValidator(runner=runner).validate("int f(void) { return 1 }\n", "c")
    assert not check.valid and "gcc" in check.validators
    [(argv, files)] = runner.calls
    assert argv[0] == "gcc" and argv[-1] == "candidate.c"
    assert files == {"candidate.c": "int f(void) { return 1 }\n"}


def test_a_runner_that_cannot_start_tools_leaves_the_grammar_tiers_deciding() -> None:
    class Broken(Recording):
        def run(self, argv: Sequence[str], files: Mapping[str, str], timeout: float) -> ToolResult:
            raise ToolUndecided("confinement unavailable")

    check = TieredValidator(runner=Broken()).validate("echo hi\n", "bash")
    assert check.valid and check.undecided == ("bash",)
    assert "confinement unavailable" in check.diagnostics[0].message
