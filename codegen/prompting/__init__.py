"""Prompt building (templates, few-shot selection, token budget) and code extraction."""
