"""Running the server: stdio (one client) or TCP (many, each with the token)."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import secrets
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from codegen.config import Settings
from codegen.errors import UsageError
from codegen.netaddr import parse_address
from codegen.server.dispatch import Connection
from codegen.server.framing import FrameReader, FrameWriter
from codegen.server.handlers import State

log = logging.getLogger(__name__)


def _quiet_pygls() -> None:
    """pygls logs whole tracebacks for bad client input; keep them for --debug only."""
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("pygls").setLevel(logging.CRITICAL)


def serve_stdio(settings: Settings) -> int:
    """Serve one client on stdin/stdout; stray writes to fd 1 are sent to stderr instead."""
    _quiet_pygls()
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    conn = Connection(State(settings), FrameReader(sys.stdin.buffer), FrameWriter(protocol_out))
    return conn.serve()


def runtime_dir() -> Path:
    """A directory only this user can use, for the token file.

    ``$XDG_RUNTIME_DIR/codegen`` (else ``/run/user/<uid>/codegen``) when that base exists: the
    ``codegen`` dir is created 0700, or, when it exists, used only if it is a real directory
    (not a link) owned by this user with no access for others — anything else is refused with
    the reason, never used. Without such a base, a fresh private dir from ``mkdtemp``
    (``serve_tcp`` removes it at exit); never a fixed, guessable name in a shared temp dir.
    """
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}")
    if not base.is_dir():
        return Path(tempfile.mkdtemp(prefix="codegen-serve-"))
    path = base / "codegen"
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"serve: {path} is not a directory (a link?); refusing to use it")
    if info.st_uid != os.getuid():
        raise UsageError(f"serve: {path} belongs to uid {info.st_uid}, not to you; refusing it")
    if stat.S_IMODE(info.st_mode) & 0o077:
        mode = oct(stat.S_IMODE(info.st_mode))
        raise UsageError(f"serve: {path} is open to others (mode {mode}); it must be 0700")
    return path


def write_token(port: int, directory: Path | None = None) -> tuple[Path, str]:
    """A fresh token in ``serve-PORT.token`` (0600), created with O_EXCL and O_NOFOLLOW, so a
    planted file or link is never written through; a stale file of ours is replaced."""
    token = secrets.token_urlsafe(32)
    path = (directory or runtime_dir()) / f"serve-{port}.token"
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # in a directory only we can write: a stale token of an earlier server
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise UsageError(f"serve: cannot create the token file {path}: {exc.strerror}") from None
    try:
        os.write(fd, token.encode("ascii"))
    finally:
        os.close(fd)
    return path, token


class _Terminate(Exception):
    """SIGTERM: leave the accept loop through its clean-up."""


def _raise_terminate(_signum: int, _frame: object) -> None:
    raise _Terminate


def serve_tcp(settings: Settings, address: str) -> int:
    """Accept connections until interrupted or terminated; each must initialize with the
    token. The token file (and a private temp dir made for it) is removed on every exit."""
    host, port = parse_address(address)
    _quiet_pygls()
    directory = runtime_dir()
    try:
        listener = socket.create_server((host, port), reuse_port=False)
    except OSError as exc:
        _remove_token(None, directory)
        raise UsageError(f"--tcp {address}: cannot listen: {exc.strerror or exc}") from None
    port = listener.getsockname()[1]
    previous = signal.signal(signal.SIGTERM, _raise_terminate)
    token_file: Path | None = None
    state = State(settings)
    try:
        token_file, token = write_token(port, directory)
        info = {"host": host, "port": port, "token_file": str(token_file)}
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        _accept_loop(listener, Gate(settings), state, token)
    except _Terminate:
        log.info("terminated")
    finally:
        signal.signal(signal.SIGTERM, previous)
        listener.close()
        _remove_token(token_file, directory)
    return 0


def _remove_token(token_file: Path | None, directory: Path) -> None:
    if token_file is not None:
        token_file.unlink(missing_ok=True)
    if directory.name.startswith("codegen-serve-"):  # our mkdtemp dir
        with contextlib.suppress(OSError):
            directory.rmdir()


_FD_ERRORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
ACCEPT_BACKOFF_S = 0.25


def _accept_loop(listener: socket.socket, gate: Gate, state: State, token: str) -> None:
    while True:
        try:
            sock, _ = listener.accept()
        except OSError as exc:
            if exc.errno not in _FD_ERRORS:
                raise
            log.warning("accept: %s; backing off %.2f s", exc.strerror, ACCEPT_BACKOFF_S)
            time.sleep(ACCEPT_BACKOFF_S)
            continue
        if not gate.admit():
            _refuse(sock, gate.limit_message())
            continue
        args = (state, sock, token, gate)
        try:
            threading.Thread(target=_serve_socket, args=args, daemon=True).start()
        except RuntimeError:  # no thread to be had: the connection cannot be served
            gate.closed(authorized=False)
            _refuse(sock, "server busy: cannot start a thread")


def _refuse(sock: socket.socket, message: str) -> None:
    """Tell a connection over the limits why (one JSON-RPC error) and close it."""
    with sock:
        sock.settimeout(0.5)
        with contextlib.suppress(OSError):
            FrameWriter(sock.makefile("wb")).send(
                {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
            )


class Gate:
    """Counts open connections and those not yet authenticated, against the config's caps."""

    def __init__(self, settings: Settings) -> None:
        self.max_open = settings.server_max_connections
        self.max_unauthenticated = settings.server_max_unauthenticated
        self.init_timeout = settings.server_init_timeout
        self.open = self.unauthenticated = 0
        self._lock = threading.Lock()

    def admit(self) -> bool:
        with self._lock:
            if self.open >= self.max_open or self.unauthenticated >= self.max_unauthenticated:
                return False
            self.open += 1
            self.unauthenticated += 1
            return True

    def limit_message(self) -> str:
        return (
            f"server busy: at most {self.max_open} connections "
            f"({self.max_unauthenticated} before initialize)"
        )

    def authorized(self) -> None:
        with self._lock:
            self.unauthenticated -= 1

    def closed(self, authorized: bool) -> None:
        with self._lock:
            self.open -= 1
            if not authorized:
                self.unauthenticated -= 1


def _serve_socket(state: State, sock: socket.socket, token: str, gate: Gate) -> None:
    conn: Connection | None = None
    rfile, wfile = sock.makefile("rb"), sock.makefile("wb")
    writer = FrameWriter(wfile)
    # Not initialized with the token in time: the socket is shut, the read loop ends.
    deadline = threading.Timer(gate.init_timeout, _expire, args=(sock, lambda: conn))
    deadline.daemon = True
    try:
        deadline.start()
        conn = Connection(
            state, FrameReader(rfile), writer, token=token, on_authorized=gate.authorized
        )
        conn.serve()
    except Exception as exc:  # one connection failing never touches the others
        log.info("connection ended: %s: %s", type(exc).__name__, exc)
    finally:
        deadline.cancel()
        gate.closed(authorized=conn is not None and conn.authorized)
        writer.close()
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        rfile.close()  # the descriptor is freed only when every file on the socket is closed
        sock.close()


def _expire(sock: socket.socket, conn: Callable[[], Connection | None]) -> None:
    current = conn()
    if current is None or not current.authorized:
        log.info("a connection did not initialize in time; closing it")
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
