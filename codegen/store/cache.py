"""The response cache: SQLite in WAL mode in the user cache dir, shared by all processes.

A key is the hash of the model's identity and every input of the rendered prompt (request
fields, the content hash of each context file, prompt templates, settings that change the
output, the stages and the safety configuration); rendering itself needs the model's
tokenizer, so the key is built from the inputs instead and a hit loads no model. Model
identity is computed once per model file (path, size, mtime -> a fingerprint of its size,
head and tail, kept in the ``models`` table); embedded models use their pinned SHA-256.

Entries are evicted least-recently-used beyond ``max_bytes``. A corrupted database is moved
aside (``*.corrupt-<time>``) and rebuilt; any other failure degrades to a miss with a warning:
the cache never fails a request.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from codegen.errors import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")
HEAD_BYTES = 1 << 20
CORRUPT_MARKERS = ("not a database", "malformed", "file is encrypted", "disk image")

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY, value BLOB NOT NULL, size INTEGER NOT NULL,
    created REAL NOT NULL, last_used REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entries_lru ON entries(last_used);
CREATE TABLE IF NOT EXISTS models (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    identity TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def default_path(configured: str = "") -> Path:
    """``cache.path``, else ``$CODEGEN_CACHE_PATH``, else ``<user cache dir>/responses.sqlite3``."""
    if configured:
        return Path(configured).expanduser()
    override = os.environ.get("CODEGEN_CACHE_PATH")
    if override:
        return Path(override).expanduser()
    from codegen.paths import cache_dir

    return cache_dir() / "responses.sqlite3"


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    return any(marker in str(exc).lower() for marker in CORRUPT_MARKERS)


class ResponseCache:
    """Get/put JSON values by key; safe across threads (one lock) and processes (SQLite)."""

    def __init__(self, path: Path, max_bytes: int = 256 << 20) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    # -- connection and recovery -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():  # answers may quote users' code: owner-only
                with contextlib.suppress(OSError):
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA busy_timeout = 10000")
                self._set_up(conn)
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the schema, one process at a time: processes opening a new database
        together could find it half switched to WAL, where SQLite answers "database is
        locked" at once instead of waiting (seen with four processes on a loaded machine)."""
        from filelock import FileLock

        with FileLock(str(self.path) + ".lock", timeout=30):
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _run(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``operation``; on a corrupted database move it aside, rebuild, run it again."""
        with self._lock:
            try:
                return operation(self._connect())
            except sqlite3.DatabaseError as exc:
                if not is_corruption(exc):
                    raise
                log.warning("response cache %s is corrupted (%s); rebuilding it", self.path, exc)
                self.close()
                self._move_aside()
                return operation(self._connect())

    def _move_aside(self) -> None:
        from filelock import FileLock

        with FileLock(str(self.path) + ".lock"):
            if self._healthy():  # another process already rebuilt it
                return
            stamp = time.strftime("%Y%m%dT%H%M%S")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(self.path) + suffix)
            log.warning("moved the corrupted response cache to %s", aside)

    def _healthy(self) -> bool:
        try:
            conn = sqlite3.connect(self.path, timeout=10.0)
            try:
                row = conn.execute("PRAGMA quick_check").fetchone()
                return bool(row and row[0] == "ok")
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return False

    @contextlib.contextmanager
    def _write(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- entries -----------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        """The value stored under ``key`` (marking it recently used), or None."""

        def op(conn: sqlite3.Connection) -> bytes | None:
            with self._write(conn):
                row = conn.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
                name = "hits" if row else "misses"
                if row:
                    conn.execute(
                        "UPDATE entries SET last_used = ?, hits = hits + 1 WHERE key = ?",
                        (time.time(), key),
                    )
                conn.execute(
                    "INSERT INTO counters VALUES (?, 1) "
                    "ON CONFLICT(name) DO UPDATE SET value = value + 1",
                    (name,),
                )
            return bytes(row[0]) if row else None

        raw = self._safely(op, None, "read")
        if raw is None:
            return None
        try:
            value: dict[str, Any] = json.loads(raw)
        except ValueError:
            return None
        return value

    def contains(self, key: str) -> bool:
        """Whether ``key`` is stored (no counter or recency changes)."""

        def op(conn: sqlite3.Connection) -> bool:
            row = conn.execute("SELECT 1 FROM entries WHERE key = ?", (key,)).fetchone()
            return row is not None

        return self._safely(op, False, "read")

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value``; evict least-recently-used entries beyond the size cap."""
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        if len(data) > self.max_bytes:
            return

        def op(conn: sqlite3.Connection) -> None:
            now = time.time()
            with self._write(conn):
                conn.execute(
                    "INSERT OR REPLACE INTO entries (key, value, size, created, last_used) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, data, len(data), now, now),
                )
                self._evict(conn, keep=key)

        self._safely(op, None, "write")

    def _evict(self, conn: sqlite3.Connection, keep: str) -> None:
        total = conn.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
        if total <= self.max_bytes:
            return
        doomed = []
        for key, size in conn.execute("SELECT key, size FROM entries ORDER BY last_used, key"):
            if total <= self.max_bytes:
                break
            if key != keep:
                doomed.append((key,))
                total -= size
        conn.executemany("DELETE FROM entries WHERE key = ?", doomed)

    def _safely(self, op: Callable[[sqlite3.Connection], T], default: T, what: str) -> T:
        try:
            return self._run(op)
        except (sqlite3.Error, OSError) as exc:
            log.warning(
                "response cache %s: cannot %s (%s); continuing without it", self.path, what, exc
            )
            return default

    # -- model identity ----------------------------------------------------------------
    def file_identity(self, path: Path) -> str:
        """A fingerprint of a model file, computed once per (path, size, mtime) and kept."""
        real = path.expanduser().resolve()
        stat = real.stat()

        def lookup(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT identity FROM models WHERE path = ? AND size = ? AND mtime_ns = ?",
                (str(real), stat.st_size, stat.st_mtime_ns),
            ).fetchone()
            return str(row[0]) if row else None

        known = self._safely(lookup, None, "read")
        if known:
            return known
        identity = _fingerprint(real, stat.st_size)

        def remember(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?)",
                (str(real), stat.st_size, stat.st_mtime_ns, identity),
            )

        self._safely(remember, None, "write")
        return identity

    # -- maintenance -------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        def op(conn: sqlite3.Connection) -> dict[str, Any]:
            entries, size = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries"
            ).fetchone()
            counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
            return {
                "entries": entries,
                "bytes": size,
                "hits": counters.get("hits", 0),
                "misses": counters.get("misses", 0),
            }

        try:
            data = self._run(op)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"response cache {self.path}: {exc}") from exc
        return {"path": str(self.path), "max_bytes": self.max_bytes, **data}

    def clear(self) -> int:
        """Delete every entry (never a model file); return how many there were."""

        def op(conn: sqlite3.Connection) -> int:
            with self._write(conn):
                count = int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
                conn.execute("DELETE FROM entries")
                conn.execute("DELETE FROM counters")
            conn.execute("VACUUM")
            return count

        try:
            return self._run(op)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"response cache {self.path}: cannot clear ({exc})") from exc


def _fingerprint(path: Path, size: int) -> str:
    digest = hashlib.sha256(f"{size}\0".encode())
    with path.open("rb") as handle:
        digest.update(handle.read(HEAD_BYTES))
        if size > 2 * HEAD_BYTES:
            handle.seek(size - HEAD_BYTES)
        digest.update(handle.read(HEAD_BYTES))
    return digest.hexdigest()
