"""Repair of invalid candidates: deterministic steps first, then the model."""
