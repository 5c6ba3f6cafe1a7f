"""Syntax validation: the ``Validator`` seam and its tiers (tree-sitter, ANTLR, reference)."""
