"""``[HOST:]PORT`` listen addresses for ``codegen serve --tcp`` and ``--http``."""

from __future__ import annotations

from codegen.errors import UsageError


def parse_address(text: str, flag: str = "--tcp") -> tuple[str, int]:
    """``PORT`` or ``HOST:PORT`` (host 127.0.0.1 unless given; ``[::1]:PORT`` for IPv6)."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host = "127.0.0.1"
    host = host.strip("[]") or "127.0.0.1"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(f"{flag} {text}: expected [HOST:]PORT with PORT in 0-65535")
    return host, int(port_text)
