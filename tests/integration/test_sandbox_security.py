"""The sandbox against hostile candidates. Each test plants its target first, runs the attack
with short limits, asserts the target untouched and the run reported failed with the reason."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from codegen.execution.runners import run_source, supported
from codegen.execution.sandbox import Limits, RunResult, Sandbox, isolation_problem

pytestmark = pytest.mark.timeout(60)

LIMITS = Limits(cpu_s=3, wall_s=4.0, memory_mb=256, file_mb=8, output_bytes=64 << 10)


def run(code: str) -> RunResult:
    assert isolation_problem() is None, isolation_problem()
    return run_source(Sandbox(LIMITS), "python", code)


def nobody_processes() -> list[str]:
    out = subprocess.run(["ps", "-u", "65534", "-o", "pid="], capture_output=True, text=True)
    return out.stdout.split()


def run_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("codegen-run-*")}


def test_fork_bomb_is_contained_and_leaves_no_process() -> None:
    before = nobody_processes()
    result = run(
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    assert not result.ok
    assert "timed out" in result.reason
    assert nobody_processes() == before  # the whole pid namespace died with the run
    assert subprocess.run(["true"]).returncode == 0  # the host can still start processes


def test_memory_bomb_hits_the_address_space_limit() -> None:
    result = run("blocks = []\nwhile True:\n    blocks.append(bytearray(16 << 20))\n")
    assert not result.ok
    assert "memory limit (256 MB)" in result.reason


def test_infinite_loop_is_killed() -> None:
    result = run("while True:\n    pass\n")
    assert not result.ok
    assert "timed out" in result.reason or "CPU time" in result.reason
    assert result.exit_code is None or result.exit_code != 0


def test_one_gigabyte_write_is_stopped_and_nothing_is_left_behind() -> None:
    before = run_dirs()
    code = (
        "chunk = b'x' * (1 << 20)\n"
        "with open('big.bin', 'wb') as fh:\n"
        "    for _ in range(1024):\n"
        "        fh.write(chunk)\n"
    )
    result = run(code)
    assert not result.ok
    assert "file size" in result.reason
    assert run_dirs() == before


def test_writing_outside_the_temp_dir_fails(tmp_path: Path) -> None:
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("original")
    home_sentinel = Path.home() / ".codegen-sandbox-sentinel"
    home_sentinel.write_text("original")
    try:
        code = (
            f"for path in ({str(sentinel)!r}, {str(home_sentinel)!r}):\n"
            "    open(path, 'w').write('owned')\n"
        )
        result = run(code)
        assert sentinel.read_text() == "original"
        assert home_sentinel.read_text() == "original"
    finally:
        home_sentinel.unlink()
    assert not result.ok
    assert "exit status 1" in result.reason
    assert "Error" in result.reason


def test_a_secret_in_home_cannot_be_read() -> None:
    secret = Path.home() / ".codegen-sandbox-secret"
    secret.write_text("s3cret-value")
    secret.chmod(0o600)
    try:
        code = (
            "import os\n"
            f"print(open({str(secret)!r}).read())\n"
            "print(open(os.path.expanduser('~/.codegen-sandbox-secret')).read())\n"
        )
        result = run(code)
        assert secret.read_text() == "s3cret-value"
    finally:
        secret.unlink()
    assert "s3cret" not in result.stdout + result.stderr
    assert not result.ok
    assert "Error" in result.reason


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


def test_a_compiler_cannot_read_a_secret_into_its_errors() -> None:
    secret = Path.home() / ".codegen-sandbox-secret-c"
    secret.write_text("int leaked = 424242;\n")
    secret.chmod(0o600)
    try:
        source = f'#include "{secret}"\nint main(void) {{ return leaked; }}\n'
        result = run_source(Sandbox(LIMITS), "c", source)
    finally:
        secret.unlink()
    assert not result.ok
    assert result.reason.startswith("compilation failed")
    assert "424242" not in result.stdout + result.stderr + result.reason


def test_every_supported_language_runs_hello_unprivileged() -> None:
    programs = {
        "python": "import os\nprint('hi', os.getuid())\n",
        "javascript": "console.log('hi', process.getuid());\n",
        "c": "#include <stdio.h>\n#include <unistd.h>\n"
        'int main(void) { printf("hi %d\\n", (int)getuid()); return 0; }\n',
        "cpp": "#include <iostream>\n#include <unistd.h>\n"
        'int main() { std::cout << "hi " << getuid() << "\\n"; }\n',
        "java": "public class Hi { public static void main(String[] a) {"
        ' System.out.println("hi 65534"); } }\n',
        "rust": 'fn main() { println!("hi 65534"); }\n',
    }
    ran = []
    for language, source in programs.items():
        if not supported(language):
            continue
        result = run_source(Sandbox(Limits(wall_s=20.0)), language, source)
        assert result.ok, (language, result.reason)
        assert result.stdout.strip() == "hi 65534", language
        ran.append(language)
    assert {"python", "javascript"} <= set(ran)
