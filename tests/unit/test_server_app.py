"""Server start-up pieces: --tcp addresses and the 0600 token file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from codegen.errors import UsageError
from codegen.server.app import parse_address, write_token


def test_tcp_binds_loopback_unless_a_host_is_given() -> None:
    assert parse_address("8123") == ("127.0.0.1", 8123)
    assert parse_address("0.0.0.0:9") == ("0.0.0.0", 9)
    assert parse_address("[::1]:7") == ("::1", 7)


@pytest.mark.parametrize("bad", ["", "x", "host:", "1:99999", "-1"])
def test_bad_tcp_addresses_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError, match="--tcp"):
        parse_address(bad)


def test_token_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path, token = write_token(4242)
    assert path.read_text() == token and len(token) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent.is_relative_to(tmp_path)


def test_a_stale_token_is_replaced_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    first, _ = write_token(4243)
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    first.unlink()
    first.symlink_to(target)  # a stale link in our own dir: replaced, never followed
    path, token = write_token(4243)
    assert path == first and not path.is_symlink() and path.read_text() == token
    assert target.read_text() == "keep"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
