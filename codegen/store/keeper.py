"""What the facade does around the stages for safety, the response cache and the audit log.

``Keeper.admit`` screens a request (refusal or redaction) and computes its cache key;
``lookup`` serves a deterministic request from the cache without loading any model;
``screen`` applies the code rules to one candidate; ``close`` stores the answer, writes the
audit line and returns the result with its warnings. The Assistant calls these four hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from codegen.config import Settings
from codegen.errors import SafetyRefusal
from codegen.safety import Screen, redact_secrets
from codegen.store import audit as audit_mod
from codegen.store import keys
from codegen.store.cache import ResponseCache
from codegen.store.cache import default_path as cache_path
from codegen.types import (
    Candidate,
    Diagnostic,
    GenerationRequest,
    Interface,
    Result,
    SafetyFinding,
)

log = logging.getLogger(__name__)
UNCACHEABLE = ("cancelled", "error")


@dataclass
class Ticket:
    """One request as admitted: redacted, with its findings, warnings and cache key."""

    request_id: str
    request: GenerationRequest
    findings: tuple[SafetyFinding, ...] = ()
    warnings: list[str] = field(default_factory=list)
    key: str | None = None
    client: str | None = None  # the API key id of an HTTP client, for the audit line


class Keeper:
    def __init__(
        self,
        settings: Settings,
        *,
        interface: Interface,
        cache: ResponseCache | None = None,
        audit: audit_mod.AuditLog | None = None,
        use_cache: bool = True,
    ) -> None:
        self.settings = settings
        self.interface = interface
        self.screen_rules = Screen.from_settings(settings)
        self.audit = audit or audit_mod.AuditLog.from_settings(settings)
        if cache is None and use_cache and settings.cache_enabled:
            max_bytes = int(settings.cache_max_mb * (1 << 20))
            cache = ResponseCache(cache_path(settings.cache_path), max_bytes)
        self.cache = cache

    def admit(
        self,
        request: GenerationRequest,
        request_id: str,
        spec: str,
        stages: Any,
        client: str | None = None,
    ) -> Ticket:
        try:
            text, findings = self.screen_rules.description(request.description)
        except SafetyRefusal as exc:
            record = audit_mod.refusal_record(
                request_id,
                redact_secrets(request.description),
                self.interface,
                exc.rule,
                client=client,
            )
            self._append(record, [])
            raise
        ticket = Ticket(request_id, request.with_changes(description=text), findings, client=client)
        for f in findings:
            done = "was redacted" if f.action == "redact" else "was sent as written"
            ticket.warnings.append(
                f"description: {f.message.rsplit(' ', 1)[0]} (rule safety.{f.rule}) {done}"
            )
        if self.cache is not None and keys.deterministic(ticket.request):
            ticket.key = self._key(ticket.request, spec, stages)
        return ticket

    def _key(self, request: GenerationRequest, spec: str, stages: Any) -> str | None:
        assert self.cache is not None
        try:
            identity = keys.model_identity(spec, self.cache)
        except OSError:
            return None  # a missing model file: the load will say so
        names = {
            part: f"{type(getattr(stages, part)).__module__}.{type(getattr(stages, part)).__name__}"
            for part in ("validator", "compiler", "repairer", "ranker", "fixer")
            if hasattr(stages, part)
        }
        extra = {**names, "safety": self.screen_rules.fingerprint()}
        return keys.request_key(request, identity, self.settings, extra)

    def has_answer(self, request: GenerationRequest, spec: str, stages: Any) -> bool:
        """Whether ``request`` would be answered from the cache, with no side effect (no audit
        line, no counter): a front end that queues model work can let it skip the queue."""
        if self.cache is None or not keys.deterministic(request):
            return False
        try:
            text, _ = self.screen_rules.description(request.description)
        except SafetyRefusal:
            return False
        key = self._key(request.with_changes(description=text), spec, stages)
        return key is not None and self.cache.contains(key)

    def lookup(self, ticket: Ticket) -> tuple[str, tuple[Candidate, ...]] | None:
        """(model name, candidates) of a stored answer to this request, or None."""
        if self.cache is None or ticket.key is None:
            return None
        value = self.cache.get(ticket.key)
        if value is None:
            return None
        try:
            return str(value["model"]), keys.decode_candidates(value)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("response cache: ignoring a malformed entry (%s)", exc)
            return None

    def screen(self, cand: Candidate, revalidate: Callable[[Candidate], Candidate]) -> Candidate:
        """Apply the code rules: record findings, redact, and mark blocked candidates invalid."""
        code, findings = self.screen_rules.code(cand.code)
        if not findings:
            return cand
        raw, _ = self.screen_rules.code(cand.raw_text)
        changed = code != cand.code
        cand = cand.evolve(code=code, raw_text=raw, safety=findings)
        if changed:
            cand = revalidate(cand)
        blocked = [f for f in findings if f.action == "block"]
        if blocked:
            notes = tuple(
                Diagnostic(
                    f.line or 1,
                    1,
                    f.line or 1,
                    1,
                    f"withheld by safety rule 'safety.{f.rule}': {f.message}",
                    "safety",
                )
                for f in blocked
            )
            cand = cand.evolve(
                code="", raw_text="", valid=False, diagnostics=(*cand.diagnostics, *notes)
            )
        return cand

    def close(self, ticket: Ticket, result: Result) -> Result:
        """Store a fresh deterministic answer, write the audit line; the result with warnings."""
        warnings = list(ticket.warnings)
        if (
            self.cache is not None
            and ticket.key is not None
            and not result.cached
            and not any(c.finish_reason in UNCACHEABLE for c in result.candidates)
        ):
            self.cache.put(ticket.key, keys.encode(result.model, result.candidates))
        result = replace(result, safety=ticket.findings)
        self._append(
            audit_mod.request_record(result, self.interface, client=ticket.client), warnings
        )
        return replace(result, warnings=tuple(warnings))

    def _append(self, record: dict[str, Any], warnings: list[str]) -> None:
        try:
            self.audit.append(record)
        except audit_mod.AuditError as exc:
            log.warning("%s", exc)
            warnings.append(str(exc))
