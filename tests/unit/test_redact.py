"""Credentials are masked wherever a spec, URL or error line is shown, logged or audited."""

from __future__ import annotations

import argparse
import logging
from types import SimpleNamespace

import pytest

from codegen.cli import main as cli_main
from codegen.redact import RedactingFilter, redact
from codegen.types import GenerationRequest


def test_url_passwords_tokens_and_keys_are_masked() -> None:
    assert redact("openai:http://user:pw@host:8000/v1#m") == "openai:http://user:***@host:8000/v1#m"
    assert redact("a https://tok@h/x and http://u:p@h2") == "a https://***@h/x and http://u:***@h2"
    assert redact("Authorization: Bearer abc.def-123") == "Authorization: Bearer ***"
    assert redact("key sk-proj1234567890abcdef") == "key sk-pro***"
    assert redact("mail me: a@b.c, http://host/p@x") == "mail me: a@b.c, http://host/p@x"


def test_the_request_is_serialised_without_the_password() -> None:
    request = GenerationRequest("x", model="openai:http://u:hunter2@h/v1#m")
    assert request.to_dict()["model"] == "openai:http://u:***@h/v1#m"
    assert request.model == "openai:http://u:hunter2@h/v1#m"  # still usable to connect


def test_the_log_filter_masks_formatted_messages(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("codegen.test-redact")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("POST %s failed", "http://u:hunter2@h/v1")
    assert caplog.messages == ["POST http://u:***@h/v1 failed"]


def test_an_unexpected_exception_is_exit_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(_args: argparse.Namespace) -> int:
        raise RuntimeError("http://u:hunter2@h broke\nsecond line")

    monkeypatch.setattr(cli_main, "_module", lambda _name: SimpleNamespace(run=boom))
    code = cli_main.run_command(argparse.Namespace(command="gen", debug=False))
    err = capsys.readouterr().err
    assert code == 3
    assert err == (
        "codegen: internal error: RuntimeError: http://u:***@h broke "
        "(rerun with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError):
        cli_main.run_command(argparse.Namespace(command="gen", debug=True))
