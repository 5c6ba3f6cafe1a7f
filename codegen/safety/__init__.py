"""Content safety: blocked terms and patterns on descriptions, secret redaction, and dangerous
constructs flagged in generated code, each rule's action (block, warn, redact) set in config."""

from codegen.safety.checker import Screen, find, redact_secrets
from codegen.safety.rules import CODE_RULES, DESCRIPTION_RULES, REDACTED, RULE_NAMES

__all__ = [
    "CODE_RULES",
    "DESCRIPTION_RULES",
    "REDACTED",
    "RULE_NAMES",
    "Screen",
    "find",
    "redact_secrets",
]
