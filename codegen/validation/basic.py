"""Kept for compatibility: the pipeline's validator is now ``tiered.TieredValidator``.

``BasicValidator`` is that validator (tree-sitter + ANTLR + the reference checkers).
"""

from __future__ import annotations

from codegen.validation.tiered import TieredValidator as BasicValidator

__all__ = ["BasicValidator"]
