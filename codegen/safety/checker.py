"""Screening descriptions before the model and candidates after it, per the configured actions.

``Screen(settings)``: ``description(text)`` returns the text to use (secrets redacted) and the
findings, or raises ``SafetyRefusal`` naming the rule; ``code(text)`` returns the code to show
(redacted where a rule's action is ``redact``) and one finding per match.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal, cast

from codegen.config import Settings
from codegen.errors import SafetyRefusal
from codegen.safety.rules import (
    CODE_RULES,
    DESCRIPTION_RULES,
    REDACTED,
    RULE_NAMES,
    Rule,
    compiled,
    is_placeholder,
)
from codegen.types import SafetyFinding

Action = Literal["block", "warn", "redact"]


@dataclass
class _Match:
    rule: Rule
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Screen:
    enabled: bool = True
    actions: dict[str, Action] = field(default_factory=dict)
    blocked_terms: tuple[str, ...] = ()
    blocked_patterns: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> Screen:
        actions = {name: cast(Action, getattr(settings, f"safety_{name}")) for name in RULE_NAMES}
        return cls(
            enabled=settings.safety_enabled,
            actions=actions,
            blocked_terms=settings.safety_blocked_terms,
            blocked_patterns=settings.safety_blocked_patterns,
        )

    def action(self, rule: str) -> Action:
        return self.actions.get(rule, "warn")

    def fingerprint(self) -> str:
        """A short hash of the configuration (part of the response cache key)."""
        text = repr(
            (self.enabled, sorted(self.actions.items()), self.blocked_terms, self.blocked_patterns)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def description(self, text: str) -> tuple[str, tuple[SafetyFinding, ...]]:
        """The description to send on, and what was found; SafetyRefusal when blocked."""
        if not self.enabled:
            return text, ()
        self._check_blocked(text)
        return self._apply(text, DESCRIPTION_RULES, where="description")

    def code(self, text: str) -> tuple[str, tuple[SafetyFinding, ...]]:
        """The code to show, and one finding per rule match (line numbers 1-based)."""
        if not self.enabled:
            return text, ()
        return self._apply(text, CODE_RULES, where="code")

    def _check_blocked(self, text: str) -> None:
        lowered = text.lower()
        for term in self.blocked_terms:
            if re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", lowered):
                raise SafetyRefusal(
                    f"description refused by safety rule 'safety.blocked_terms' (term '{term}')",
                    rule="blocked_terms",
                )
        for pattern in self.blocked_patterns:
            if re.search(pattern, text, re.IGNORECASE):
                raise SafetyRefusal(
                    f"description refused by safety rule 'safety.blocked_patterns' "
                    f"(pattern '{pattern}')",
                    rule="blocked_patterns",
                )

    def _apply(
        self, text: str, rules: tuple[Rule, ...], where: str
    ) -> tuple[str, tuple[SafetyFinding, ...]]:
        matches = find(text, rules)
        findings = []
        reported: set[tuple[str, int]] = set()
        for m in matches:
            if (m.rule.name, m.line) in reported:
                continue
            reported.add((m.rule.name, m.line))
            action = self.action(m.rule.name)
            if action == "block" and where == "description":
                raise SafetyRefusal(
                    f"description refused by safety rule 'safety.{m.rule.name}' "
                    f"({m.rule.message}, line {m.line})",
                    rule=m.rule.name,
                )
            verb = {"block": "blocked", "warn": "found", "redact": "redacted"}[action]
            findings.append(SafetyFinding(m.rule.name, action, f"{m.rule.message} {verb}", m.line))
        redact = [m for m in matches if self.action(m.rule.name) == "redact"]
        return _redact(text, redact), tuple(findings)


def find(text: str, rules: tuple[Rule, ...]) -> list[_Match]:
    """Every match of ``rules`` in ``text`` in text order (overlaps go to the earlier rule)."""
    out: list[_Match] = []
    taken: list[tuple[int, int]] = []
    for rule in rules:
        for pattern in rule.patterns:
            rx = compiled(pattern)
            for hit in rx.finditer(text):
                group = rule.redact_group if rule.redact_group <= (rx.groups or 0) else 0
                start, end = hit.span(group)
                if start < 0 or is_placeholder(hit.group(group)):
                    continue
                if any(s <= start < e for s, e in taken) and rule.name != "tls_verify_off":
                    continue  # already covered by an earlier (more specific) rule
                line = text.count("\n", 0, start) + 1
                taken.append((start, end))
                out.append(_Match(rule, start, end, line))
    return sorted(out, key=lambda m: (m.start, m.rule.name))


def redact_secrets(text: str) -> str:
    """``text`` with every secret replaced by REDACTED, whatever the configured action."""
    return _redact(text, find(text, DESCRIPTION_RULES))


def _redact(text: str, matches: list[_Match]) -> str:
    spans = sorted({(m.start, m.end) for m in matches}, reverse=True)
    last = len(text) + 1
    for start, end in spans:
        if end > last:
            continue
        text = text[:start] + REDACTED + text[end:]
        last = start
    return text
