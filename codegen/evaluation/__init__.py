"""Benchmarks run through the same Assistant as every front end (``codegen eval``)."""
