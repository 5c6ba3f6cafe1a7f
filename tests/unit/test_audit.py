"""The audit log: one fsynced 0600 line per request, rotation, failures reported, accept
records, tail/search/export (SFT), and writers in several real processes never interleaving."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.assistant import Assistant
from codegen.backends import factory
from codegen.backends.base import ScriptedBackend
from codegen.cli.main import main
from codegen.config import Settings
from codegen.requests import build_request
from codegen.store import audit as audit_mod
from codegen.store.audit import AuditError, AuditLog, record_accept

GOOD = "```python\ndef add(a, b):\n    return a + b\n```"
S = Settings(model="scripted")


def _log(tmp_path: Path, **kw: Any) -> AuditLog:
    return AuditLog(tmp_path / "audit" / "audit.jsonl", **kw)


def test_one_line_per_request_with_interface_and_candidates(tmp_path: Path) -> None:
    log = _log(tmp_path)
    request = build_request({"description": "add two numbers", "n": 2}, S)
    result = Assistant(S, backend=ScriptedBackend([GOOD]), audit=log, interface="library").generate(
        request
    )
    Assistant(S, backend=ScriptedBackend([GOOD]), audit=log, interface="repl").generate(request)
    records = list(log.records())
    assert [r["interface"] for r in records] == ["library", "repl"]
    first = records[0]
    assert first["id"] == result.request_id and first["type"] == "request"
    assert first["description"] == "add two numbers" and first["parameters"]["n"] == 2
    assert first["model"] == "scripted" and first["user"]
    assert [c["id"] for c in first["candidates"]] == ["python-1", "python-2"]
    assert first["candidates"][0]["code"].startswith("def add")
    assert {"valid", "rank", "score", "repairs", "safety"} <= set(first["candidates"][0])
    assert log.path.stat().st_mode & 0o777 == 0o600


def test_rotation_by_size_keeps_every_line(tmp_path: Path) -> None:
    log = _log(tmp_path, max_bytes=1000)
    for i in range(20):
        log.append({"type": "request", "id": str(i), "pad": "x" * 200})
    assert len(log.files()) > 3
    assert [r["id"] for r in log.records()] == [str(i) for i in range(20)]
    assert all(p.stat().st_size <= 1000 for p in log.files())


def test_switched_off_writes_nothing(tmp_path: Path) -> None:
    log = _log(tmp_path, enabled=False)
    Assistant(S, backend=ScriptedBackend([GOOD]), audit=log, interface="library").generate(
        build_request({"description": "add"}, S)
    )
    assert not log.path.exists()


def test_an_unwritable_log_is_reported_and_the_answer_still_returned(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    log = AuditLog(blocker / "audit.jsonl")
    result = Assistant(S, backend=ScriptedBackend([GOOD]), audit=log, interface="library").generate(
        build_request({"description": "add"}, S)
    )
    assert result.candidates and result.candidates[0].code.startswith("def add")
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert str(blocker / "audit.jsonl") in warning and result.request_id in warning
    assert "was lost" in warning


def test_a_full_disk_names_the_lost_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(audit_mod.os, "write", full)
    with pytest.raises(AuditError, match=r"No space left on device.*request r1 was lost"):
        _log(tmp_path).append({"type": "request", "id": "r1"})


def test_cli_warns_on_stderr_and_still_prints_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(factory.LOADERS, "scripted", lambda s, st, p: ScriptedBackend([GOOD]))
    factory.POOL.close()
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CODEGEN_AUDIT_PATH", str(blocker / "audit.jsonl"))
    code = main(["gen", "add", "--model", "scripted", "-n", "1"])
    out, err = capsys.readouterr()
    factory.POOL.close()
    assert code == 0 and "def add" in out
    assert "codegen: warning: audit log" in err and "was lost" in err


def test_accept_records_and_sft_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CODEGEN_AUDIT_PATH", str(path))
    request = build_request({"description": "add two numbers", "n": 2}, S)
    kept = Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").generate(request)
    Assistant(S, backend=ScriptedBackend([GOOD]), interface="library").generate(
        request.with_changes(description="x")
    )
    record_accept(kept.request_id, "python-2", "repl")
    record_accept("no-such-request", "python-1", "server")
    out_file = tmp_path / "sft.jsonl"
    assert main(["audit", "export", "--accepted", "--format", "sft", "-o", str(out_file)]) == 0
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert len(rows) == 1
    roles = [m["role"] for m in rows[0]["messages"]]
    assert roles == ["system", "user", "assistant"]
    assert "add two numbers" in rows[0]["messages"][1]["content"]
    assert rows[0]["messages"][2]["content"].startswith("```python\ndef add")
    capsys.readouterr()
    assert main(["audit", "tail", "-n", "1", "--json"]) == 0
    last = json.loads(capsys.readouterr().out)
    assert last == {**last, "type": "accept", "candidate": "python-1", "interface": "server"}
    assert main(["audit", "search", "TWO NUMBERS"]) == 0
    found = capsys.readouterr().out.strip().splitlines()
    assert len(found) == 1 and kept.request_id in found[0]
    assert main(["audit", "export", "--format", "sft"]) == 2
    assert main(["audit", "search", "("]) == 2


WRITER = """
import sys
from pathlib import Path
from codegen.store.audit import AuditLog
log = AuditLog(Path(sys.argv[1]), max_bytes=0)
w = int(sys.argv[2])
for i in range(30):
    size = 9000 + (w * 997 + i * 131) % 12000
    log.append({"type": "request", "id": f"{w}-{i}", "pad": str(w) * size})
"""


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w)]) for w in range(4)]
    assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    records = [json.loads(line) for line in lines[:-1]]  # any torn line fails here
    assert len(records) == 120
    assert sorted(r["id"] for r in records) == sorted(
        f"{w}-{i}" for w in range(4) for i in range(30)
    )
    for r in records:
        w = r["id"].split("-")[0]
        assert set(r["pad"]) == {w} and len(r["pad"]) >= 9000
