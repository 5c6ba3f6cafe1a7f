"""The user directories codegen writes to, each movable by an environment variable.

- data dir (``$CODEGEN_DATA_DIR``): REPL history, user grammars, the audit log;
- cache dir (``$CODEGEN_CACHE_DIR``): assembled models, converted models, the response cache.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "codegen"


def data_dir() -> Path:
    override = os.environ.get("CODEGEN_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    override = os.environ.get("CODEGEN_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))
