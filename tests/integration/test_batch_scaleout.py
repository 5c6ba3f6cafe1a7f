"""Scale-out: `codegen batch --model openai:URL1,URL2#MODEL` over two real llama.cpp servers on
127.0.0.1; one is killed mid-run and the batch still completes every task."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from codegen.backends.embedded import MODELS, ensure
from codegen.cli.main import main
from tests.integration.llama_server import LlamaServer

pytestmark = pytest.mark.integration

IDS = [f"s{i}" for i in range(1, 7)]
SPEC = (
    "defaults: {languages: [python], n: 1, temperature: 0.0, max_tokens: 32}\ntasks:\n"
    + "".join(
        f"  - id: {task_id}\n    description: Return the given integer plus {i}.\n"
        for i, task_id in enumerate(IDS, 1)
    )
)


def _manifest(out: Path) -> dict[str, Any]:
    try:
        tasks: dict[str, Any] = json.loads((out / "manifest.json").read_text())["tasks"]
        return tasks
    except (OSError, ValueError, KeyError):
        return {}


def test_a_batch_survives_one_of_two_servers_dying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CODEGEN_FEW_SHOT", "0")  # short prompts: cheap on 2 cores
    monkeypatch.setenv("CODEGEN_REPAIR_ROUNDS", "0")
    gguf = ensure(MODELS["embedded-small"])
    first = LlamaServer(gguf, tmp_path / "first.log")
    second = LlamaServer(gguf, tmp_path / "second.log")
    try:
        first.wait_ready()
        second.wait_ready()
        spec, out = tmp_path / "spec.yaml", tmp_path / "out"
        spec.write_text(SPEC, encoding="utf-8")
        model = f"openai:{first.url},{second.url}#small"
        argv = ["batch", str(spec), "--out", str(out), "--jobs", "2", "-q", "--model", model]
        codes: list[int] = []
        runner = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
        runner.start()
        deadline = time.monotonic() + 300
        while not _manifest(out) and runner.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        killed_with = len(_manifest(out))
        second.kill()
        runner.join(timeout=500)
        assert not runner.is_alive(), "the batch did not finish after a server died"
    finally:
        first.kill()
        second.kill()
    assert killed_with < len(IDS), "every task finished before the kill"
    assert codes and codes[0] in (0, 1), capsys.readouterr().err
    manifest = _manifest(out)
    assert sorted(manifest) == IDS
    report = json.loads((out / "report.json").read_text())
    assert [t["status"] for t in report["tasks"]] == [manifest[i]["status"] for i in IDS]
    assert all(t["status"] != "error" for t in report["tasks"]), report["tasks"]
    assert {t["result"]["model"] for t in report["tasks"]} == {model}
