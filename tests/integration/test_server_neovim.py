"""A real editor: Neovim (Debian's package) drives `codegen serve --stdio` headless with its
built-in LSP client and a Lua script (tests/integration/nvim/drive.lua): diagnostics at the
right line for a syntax error, and the code action on a comment puts valid generated code
(embedded-small) into the buffer through workspace/executeCommand and workspace/applyEdit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).parent / "nvim" / "drive.lua"
COMMENT = "# Return the sum of the squares of the numbers in a list\n"

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="Neovim is not installed (scripts/system-deps.sh)"
)


def test_neovim_shows_diagnostics_and_runs_the_code_action(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def ok():\n    return 1\nx = (1,\ny = 2\n")
    (tmp_path / "comment.py").write_text(COMMENT)
    out = tmp_path / "seen.json"
    server = [sys.executable, "-m", "codegen", "serve", "--stdio", "--model", "embedded-small"]
    env = {
        **os.environ,
        "CODEGEN_NVIM_CMD": json.dumps(server),
        "CODEGEN_NVIM_DIR": str(tmp_path),
        "CODEGEN_NVIM_OUT": str(out),
        "CODEGEN_N": "1",
        "CODEGEN_MAX_TOKENS": "128",
        "CODEGEN_TEMPERATURE": "0",
        "HOME": str(tmp_path),  # no user config, shada or plugins
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    nvim = ["nvim", "--headless", "--clean", "-n", "-i", "NONE", "-c", f"luafile {DRIVER}"]
    try:
        done = subprocess.run(nvim, env=env, cwd=tmp_path, timeout=300, capture_output=True)
    except subprocess.TimeoutExpired as stuck:
        tail = (stuck.stderr or b"").decode(errors="replace")[-2000:]
        pytest.fail(f"Neovim did not finish within 300 s (the driver gives up after 290 s): {tail}")
    assert out.exists(), done.stderr.decode(errors="replace")[-2000:]
    seen = json.loads(out.read_text())
    assert "error" not in seen, seen
    assert seen["diagnostics_arrived"], seen
    first = seen["diagnostics"][0]
    assert (first["lnum"], first["col"]) == (2, 4), seen  # line 3's unclosed '(', 0-based
    assert "never closed" in first["message"]
    assert seen["actions"] == ["Generate code from this comment"], seen
    assert seen["edited"], seen
    text = "\n".join(seen["lines"])
    assert text.startswith(COMMENT.rstrip("\n")) and "def " in text
    compile(text, "comment.py", "exec")  # valid Python in the buffer
