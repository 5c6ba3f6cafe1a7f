"""The sandbox against hostile candidates. Each test plants its target first, runs the attack
with short limits, asserts the target untouched and the run reported failed with the reason.
The same attacks as a normal user (not root) are in test_sandbox_user.py."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from codegen.execution import cgroups, slots
from codegen.execution.runners import run_source, supported
from codegen.execution.sandbox import Limits, RunResult, Sandbox, isolation_problem

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(
        os.geteuid() != 0, reason="root mode (per-run uids); test_sandbox_user.py is the user's"
    ),
]

LIMITS = Limits(cpu_s=3, wall_s=4.0, memory_mb=256, file_mb=8, output_bytes=64 << 10)
UIDS = range(slots.DEFAULT_BASE, slots.DEFAULT_BASE + slots.DEFAULT_COUNT)


def run(code: str, limits: Limits = LIMITS, memory_limit: bool = True) -> RunResult:
    assert isolation_problem() is None, isolation_problem()
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
    argv = [python, "-I", "main.py"]
    return Sandbox(limits).run(argv, {"main.py": code}, memory_limit=memory_limit)


def run_processes() -> list[int]:
    """Processes in a cgroup of one of this test process's runs."""
    mark = f"{cgroups.PREFIX}{os.getpid()}-"
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and mark in Path(f"/proc/{entry}/cgroup").read_text():
                found.append(int(entry))
        except OSError:
            continue
    return found


def own_memory_usage() -> int:
    """Bytes charged to this process's memory cgroup, which holds every run's group."""
    layout = cgroups.layout()
    assert isinstance(layout, cgroups.Layout)
    if layout.version == 2:
        return int((layout.parents[""] / "memory.current").read_text())
    return int((layout.parents["memory"] / "memory.usage_in_bytes").read_text())


def test_fork_bomb_in_one_run_does_not_stop_another_run_from_forking() -> None:
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    normal = (
        "import os\n"
        "for _ in range(20):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        os._exit(0)\n"
        "    os.waitpid(pid, 0)\n"
        "print('forked 20', os.getuid())\n"
    )
    with ThreadPoolExecutor(2) as pool:
        bombing = pool.submit(run, bomb)
        time.sleep(1.0)  # the bomb is at its process limit by now
        forking = pool.submit(run, normal, Limits(wall_s=20.0))
        second, first = forking.result(), bombing.result()
    assert second.ok, second.reason
    assert second.stdout.startswith("forked 20")
    assert not first.ok
    assert "timed out" in first.reason and "process limit (64, whole run)" in first.reason
    assert run_processes() == []  # every process of both runs is gone


def test_six_children_of_900_mb_are_stopped_at_the_whole_run_limit() -> None:
    code = (
        "import os, time\n"
        "for _ in range(6):\n"
        "    if os.fork() == 0:\n"
        "        block = b'x' * (900 << 20)\n"
        "        time.sleep(30)\n"
        "        os._exit(0)\n"
        "time.sleep(30)\n"
    )
    peak, before, done = [0], own_memory_usage(), threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], own_memory_usage())
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:  # no address-space limit per process: only the cgroup stands in the way
        result = run(code, Limits(memory_mb=256, wall_s=20.0), memory_limit=False)
    finally:
        done.set()
        sampler.join()
    assert not result.ok
    assert result.reason.startswith("memory limit (256 MB, whole run) exceeded")
    assert result.duration_ms < 15_000  # ended by the limit, not by the wall clock
    assert peak[0] - before < (256 + 100) << 20
    assert run_processes() == []


def test_forty_16_mb_files_stop_at_the_disk_limit() -> None:
    code = (
        "import sys\n"
        "chunk = b'x' * (16 << 20)\n"
        "for k in range(40):\n"
        "    try:\n"
        "        with open(f'f{k}.bin', 'wb') as fh:\n"
        "            fh.write(chunk)\n"
        "    except OSError as exc:\n"
        "        sys.exit(f'wrote {k} files: {exc}')\n"
    )
    result = run(code, Limits(file_mb=16, disk_mb=64, wall_s=20.0))
    assert not result.ok
    assert result.reason == "disk limit (64 MB, whole run) reached"
    written = int(result.stderr.split("wrote ")[1].split()[0])
    assert written <= 4  # 64 MB / 16 MB
    host_tmp = Path(tempfile.gettempdir())  # the work dir is a tmpfs, not a host dir
    assert not [
        p for pattern in ("f0.bin", "*/f0.bin", "*/*/f0.bin") for p in host_tmp.glob(pattern)
    ]


def test_new_namespaces_are_refused_inside() -> None:
    code = (
        "import subprocess\n"
        "for argv in (['unshare', '-r', 'id'], ['unshare', '--mount', 'true'],"
        " ['unshare', '--net', 'true']):\n"
        "    proc = subprocess.run(argv, capture_output=True, text=True)\n"
        "    print(argv[1], proc.returncode, proc.stdout.strip(), proc.stderr.strip())\n"
        "print(open('/proc/self/status').read().split('Seccomp:')[1].split()[0])\n"
    )
    result = run(code, Limits(wall_s=10.0))
    assert result.ok, result.reason
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    for line in lines[:3]:
        _flag, code_, rest = line.split(" ", 2)
        assert code_ != "0", line
        assert "Operation not permitted" in rest, line
    assert "uid=0" not in result.stdout
    assert lines[3] == "2"  # a seccomp filter is in force


def test_two_concurrent_runs_cannot_kill_each_other() -> None:
    marker = f"victim-{uuid.uuid4().hex[:8]}"
    sandbox = Sandbox(Limits(wall_s=15.0))
    with ThreadPoolExecutor(1) as pool:
        victim = pool.submit(sandbox.run, ["/bin/sh", "-c", "sleep 3; echo alive", marker], {})
        host_pid, victim_uid = _wait_for(marker)
        attack = (
            "import os, signal\n"
            "print('uid', os.getuid(), flush=True)\n"
            "try:\n"
            f"    os.kill({host_pid}, signal.SIGKILL)\n"
            "    print('sent', flush=True)\n"
            "except OSError as exc:\n"
            "    print(type(exc).__name__, flush=True)\n"
            "os.kill(-1, signal.SIGKILL)  # every process it may signal: only its own run's\n"
        )
        attacker = run(attack, Limits(wall_s=10.0))
        result = victim.result()
    assert result.ok and result.stdout.strip() == "alive", result.reason
    attacker_uid = int(attacker.stdout.split()[1])
    assert attacker_uid in UIDS and victim_uid in UIDS and attacker_uid != victim_uid
    assert not attacker.ok  # it killed its own run, nothing else


def _wait_for(marker: str) -> tuple[int, int]:
    """The host pid and uid of the process whose command line holds ``marker``."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                args = Path(f"/proc/{entry}/cmdline").read_text().split("\0")
                if args[0] == "/bin/sh" and marker in args:  # not bwrap's or the runner's
                    return int(entry), os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
        time.sleep(0.02)
    raise AssertionError(f"no process with {marker} appeared")


def test_the_environment_is_cleared() -> None:
    code = "import os\nprint(sorted(os.environ))\n"
    result = run(code)
    assert result.ok, result.reason
    assert result.stdout.strip() == "['HOME', 'LANG', 'PATH', 'TMPDIR']"  # no OLDPWD, no PWD


def test_memory_bomb_hits_the_address_space_limit() -> None:
    result = run("blocks = []\nwhile True:\n    blocks.append(bytearray(16 << 20))\n")
    assert not result.ok
    assert "memory limit (256 MB)" in result.reason


def test_infinite_loop_is_killed() -> None:
    result = run("while True:\n    pass\n")
    assert not result.ok
    assert "timed out" in result.reason or "CPU time" in result.reason
    assert result.exit_code is None or result.exit_code != 0


def test_one_gigabyte_write_is_stopped_at_the_file_size_limit() -> None:
    code = (
        "chunk = b'x' * (1 << 20)\n"
        "with open('big.bin', 'wb') as fh:\n"
        "    for _ in range(1024):\n"
        "        fh.write(chunk)\n"
    )
    result = run(code)
    assert not result.ok
    assert "file size" in result.reason


def test_host_files_are_neither_written_nor_read(tmp_path: Path, home_secret: Path) -> None:
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("original")
    sentinel.chmod(0o666)  # world-writable: only invisibility protects it
    shared = Path(tempfile.gettempdir()) / f"codegen-shared-{uuid.uuid4().hex[:8]}"
    shared.write_text("host-tmp-424242")
    shared.chmod(0o644)
    try:
        code = (
            "import os\n"
            f"for path in ({str(sentinel)!r}, {str(home_secret)!r}, {str(shared)!r},"
            f" {__file__!r}, '/root', '/home', '/work'):\n"
            "    try:\n"
            "        print(path, os.path.exists(path), open(path).read()[:40])\n"
            "    except OSError as exc:\n"
            "        print(path, type(exc).__name__)\n"
            f"open({str(sentinel)!r}, 'w').write('owned')\n"
        )
        result = run(code)
    finally:
        shared.unlink()
    assert sentinel.read_text() == "original"
    for leak in ("424242", "from __future__"):
        assert leak not in result.stdout + result.stderr
    assert not result.ok and "FileNotFoundError" in result.reason


def test_a_listener_on_localhost_cannot_be_reached() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.5)
        port = server.getsockname()[1]
        code = (
            "import socket\n"
            f"s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "s.sendall(b'leak')\n"
        )
        result = run(code)
        with pytest.raises(TimeoutError):
            server.accept()
    assert not result.ok
    assert "Network is unreachable" in result.reason or "Connection refused" in result.reason


def test_printing_100_mb_is_capped() -> None:
    result = run("import sys\nsys.stdout.write('x' * (100 << 20))\n")
    assert not result.ok
    assert "file size or output limit" in result.reason
    assert len(result.stdout) <= (64 << 10) + 100


def test_killing_the_parent_fails_and_the_parent_lives() -> None:
    me = os.getpid()
    code = (
        f"import os, signal\nos.kill({me}, signal.SIGKILL)\nos.kill(os.getppid(), signal.SIGKILL)\n"
    )
    result = run(code)
    assert os.getpid() == me  # still here
    assert not result.ok
    assert "ProcessLookupError" in result.reason or "PermissionError" in result.reason


@pytest.mark.parametrize("language", ["c", "rust"])
def test_a_compiler_cannot_read_a_secret_into_its_output(language: str, home_secret: Path) -> None:
    if not supported(language):
        pytest.skip(f"no {language} compiler on this machine")
    source = {
        "c": f'#include "{home_secret}"\nint main(void) {{ return 0; }}\n',
        "rust": f'fn main() {{ print!("{{}}", include_str!("{home_secret}")); }}\n',
    }[language]
    result = run_source(Sandbox(Limits(wall_s=20.0, compile_s=30.0)), language, source)
    assert not result.ok
    assert result.reason.startswith("compilation failed")
    assert "424242" not in result.stdout + result.stderr + result.reason
    assert "No such file" in result.stderr or "couldn't read" in result.stderr


@pytest.mark.skipif(not Path("/etc/shadow").exists(), reason="no /etc/shadow to plant on")
def test_the_compiler_is_not_root() -> None:
    if not supported("c"):
        pytest.skip("no C compiler on this machine")
    # /etc/shadow is in the sandbox (all of /etc is) but readable only by root and group shadow.
    result = run_source(Sandbox(LIMITS), "c", '#include "/etc/shadow"\nint main(void) {}\n')
    assert result.reason.startswith("compilation failed")
    assert "Permission denied" in result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_a_child_of_a_java_program_is_held_to_the_whole_run_limit() -> None:
    if not supported("java"):
        pytest.skip("no JDK on this machine")
    source = (
        "public class Hog { public static void main(String[] a) throws Exception {\n"
        '  Process p = new ProcessBuilder("/usr/bin/python3", "-c",\n'
        "    \"import time; b = b'x' * (1500 << 20); time.sleep(20)\").inheritIO().start();\n"
        '  p.waitFor(); System.out.println("survived"); } }\n'
    )
    result = run_source(Sandbox(Limits(memory_mb=512, wall_s=25.0)), "java", source)
    assert not result.ok
    # The child is OOM-killed (the JVM itself may live to print "survived"): the run fails.
    assert result.reason.startswith("memory limit (512 MB, whole run) exceeded")


def test_every_supported_language_runs_hello_unprivileged() -> None:
    programs = {
        "python": "import os\nprint('hi', os.getuid())\n",
        "javascript": "console.log('hi', process.getuid());\n",
        "c": "#include <stdio.h>\n#include <unistd.h>\n"
        'int main(void) { printf("hi %d\\n", (int)getuid()); return 0; }\n',
        "cpp": "#include <iostream>\n#include <unistd.h>\n"
        'int main() { std::cout << "hi " << getuid() << "\\n"; }\n',
        "java": "import java.nio.file.*;\n"
        "public class Hi { public static void main(String[] a) throws Exception {"
        ' System.out.println("hi " + Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));'
        " } }\n",
        "rust": 'fn main() { println!("hi {}", std::fs::metadata("/proc/self").map(|m| {'
        " use std::os::unix::fs::MetadataExt; m.uid() }).unwrap()); }\n",
    }
    ran = []
    for language, source in programs.items():
        if not supported(language):
            continue
        result = run_source(Sandbox(Limits(wall_s=20.0)), language, source)
        assert result.ok, (language, result.reason, result.stderr[-500:])
        word, uid = result.stdout.split()
        assert word == "hi" and int(uid) in UIDS, (language, result.stdout)
        ran.append(language)
    assert {"python", "javascript"} <= set(ran)
