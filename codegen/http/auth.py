"""Bearer-key authentication: which keys are accepted, and which id a key has in the audit log.

Keys come from ``http.api_keys`` (config) or ``CODEGEN_HTTP_API_KEYS`` (comma list). An entry
``NAME:KEY`` gives the key the id ``NAME``; a bare ``KEY`` gets ``key-`` and the first ten hex
digits of its SHA-256. Only ids are ever logged or audited, never keys. Binding anything but
loopback without a key is refused before the server starts.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from codegen.errors import UsageError
from codegen.http.errors import ApiError

MIN_KEY_CHARS = 16
NOT_ACCEPTED = "invalid API key: send 'Authorization: Bearer <key>' with a key from http.api_keys"


def key_id(entry: str) -> tuple[str, str]:
    """(id, key) of one ``http.api_keys`` entry."""
    name, sep, key = entry.partition(":")
    if sep and name and key:
        return name, key
    return "key-" + hashlib.sha256(entry.encode()).hexdigest()[:10], entry


@dataclass(frozen=True)
class ApiKeys:
    """The accepted keys as (id, key) pairs; empty means no authentication."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> ApiKeys:
        pairs = []
        for number, entry in enumerate(entries, 1):
            ident, key = key_id(entry.strip())
            if len(key) < MIN_KEY_CHARS:
                raise UsageError(
                    f"http.api_keys: key {number} ({ident}) is shorter than {MIN_KEY_CHARS} "
                    "characters; make one with: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'"
                )
            pairs.append((ident, key))
        return cls(tuple(pairs))

    @property
    def required(self) -> bool:
        return bool(self.pairs)

    def client(self, authorization: str | None) -> str | None:
        """The id of the key an ``Authorization`` header carries (None when no keys are
        configured); ApiError 401 when it carries none or a wrong one."""
        if not self.pairs:
            return None
        scheme, _, given = (authorization or "").strip().partition(" ")
        given = given.strip()
        found = None
        if scheme.lower() == "bearer" and given:
            for ident, key in self.pairs:  # compare with every key: no early exit to time
                if hmac.compare_digest(given.encode(), key.encode()):
                    found = ident
        if found is None:
            raise ApiError(
                401,
                NOT_ACCEPTED,
                code="invalid_api_key",
                headers={"WWW-Authenticate": 'Bearer realm="codegen"'},
            )
        return found


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, keys: ApiKeys) -> None:
    """Refuse (exit 2) to listen beyond loopback with no key configured."""
    if not is_loopback(host) and not keys.required:
        raise UsageError(
            f"--http {host}: binding beyond loopback needs API keys: set http.api_keys in the "
            "config or CODEGEN_HTTP_API_KEYS (comma-separated, NAME:KEY to name a key)"
        )


class AuthMiddleware:
    """Checks the bearer key of every request but those to ``open_paths`` (health checks);
    the key's id is left in ``request.state.client`` for the audit log."""

    def __init__(self, app: ASGIApp, keys: ApiKeys, open_paths: Collection[str]) -> None:
        self.app = app
        self.keys = keys
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") not in self.open_paths:
            header = dict(scope.get("headers") or []).get(b"authorization", b"")
            try:
                client = self.keys.client(header.decode("latin-1"))
            except ApiError as exc:
                await exc.response()(scope, receive, send)
                return
            scope.setdefault("state", {})["client"] = client
        await self.app(scope, receive, send)
