"""The sandbox attacks of test_sandbox_security.py, run as a normal user (not root).

test_sandbox_user.py starts this script as an unprivileged uid inside a cgroup delegated to
it; it prints one JSON object: each case's name -> the runs' results. ``argv[1]`` is a file
only this uid may read (planted by the test), the secret the attacks go after.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from codegen.execution.runners import run_source, supported
from codegen.execution.sandbox import Limits, RunResult, Sandbox, isolation_problem

PYTHON = "/usr/bin/python3"


def run(code: str, limits: Limits, memory_limit: bool = True) -> RunResult:
    sandbox = Sandbox(limits)
    return sandbox.run([PYTHON, "-I", "main.py"], {"main.py": code}, memory_limit=memory_limit)


def fork_bomb_and_neighbour() -> list[RunResult]:
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    normal = (
        "import os\nfor _ in range(20):\n    pid = os.fork()\n    if pid == 0:\n"
        "        os._exit(0)\n    os.waitpid(pid, 0)\nprint('forked 20')\n"
    )
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(run, bomb, Limits(wall_s=4.0, cpu_s=3))
        time.sleep(1.0)
        second = pool.submit(run, normal, Limits(wall_s=20.0))
        return [first.result(), second.result()]


def cross_kill() -> list[RunResult]:
    victim_code = "import time\ntime.sleep(3)\nprint('alive')\n"
    attack = (
        "import os, signal\nprint('pid', os.getpid(), flush=True)\nos.kill(-1, signal.SIGKILL)\n"
    )
    with ThreadPoolExecutor(1) as pool:
        victim = pool.submit(run, victim_code, Limits(wall_s=15.0))
        time.sleep(0.5)
        attacker = run(attack, Limits(wall_s=10.0))
        return [victim.result(), attacker]


def cases(secret: str) -> dict[str, Any]:
    read = f"try:\n    print(open({secret!r}).read())\nexcept OSError as exc:\n    print(exc)\n"
    children = (
        "import os, time\nfor _ in range(6):\n    if os.fork() == 0:\n"
        "        block = b'x' * (900 << 20)\n        time.sleep(30)\n        os._exit(0)\n"
        "time.sleep(30)\n"
    )
    files = (
        "import sys\nchunk = b'x' * (16 << 20)\nfor k in range(40):\n    try:\n"
        "        open(f'f{k}.bin', 'wb').write(chunk)\n    except OSError as exc:\n"
        "        sys.exit(f'wrote {k} files: {exc}')\n"
    )
    unshare = (
        "import subprocess\nproc = subprocess.run(['unshare', '-r', 'id'], capture_output=True,"
        " text=True)\nprint(proc.returncode, proc.stdout.strip(), proc.stderr.strip())\n"
    )
    found: dict[str, Any] = {"uid": os.getuid(), "problem": isolation_problem()}
    limits = Limits(wall_s=10.0)
    found["env"] = [run("import os\nprint(sorted(os.environ))\n", limits)]
    found["secret"] = [run(read, limits)]
    found["children"] = [run(children, Limits(memory_mb=256, wall_s=20.0), memory_limit=False)]
    found["disk"] = [run(files, Limits(file_mb=16, disk_mb=64, wall_s=20.0))]
    found["unshare"] = [run(unshare, limits)]
    if supported("c"):
        c_source = f'#include "{secret}"\nint main(void) {{ return 0; }}\n'
        found["compiler"] = [run_source(Sandbox(Limits(wall_s=20.0)), "c", c_source)]
    found["fork_bomb"] = fork_bomb_and_neighbour()
    found["cross_kill"] = cross_kill()
    return found


def main() -> None:
    found = cases(sys.argv[1])
    out = {k: [asdict(r) for r in v] if isinstance(v, list) else v for k, v in found.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
