"""``codegen repl``: flags are checked before the session starts, with the usual exit codes."""

from __future__ import annotations

import pytest

from codegen.cli.main import COMMANDS, main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["repl", "-l", "klingon"], "unknown language 'klingon'"),
        (["repl", "-n", "0"], "n: must be in [1, 64], got 0"),
        (["repl", "--model", "embeded"], "unknown model 'embeded' (did you mean 'embedded'?)"),
        (["repl"], "repl: needs a terminal on stdin"),
    ],
)
def test_bad_flags_and_no_terminal_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("codegen: error: ") and message in err
    assert "Traceback" not in err


def test_repl_is_a_command() -> None:
    assert COMMANDS["repl"] == "repl"
    with pytest.raises(SystemExit) as exit_info:
        main(["repl", "--help"])
    assert exit_info.value.code == 0
