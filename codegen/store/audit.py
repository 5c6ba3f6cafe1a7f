"""The audit log: append-only JSONL in the user data dir, one line per request and per accept.

Each line is written with one ``write`` on an ``O_APPEND`` descriptor while holding an
exclusive ``flock`` on a side lock file, then fsynced; the file is created 0600. Lines of
any length from any number of processes therefore never interleave or tear. Past
``max_bytes`` the file is renamed to ``audit.jsonl.<time>`` (never deleted: it is an audit
trail) and a new one begun. A write that fails raises ``AuditError`` saying which line was
lost; the caller reports it and still shows the answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.errors import StoreError

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.types import Interface, Result, SafetyFinding

APP = "codegen"


class AuditError(StoreError):
    """An audit line could not be written; the message names the file and the lost line."""


def default_path(configured: str = "") -> Path:
    """``audit.path``, else ``$CODEGEN_AUDIT_PATH``, else ``<user data dir>/audit.jsonl``."""
    if configured:
        return Path(configured).expanduser()
    override = os.environ.get("CODEGEN_AUDIT_PATH")
    if override:
        return Path(override).expanduser()
    from codegen.paths import data_dir

    return data_dir() / "audit.jsonl"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return str(os.getuid())


class AuditLog:
    def __init__(self, path: Path, max_bytes: int = 16 << 20, enabled: bool = True) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.enabled = enabled

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditLog:
        return cls(
            default_path(settings.audit_path),
            int(settings.audit_max_mb * (1 << 20)),
            settings.audit_enabled,
        )

    def append(self, record: Mapping[str, Any]) -> None:
        """Write ``record`` as one line; AuditError (naming the lost line) when that fails."""
        if not self.enabled:
            return
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                self._rotate_if_full(len(data))
                _append(self.path, data)
        except OSError as exc:
            what = f"{record.get('type', 'request')} {record.get('id', '?')}"
            reason = exc.strerror or str(exc)
            raise AuditError(
                f"audit log {self.path}: cannot write ({reason}); "
                f"the audit line for {what} was lost"
            ) from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(f"{self.path}.lock", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _rotate_if_full(self, incoming: int) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if self.max_bytes and size and size + incoming > self.max_bytes:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            os.replace(self.path, self.path.with_name(f"{self.path.name}.{stamp}"))

    def files(self) -> list[Path]:
        """Rotated files oldest first, then the current one."""
        rotated = sorted(self.path.parent.glob(f"{self.path.name}.2*"))
        current = [self.path] if self.path.exists() else []
        return [p for p in rotated if not p.name.endswith(".lock")] + current

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first; a damaged line is skipped (never expected)."""
        for path in self.files():
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    with contextlib.suppress(ValueError):
                        record = json.loads(line)
                        if isinstance(record, dict):
                            yield record


def _append(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:
            os.fchmod(fd, 0o600)
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(28, f"short write ({written} of {len(data)} bytes)")
        os.fsync(fd)
    finally:
        os.close(fd)


def request_record(
    result: Result, interface: Interface, refused: str | None = None, client: str | None = None
) -> dict[str, Any]:
    """The audit line of one answered request; ``client`` is an API key's id (HTTP)."""
    request = result.request.to_dict()
    description = request.pop("description")
    return {
        "type": "request",
        "id": result.request_id,
        "time": now(),
        "interface": interface,
        "user": user(),
        **_client(client),
        "description": description,
        "parameters": request,
        "model": result.model,
        "cached": result.cached,
        "refused": refused,
        "safety": [f.to_dict() for f in result.safety],
        "candidates": [
            {
                "id": c.id,
                "language": c.language,
                "code": c.code,
                "valid": c.valid,
                "compiles": c.compiles,
                "rank": c.rank,
                "score": c.score,
                "repairs": [r.name for r in c.repairs],
                "safety": [f.to_dict() for f in c.safety],
            }
            for c in result.candidates
        ],
    }


def refusal_record(
    request_id: str,
    description: str,
    interface: Interface,
    rule: str,
    findings: tuple[SafetyFinding, ...] = (),
    client: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "request",
        "id": request_id,
        "time": now(),
        "interface": interface,
        "user": user(),
        **_client(client),
        "description": description,
        "refused": rule,
        "safety": [f.to_dict() for f in findings],
        "candidates": [],
    }


def _client(client: str | None) -> dict[str, str]:
    """The ``client`` key of a record: present only for front ends that identify clients."""
    return {} if client is None else {"client": client}


def record_accept(
    request_id: str,
    candidate_id: str,
    interface: Interface,
    *,
    settings: Settings | None = None,
    code: str | None = None,
    log: AuditLog | None = None,
) -> None:
    """Record that a user took a candidate (REPL /save and /copy, editor insert,
    ``codegen/accept``); ``code`` when they edited it first. AuditError when it is lost."""
    from codegen.config import Settings as _Settings

    target = log or AuditLog.from_settings(settings or _Settings())
    record: dict[str, Any] = {
        "type": "accept",
        "id": request_id,
        "time": now(),
        "interface": interface,
        "user": user(),
        "candidate": candidate_id,
    }
    if code is not None:
        record["code"] = code
    target.append(record)
