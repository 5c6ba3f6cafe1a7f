"""Per-language signatures: ``GenerationRequest.signature`` is one text or a mapping language ->
text, as ``tests`` is.

A bare text keeps its old meaning (every language must define its name); a mapping gives each
language its own signature and leaves the languages it does not name without one. The prompt of
a language never shows another language's syntax: a bare signature written in Python (``def``),
Rust (``fn``), Go (``func``) or JavaScript (``function``) is shown to the other languages as
the name alone (``prompting/builder.py``).

The CLI and the REPL take ``--signature SIG`` (bare) or ``--signature LANG=SIG`` (repeatable);
:func:`from_args` turns those into the request's field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from codegen import languages
from codegen.errors import UsageError, did_you_mean

Signature = str | Mapping[str, str] | None

# How a bare signature shows the language it is written in (first match wins).
_WRITTEN_IN = (
    ("python", re.compile(r"^\s*(?:async\s+)?def\s+\w")),
    ("rust", re.compile(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?fn\s+\w")),
    ("go", re.compile(r"^\s*func\s+[\w(]")),
    ("javascript", re.compile(r"^\s*(?:export\s+)?(?:async\s+)?function\b")),
)
_SAME_SYNTAX = {"javascript": ("javascript", "typescript")}
_LANG_PREFIX = re.compile(r"^([A-Za-z][\w+#.-]*)=(.*)$", re.S)


def written_in(signature: str) -> str | None:
    """The language a signature's syntax shows (None when it could be several)."""
    for name, pattern in _WRITTEN_IN:
        if pattern.match(signature):
            return name
    return None


def foreign(signature: str, language: str) -> bool:
    """Whether ``signature``'s syntax is another language's than ``language``'s."""
    syntax = written_in(signature)
    return syntax is not None and language not in _SAME_SYNTAX.get(syntax, (syntax,))


def checked(value: object, where: str = "") -> Signature:
    """The request field from a loose value (text, mapping or None); UsageError naming the key
    for an unknown language (with a did-you-mean) or a value that is not text."""
    prefix = f"{where}: " if where else ""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise UsageError(
            f"{prefix}signature: expected a signature or a mapping of language to signature, "
            f"got {value!r}"
        )
    out: dict[str, str] = {}
    for key, sig in value.items():
        lang = languages.find(str(key))
        if lang is None:
            names = [lang.name for lang in languages.all_languages()]
            hint = did_you_mean(str(key), names)
            raise UsageError(f"{prefix}signature.{key}: unknown language{hint}")
        if not isinstance(sig, str) or not sig.strip():
            raise UsageError(f"{prefix}signature.{key}: expected the signature as a text")
        out[lang.name] = sig
    return out or None


def from_args(values: Sequence[str] | None, flag: str = "--signature") -> Signature:
    """``--signature`` values: one bare SIG, or any number of LANG=SIG (not both)."""
    if not values:
        return None
    bare = [v for v in values if _LANG_PREFIX.match(v) is None]
    pairs = [_LANG_PREFIX.match(v) for v in values]
    mapping: dict[str, str] = {}
    for match in pairs:
        if match is None:
            continue
        name, sig = match.group(1), match.group(2)
        lang = languages.find(name)
        if lang is None:
            names = [lang.name for lang in languages.all_languages()]
            raise UsageError(f"{flag} {name}=…: unknown language{did_you_mean(name, names)}")
        if lang.name in mapping:
            raise UsageError(f"{flag}: '{lang.name}' is given twice")
        mapping[lang.name] = sig
    if bare and (mapping or len(bare) > 1):
        raise UsageError(f"{flag}: give one SIG for every language, or LANG=SIG for each")
    return bare[0] if bare else mapping
