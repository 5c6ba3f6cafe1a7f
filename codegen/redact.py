"""Credentials never leave the process in clear: URL passwords and API keys are masked.

``redact`` masks the password of every ``scheme://user:password@host`` in a text
(``http://user:***@host``; a lone ``scheme://token@host`` becomes ``scheme://***@host``) and
every ``Bearer`` token and ``sk-…``-style key. It is applied where a model spec, a URL or an
error line is shown, logged or audited: backend names and error messages, the result's
``request.model``, the audit log, and (through ``RedactingFilter``) every log line the CLI
prints. The unredacted spec is kept only where it is needed to connect.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<info>[^/\s@?#]+)@")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{4,}")
_KEY = re.compile(r"\b(sk-[A-Za-z0-9_-]{3})[A-Za-z0-9_-]{8,}")


def _userinfo(match: re.Match[str]) -> str:
    user, sep, _password = match.group("info").partition(":")
    shown = f"{user}:{MASK}" if sep else MASK
    return f"{match.group('scheme')}{shown}@"


def redact(text: str) -> str:
    """``text`` with URL passwords, bearer tokens and API keys masked."""
    if "@" in text:
        text = _USERINFO.sub(_userinfo, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _KEY.sub(lambda m: m.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """A handler filter that masks credentials in the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
