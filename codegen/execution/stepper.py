"""The step runner: the first program inside a sandbox, running the run's steps in order.

Its source is handed to the sandbox's Python (``python3 -I -S -c SOURCE SPEC``); it imports
nothing of codegen and keeps to old Python. ``SPEC`` is JSON: ``status`` (an fd), ``fds``
(every fd it was given) and ``steps``, each with ``argv``, ``env``, ``stdin`` (an fd or null
for /dev/null), ``stdout`` and ``stderr`` (fds) and ``limits`` ([rlimit name, soft, hard]).
Each step runs as a child with exactly fds 0-2 and its rlimits; after it, one line
``"<index> <status>"`` goes to ``status`` (the exit status, or minus the signal that killed
it; 127 when it could not start). The first step that fails ends the run.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any


def _child(step: dict[str, Any], fds: list[int]) -> None:
    stdin = step["stdin"] if step["stdin"] is not None else os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.dup2(step["stdout"], 1)
    os.dup2(step["stderr"], 2)
    os.closerange(3, max([*fds, stdin]) + 1)
    for name, soft, hard in step["limits"]:
        resource.setrlimit(getattr(resource, name), (soft, hard))
    argv = step["argv"]
    try:
        os.execvpe(argv[0], argv, step["env"])
    except OSError as exc:
        os.write(2, f"cannot run {argv[0]}: {exc.strerror}\n".encode())


def _run(step: dict[str, Any], fds: list[int]) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            _child(step, fds)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    for index, step in enumerate(spec["steps"]):
        code = _run(step, spec["fds"])
        os.write(spec["status"], f"{index} {code}\n".encode())
        if code != 0:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
