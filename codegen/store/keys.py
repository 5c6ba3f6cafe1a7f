"""Response cache keys and the (de)serialisation of cached candidates.

The key covers everything that changes the answer without needing the model loaded: the
model's identity, the request's fields, the content of every context file used (a directory
by the contents of the files it contributes), the prompt templates and few-shot files, every
setting that may shape the answer, the stages and the safety configuration, and codegen's
version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.prompting import context
from codegen.types import Candidate, Diagnostic, GenerationRequest, RepairStep, SafetyFinding
from codegen.version import __version__

if TYPE_CHECKING:
    from codegen.config import Settings
    from codegen.store.cache import ResponseCache

KEY_VERSION = 3  # 3: context files by content hash


def deterministic(request: GenerationRequest) -> bool:
    """Only these may be served from the cache: temperature 0 or a fixed seed."""
    return request.temperature == 0 or request.seed is not None


def model_identity(spec: str, cache_db: ResponseCache) -> str:
    """Who answers ``spec``, without loading it: pinned hash, file fingerprint or the spec."""
    from codegen.backends.embedded import MODELS

    if spec in MODELS:
        return f"{spec}:sha256:{MODELS[spec].sha256}"
    if spec.startswith("gguf:"):
        return "gguf:" + cache_db.file_identity(Path(spec[5:]))
    return spec


def request_key(
    request: GenerationRequest, identity: str, settings: Settings, extra: Mapping[str, str]
) -> str:
    """The cache key of ``request`` (its description already redacted)."""

    parts = {
        "v": KEY_VERSION,
        "codegen": __version__,
        "model": identity,
        "request": request.to_dict(),
        "context": [context_fingerprint(item) for item in request.context],
        "prompts": _prompts_fingerprint(),
        "settings": output_settings(settings),
        **extra,
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# Settings that cannot change an answer (or are in the request or the model identity).
NOT_IN_KEY = frozenset(
    {
        "cache_enabled",
        "cache_max_mb",
        "cache_path",
        "audit_enabled",
        "audit_max_mb",
        "audit_path",
        "color",
        "threads",
        "prefix_cache",  # the same answers with and without, by construction
        "openai_api_key",
        "openai_timeout",
        "openai_retries",
        "model",
        "languages",
        "n",
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
        # serve --http's keys and limits: instances with other keys share one cache.
        "http_api_keys",
        "http_max_body_kb",
        "http_queue_depth",
        "http_workers",
        # editor completions: how many and how long go into the request; the rest is timing.
        "server_inline_n",
        "server_inline_max_tokens",
        "server_debounce",
    }
)


def output_settings(settings: Settings) -> dict[str, Any]:
    """Every setting that may shape an answer: prompt, stages, ranking weights, limits."""
    from codegen.config import attr_names

    return {name: getattr(settings, name) for name in attr_names() if name not in NOT_IN_KEY}


def context_fingerprint(item: str) -> list[Any]:
    """What a context item contributes to the key: a file's path and content hash; a
    directory's path and the hash of its files' names and content hashes (the files
    ``prompting.context`` reads from it); text is in the request already. Editing any file
    used changes the key, whatever its size and modification time."""
    if not context.is_path(item):
        return [item]
    path = Path(item).expanduser()
    try:
        if path.is_dir():
            digest = hashlib.sha256()
            for file in context.files_under(path):
                digest.update(file.relative_to(path).as_posix().encode() + b"\0")
                digest.update(_file_hash(file).encode())
            return [str(path.resolve()), "dir", digest.hexdigest()]
        return [str(path.resolve()), _file_hash(path)]
    except OSError:
        return [item]  # unreadable: loading the context will say so


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _prompts_fingerprint() -> str:
    from codegen.resources import data_dir

    digest = hashlib.sha256()
    root = Path(str(data_dir("prompts")))
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def encode(model: str, candidates: tuple[Candidate, ...]) -> dict[str, Any]:
    return {"model": model, "candidates": [c.to_dict() for c in candidates]}


def decode_candidates(value: Mapping[str, Any]) -> tuple[Candidate, ...]:
    """Candidates back from ``encode``; KeyError/TypeError/ValueError when it is malformed."""
    out = []
    for data in value["candidates"]:
        out.append(
            Candidate(
                id=data["id"],
                language=data["language"],
                code=data["code"],
                raw_text=data["raw_text"],
                finish_reason=data["finish_reason"],
                prompt_tokens=int(data["prompt_tokens"]),
                completion_tokens=int(data["completion_tokens"]),
                mean_logprob=data["mean_logprob"],
                valid=data["valid"],
                diagnostics=tuple(Diagnostic.from_dict(d) for d in data["diagnostics"]),
                repairs=tuple(RepairStep(**r) for r in data["repairs"]),
                validators=tuple(data["validators"]),
                rank=data["rank"],
                score=data["score"],
                score_parts=dict(data["score_parts"]),
                safety=tuple(SafetyFinding(**f) for f in data.get("safety", [])),
                constrained=bool(data.get("constrained", False)),
                compiles=_optional_bool(data.get("compiles")),
                duplicate_of=data.get("duplicate_of"),
            )
        )
    return tuple(out)


def _optional_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"expected true, false or null, got {value!r}")
