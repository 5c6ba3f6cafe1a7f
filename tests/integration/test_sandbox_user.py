"""The sandbox as a normal user: a user namespace instead of per-run uids, limits from a cgroup
delegated to that user (as systemd does for user sessions). As root, this test delegates a
cgroup to an unused uid and runs sandbox_user_cases.py as that uid; as a normal user it runs
the cases as itself where the sandbox works. Each case checks its planted target."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import sysconfig
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.execution import cgroups
from codegen.execution.runners import supported
from codegen.execution.sandbox import isolation_problem

pytestmark = pytest.mark.timeout(120)

USER = 4242  # no account, outside the per-run uid range
REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("sandbox_user_cases.py")
PYTHON = "/usr/bin/python3"


def _reachable(path: Path) -> bool:
    """Whether every dir up to ``path`` can be entered by others (a normal user)."""
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


def _skip_reason() -> str | None:
    if not os.path.exists(PYTHON):
        return f"{PYTHON} is needed to run codegen as another user"
    probe = [PYTHON, "-c", "import sys; print(tuple(sys.version_info[:2]))"]
    version = subprocess.run(probe, capture_output=True, text=True, check=False).stdout.strip()
    if version != str(tuple(sys.version_info[:2])):
        return f"{PYTHON} is Python {version}, not this venv's: its packages would not load"
    site = Path(sysconfig.get_paths()["purelib"])
    if os.geteuid() == 0 and not (_reachable(REPO) and _reachable(site)):
        return f"{REPO} or {site} cannot be read by a normal user"
    if os.geteuid() != 0 and isolation_problem():
        return f"the sandbox is unavailable to this user: {isolation_problem()}"
    return None


@contextlib.contextmanager
def delegated_cgroup(uid: int) -> Iterator[list[Path]]:
    """Child cgroups of ours owned by ``uid`` (v1: memory, pids, cpu; v2: one dir)."""
    layout = cgroups.layout()
    assert isinstance(layout, cgroups.Layout), layout
    name = f"codegen-test-user-{uuid.uuid4().hex[:8]}"
    dirs = [parent / name for parent in layout.parents.values()]
    try:
        for path in dirs:
            path.mkdir()
            for entry in [path, *path.iterdir()]:
                os.chown(entry, uid, uid)
        yield dirs
    finally:
        group = cgroups.RunGroup(layout, {d.parent: d for d in dirs})
        group.remove()


def _join(dirs: list[Path]) -> None:
    """In the child, after it became the user: move into the delegated cgroup."""
    for path in dirs:
        (path / "cgroup.procs").write_text(str(os.getpid()))


def _run_cases(secret: Path, as_user: bool, dirs: list[Path]) -> dict[str, Any]:
    site = sysconfig.get_paths()["purelib"]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{site}", "HOME": str(secret.parent)}
    proc = subprocess.run(
        [PYTHON, str(CASES), str(secret)],
        capture_output=True,
        text=True,
        env=env,
        timeout=110,
        user=USER if as_user else None,
        group=USER if as_user else None,
        extra_groups=[] if as_user else None,
        preexec_fn=(lambda: _join(dirs)) if as_user else None,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def user_cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("user-home")
    secret = home / "secret.txt"
    secret.write_text("user-secret-424242\n")
    as_user = os.geteuid() == 0
    if as_user:
        os.chown(home, USER, USER)
        os.chown(secret, USER, USER)
    secret.chmod(0o600)
    with contextlib.ExitStack() as stack:
        dirs = stack.enter_context(delegated_cgroup(USER)) if as_user else []
        yield _run_cases(secret, as_user, dirs)
    assert secret.read_text() == "user-secret-424242\n"


def test_runs_as_the_user_with_the_sandbox_available(user_cases: dict[str, Any]) -> None:
    assert user_cases["problem"] is None
    if os.geteuid() == 0:
        assert user_cases["uid"] == USER
    (env,) = user_cases["env"]
    assert env["ok"] and env["stdout"].strip() == "['HOME', 'LANG', 'PATH', 'TMPDIR']"


def test_the_users_own_secret_is_invisible(user_cases: dict[str, Any]) -> None:
    (result,) = user_cases["secret"]
    assert "424242" not in result["stdout"] + result["stderr"]
    assert "No such file or directory" in result["stdout"]


def test_memory_and_disk_are_whole_run_limits(user_cases: dict[str, Any]) -> None:
    (children,) = user_cases["children"]
    assert not children["ok"]
    assert children["reason"].startswith("memory limit (256 MB, whole run) exceeded")
    (disk,) = user_cases["disk"]
    assert disk["reason"] == "disk limit (64 MB, whole run) reached"
    assert int(disk["stderr"].split("wrote ")[1].split()[0]) <= 4


def test_no_new_namespaces(user_cases: dict[str, Any]) -> None:
    (result,) = user_cases["unshare"]
    code, _, rest = result["stdout"].partition(" ")
    assert result["ok"] and code != "0" and "uid=0" not in rest


@pytest.mark.skipif(not supported("c"), reason="no C compiler on this machine")
def test_a_compiler_cannot_include_the_users_secret(user_cases: dict[str, Any]) -> None:
    (result,) = user_cases["compiler"]
    assert result["reason"].startswith("compilation failed")
    assert "424242" not in result["stdout"] + result["stderr"] + result["reason"]


def test_runs_do_not_share_a_process_budget_or_signals(user_cases: dict[str, Any]) -> None:
    bomb, neighbour = user_cases["fork_bomb"]
    assert not bomb["ok"] and "process limit (64, whole run)" in bomb["reason"]
    assert neighbour["ok"] and neighbour["stdout"].strip() == "forked 20", neighbour["reason"]
    victim, attacker = user_cases["cross_kill"]
    assert victim["ok"] and victim["stdout"].strip() == "alive", victim["reason"]
    assert not attacker["ok"]
