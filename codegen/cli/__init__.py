"""Command-line front end: one module per command, each with ``register`` and ``run``."""
