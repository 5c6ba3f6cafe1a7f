"""The content-safety rules: what each one matches, and the action it takes by default.

Each rule is a name (also its config key ``safety.<name>``), the regular expressions that
find it, and the group holding the part to redact (0: the whole match). ``secrets`` apply to
descriptions and code; the others to generated code only. Patterns are written to match
what a model writes, not every obfuscation: they flag, they do not sandbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Rule:
    name: str
    message: str
    patterns: tuple[str, ...]
    redact_group: int = 0  # the group replaced by REDACTED
    scope: str = "code"  # "code" or "both" (description and code)


def _c(*patterns: str) -> tuple[str, ...]:
    return patterns


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """Patterns compile on first use: start-up (a cache hit) pays only for what it runs."""
    return re.compile(pattern)


REDACTED = "REDACTED"

# A value that looks like a secret, not a word: 6+ non-space characters with a digit or symbol.
_SECRETISH = r"(?=[^\s'\"`]*[0-9_!@#$%^&*+/=-])[^\s'\"`,;]{6,}"
_PLACEHOLDER = re.compile(
    r"(?i)^(x+|\*+|\.+|changeme|change_me|your[_-]?\w*|<[^>]*>|\$\{?\w+\}?|%\(?\w*\)?s?|"
    r"none|null|redacted|example\w*|dummy\w*|test\w*|fake\w*|secret|password|token)$"
)

SECRETS = Rule(
    "secrets",
    "secret (key, token or password)",
    _c(
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bgh[pousr]_[A-Za-z0-9]{36,}\b",
        r"\bgithub_pat_[A-Za-z0-9_]{40,}\b",
        r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}",
        r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
        r"\bAIza[0-9A-Za-z_-]{35}\b",
        r"\b[rs]k_live_[0-9A-Za-z]{16,}\b",
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*?"
        r"(?:-----END (?:[A-Z]+ )?PRIVATE KEY-----|$)",
    ),
    scope="both",
)

# "password is hunter2", "api key: sk3cr3t!" in prose (descriptions only).
SECRET_PHRASES = Rule(
    "secrets",
    "password or token given in the text",
    _c(
        r"(?i)\b(?:password|passwd|pwd|passphrase|api[ _-]?key|secret|token)\s*(?:is|=|:)\s*"
        r"['\"]?(" + _SECRETISH + r")",
    ),
    redact_group=1,
    scope="description",
)

# scheme://user:password@host, in descriptions and code.
URL_PASSWORD = Rule(
    "secrets",
    "password in a URL",
    _c(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:([^\s@/'\"{}<>$%]{3,})@[\w.-]+"),
    redact_group=1,
    scope="both",
)

HARDCODED_CREDENTIALS = Rule(
    "hardcoded_credentials",
    "hard-coded credential",
    _c(
        r"(?i)(?:password|passwd|pwd|passphrase|secret|api_?key|access_?key|auth_?token"
        r"|private_?key|client_?secret)\w*['\"]?\s*(?::=|=|:|=>)\s*[bfr]?(['\"])([^'\"\s]{4,})\1",
    ),
    redact_group=2,
)

RM_RF = Rule(
    "rm_rf",
    "recursive forced delete of / or ~",
    _c(
        r"\brm\s+(?:-[a-zA-Z]*(?:r[a-zA-Z]*f|f[a-zA-Z]*r)[a-zA-Z]*|(?:-[rRf]\s+){1,2}-[rRf]"
        r"|--recursive\s+--force|--force\s+--recursive)\s+(?:--no-preserve-root\s+)?"
        r"[\"']?(?:/\*?|~/?\*?|\$HOME/?\*?|\$\{HOME\}/?)(?=[\s\"';)`&|]|$)",
        r"\bshutil\.rmtree\(\s*(?:['\"](?:/|~|/\*)['\"]|os\.path\.expanduser\(\s*['\"]~['\"]\s*\))",
    ),
)

CURL_PIPE_SH = Rule(
    "curl_pipe_sh",
    "downloaded script piped into a shell",
    _c(
        r"\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+)?(?:-\S+\s+)*(?:ba|z|k|da|fi)?sh\b",
        r"\b(?:ba|z)?sh\s+(?:-c\s+)?[\"']?\$\(\s*(?:curl|wget)\b",
        r"\b(?:iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b[^|\n]*\|\s*(?:iex|Invoke-Expression)",
    ),
)

EVAL_INPUT = Rule(
    "eval_input",
    "eval/exec of user input",
    _c(
        r"\b(?:eval|exec)\s*\(\s*(?:input|raw_input)\s*\(",
        r"\b(?:eval|exec)\s*\(\s*(?:sys\.argv|sys\.stdin|request\.|req\.|process\.argv"
        r"|prompt\s*\(|params\[|args\.|argv\[|\$_(?:GET|POST|REQUEST))",
        r"(?m)^\s*eval\s+[\"']?\$(?:[1-9@*]|\{[1-9@*])",
        r"\bnew\s+Function\s*\(\s*(?:req\.|request\.|process\.argv|prompt\s*\()",
    ),
    scope="code",
)

SHELL_INJECTION = Rule(
    "shell_injection",
    "shell command built by interpolation",
    _c(
        r"\bos\.(?:system|popen)\s*\(\s*(?:f['\"]|['\"][^'\"\n]*['\"]\s*(?:%|\+|\.format\b)"
        r"|[A-Za-z_][\w.]*\s*(?:\+|%))",
        r"\bsubprocess\.\w+\(\s*(?:f['\"]|['\"][^'\"\n]*['\"]\s*(?:%|\+|\.format\b))"
        r"[^\n]*shell\s*=\s*True",
        r"\b(?:child_process\.)?exec(?:Sync)?\(\s*`[^`]*\$\{",
    ),
)

TLS_VERIFY_OFF = Rule(
    "tls_verify_off",
    "TLS certificate verification turned off",
    _c(
        r"\bverify\s*=\s*False\b",
        r"\bssl\._create_unverified_context\s*\(",
        r"\bverify_mode\s*=\s*(?:ssl\.)?CERT_NONE\b",
        r"\bcheck_hostname\s*=\s*False\b",
        r"\brejectUnauthorized\s*:\s*false\b",
        r"\bNODE_TLS_REJECT_UNAUTHORIZED\b\s*=\s*['\"]?0",
        r"\bInsecureSkipVerify\s*:\s*true\b",
        r"\bcurl\s+(?:[^\n|;]*\s)?(?:-k|--insecure)\b",
        r"\bdanger_accept_invalid_certs\s*\(\s*true\s*\)",
        r"\bCURLOPT_SSL_VERIFYPEER\s*,\s*(?:0|false|0L)\b",
    ),
)

# Code rules in priority order; descriptions get the secret rules only.
CODE_RULES: tuple[Rule, ...] = (
    SECRETS,
    URL_PASSWORD,
    HARDCODED_CREDENTIALS,
    RM_RF,
    CURL_PIPE_SH,
    EVAL_INPUT,
    SHELL_INJECTION,
    TLS_VERIFY_OFF,
)
DESCRIPTION_RULES: tuple[Rule, ...] = (SECRETS, SECRET_PHRASES, URL_PASSWORD)
RULE_NAMES = tuple(dict.fromkeys(r.name for r in CODE_RULES))


def is_placeholder(value: str) -> bool:
    """True for values like "changeme", "<token>", "${API_KEY}" that are not real secrets."""
    return bool(_PLACEHOLDER.match(value.strip()))
