"""codegen: natural-language code generation with syntax validation, repair and ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.version import __version__ as __version__

__all__ = ["Assistant", "Candidate", "Diagnostic", "GenerationRequest", "Result"]

if TYPE_CHECKING:
    from codegen.assistant import Assistant
    from codegen.types import Candidate, Diagnostic, GenerationRequest, Result


def __getattr__(name: str) -> Any:
    # Lazy so that `codegen --help` does not pay for the model stack.
    if name == "Assistant":
        from codegen.assistant import Assistant

        return Assistant
    if name in {"Candidate", "Diagnostic", "GenerationRequest", "Result"}:
        from codegen import types

        return getattr(types, name)
    raise AttributeError(name)
