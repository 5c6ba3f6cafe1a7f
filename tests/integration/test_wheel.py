"""The wheel carries prompts/, grammars/ and schemas/ inside the package (codegen/_data/)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_ships_data_folders(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("codegen_assistant-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in [
        "codegen/_data/prompts/system.j2",
        "codegen/_data/prompts/repair.j2",
        "codegen/_data/schemas/result.schema.json",
        "codegen/assistant.py",
        "codegen/_data/prompts/examples/python.yaml",
    ]:
        assert required in names, required
