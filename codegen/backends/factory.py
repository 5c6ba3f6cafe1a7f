"""Model spec strings to backends, and the one-model-per-process cache behind the Assistant.

Specs: ``embedded`` (default), ``embedded-small``, ``gguf:PATH``; other prefixes register
a loader in ``LOADERS`` (``hf:``, ``openai:``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from codegen.backends.base import Backend
from codegen.backends.embedded import MODELS, Progress, ensure
from codegen.config import Settings
from codegen.errors import UsageError, did_you_mean

Loader = Callable[[str, Settings, Progress | None], Backend]


def _load_embedded(spec: str, settings: Settings, progress: Progress | None) -> Backend:
    from codegen.backends.llamacpp import LlamaCppBackend

    path = ensure(MODELS[spec], progress)
    return LlamaCppBackend(
        path,
        spec=spec,
        context_window=settings.context_window,
        threads=settings.threads,
        prefix_cache=settings.prefix_cache,
        share_cells=settings.shared_decoding,
    )


def _load_gguf(spec: str, settings: Settings, progress: Progress | None) -> Backend:
    from codegen.backends.llamacpp import LlamaCppBackend

    path = Path(spec.partition(":")[2]).expanduser()
    if settings.backend == "transformers":
        from codegen.backends.hf import load_gguf

        return load_gguf(path, spec, settings)
    return LlamaCppBackend(
        path,
        spec=spec,
        context_window=settings.context_window,
        threads=settings.threads,
        prefix_cache=settings.prefix_cache,
        share_cells=settings.shared_decoding,
    )


def _load_openai(spec: str, settings: Settings, progress: Progress | None) -> Backend:
    from codegen.backends.openai import OpenAIBackend

    return OpenAIBackend(
        spec,
        api_key=settings.openai_api_key,
        timeout=settings.openai_timeout,
        retries=settings.openai_retries,
        context_window=settings.context_window,
        logprobs=settings.openai_logprobs,
        grammar_field=settings.openai_grammar_field,
    )


def _load_hf(spec: str, settings: Settings, progress: Progress | None) -> Backend:
    from codegen.backends.hf import load_hf

    return load_hf(spec, settings)


# Prefix ("gguf:") or exact name ("embedded") -> loader. Other backends add theirs here.
LOADERS: dict[str, Loader] = {
    "embedded": _load_embedded,
    "embedded-small": _load_embedded,
    "gguf:": _load_gguf,
    "openai:": _load_openai,
    "hf:": _load_hf,
}


def loader_for(spec: str) -> Loader:
    if spec in LOADERS:
        return LOADERS[spec]
    prefix = spec.partition(":")[0] + ":"
    if ":" in spec and prefix in LOADERS:
        return LOADERS[prefix]
    names = [k for k in LOADERS if not k.endswith(":")] + [
        f"{k}…" for k in LOADERS if k.endswith(":")
    ]
    raise UsageError(
        f"unknown model '{spec}'{did_you_mean(spec, LOADERS)}; use one of: {', '.join(names)}"
    )


def check_spec(spec: str) -> None:
    """Raise a UsageError for a model spec no loader takes (before anything loads)."""
    loader_for(spec)
    if spec.startswith("openai:"):
        from codegen.backends.openai import parse_spec

        parse_spec(spec)
    if spec.startswith("gguf:"):
        path = Path(spec[5:]).expanduser()
        if not path.is_file():
            raise UsageError(f"--model {spec}: no such file '{path}'")
        with path.open("rb") as handle:
            if handle.read(4) != b"GGUF":
                raise UsageError(f"--model {spec}: '{path}' is not a GGUF model file")


class BackendPool:
    """Loaded backends by spec: each model loads once per process and is shared."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, int, int], Backend] = {}

    @staticmethod
    def _spec_key(spec: str, settings: Settings) -> str:
        """The spec plus what changes which model an hf:/gguf: spec loads."""
        if spec.startswith(("hf:", "gguf:")) and (
            settings.backend != "auto" or settings.device != "auto" or settings.adapter
        ):
            return f"{spec}|{settings.backend}|{settings.device}|{settings.adapter}"
        return spec

    def get(self, spec: str, settings: Settings, progress: Progress | None = None) -> Backend:
        key = (self._spec_key(spec, settings), settings.context_window, settings.threads)
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = loader_for(spec)(spec, settings, progress)
            return self._loaded[key]

    def put(self, spec: str, settings: Settings, backend: Backend) -> None:
        with self._lock:
            key = (self._spec_key(spec, settings), settings.context_window, settings.threads)
            self._loaded[key] = backend

    def close(self) -> None:
        with self._lock:
            for backend in self._loaded.values():
                backend.close()
            self._loaded.clear()


POOL = BackendPool()
