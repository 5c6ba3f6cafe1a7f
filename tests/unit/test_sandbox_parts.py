"""The sandbox's parts without a sandbox: cgroup detection, the bubblewrap command line, tool
prefixes, failure reasons, the step runner, uid slots and the tool-runner choice."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from codegen.config import Settings
from codegen.execution import cgroups, jail, slots, stepper, toolchains, toolrunner
from codegen.execution.outcome import Events, Limits, describe
from codegen.execution.sandbox import Sandbox
from codegen.validation.toolrun import LOCAL, ToolUndecided

V1_MOUNTS = (
    "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
    "32 31 0:29 / {root}/cpu rw - cgroup cgroup rw,cpu\n"
    "35 31 0:32 / {root}/memory rw - cgroup cgroup rw,memory\n"
    "39 31 0:36 / {root}/pids rw - cgroup cgroup rw,pids\n"
    "41 31 0:38 / {root}/unified rw - cgroup2 cgroup2 rw\n"
)
V1_OWN = "8:pids:/\n4:memory:/jobs/abc\n1:cpu:/\n0::/\n"


def _tree(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        (tmp_path / name).mkdir(parents=True)


def test_v1_layout_nests_under_our_own_cgroups(tmp_path: Path) -> None:
    _tree(tmp_path, ["cpu", "memory/jobs/abc", "pids", "unified"])
    (tmp_path / "unified" / "cgroup.controllers").write_text("")
    (tmp_path / "unified" / "cgroup.subtree_control").write_text("")
    found = cgroups.detect(V1_MOUNTS.format(root=tmp_path), V1_OWN)
    assert isinstance(found, cgroups.Layout)
    assert found.version == 1 and found.cpu
    assert found.parents == {
        "memory": tmp_path / "memory/jobs/abc",
        "pids": tmp_path / "pids",
        "cpu": tmp_path / "cpu",
    }


def test_v1_without_pids_is_refused_with_the_reason(tmp_path: Path) -> None:
    _tree(tmp_path, ["memory/jobs/abc"])
    mounts = "".join(
        line + "\n"
        for line in V1_MOUNTS.format(root=tmp_path).splitlines()
        if not line.endswith("rw,pids")
    )
    found = cgroups.detect(mounts, V1_OWN)
    assert isinstance(found, str) and "no cgroup v1 pids hierarchy mounted" in found
    assert "lacks the memory and pids controllers" in found or "unified" in found


def test_v2_with_the_controllers_enables_them_for_children(tmp_path: Path) -> None:
    own = tmp_path / "user.slice" / "me"
    own.mkdir(parents=True)
    (own / "cgroup.controllers").write_text("cpu memory pids io\n")
    (own / "cgroup.subtree_control").write_text("")
    mounts = f"30 23 0:27 / {tmp_path} rw - cgroup2 cgroup2 rw\n"
    found = cgroups.detect(mounts, "0::/user.slice/me\n")
    assert found == cgroups.Layout(2, {"": own})
    assert (own / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"


def test_v2_without_memory_falls_back_to_no_layout(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpu io\n")
    (tmp_path / "cgroup.subtree_control").write_text("")
    found = cgroups.detect(f"30 23 0:27 / {tmp_path} rw - cgroup2 cgroup2 rw\n", "0::/\n")
    assert isinstance(found, str) and "lacks the memory and pids controllers" in found


def test_bind_parents_are_made_enterable_and_nested_binds_skipped() -> None:
    binds = ["/root/.rustup/toolchains/stable", "/root/.rustup/toolchains/stable/lib", "/opt/x"]
    args = jail._dirs_for(binds)
    text = " ".join(args)
    assert "--perms 0755 --dir /root --perms 0755 --dir /root/.rustup" in text
    assert "--ro-bind /root/.rustup/toolchains/stable /root/.rustup/toolchains/stable" in text
    assert "/stable/lib" not in text
    assert text.startswith("--perms 0755 --dir /opt --ro-bind /opt/x /opt/x")


def _argv(uid: int | None) -> list[str]:
    runner = toolchains.Tool("/usr/bin/python3")
    return jail.bwrap_argv(
        uid=uid,
        tools=[],
        files={"src/main.c": 7},
        disk_mb=64,
        seccomp_fd=9,
        runner=runner,
        runner_spec="{}",
    )


def test_bwrap_command_as_root_drops_to_the_runs_uid() -> None:
    argv = _argv(100_007)
    joined = " ".join(argv[:-3])
    assert argv[0] == "bwrap" and "--unshare-user" not in argv
    assert "setpriv --reuid=100007 --regid=100007 --clear-groups" in joined
    assert f"--size {64 << 20} --tmpfs /tmp" in joined
    assert "--perms 0777 --dir /tmp/w/src --perms 0644 --file 7 /tmp/w/src/main.c" in joined
    assert "--clearenv" in argv and "--seccomp 9" in joined and "--die-with-parent" in argv
    binds = [argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"]
    assert "/usr" in binds and "/etc" in binds
    assert not any(b.startswith(("/root", "/home", "/tmp", "/work")) for b in binds)
    assert argv[-2] == "-c" or argv[-3] == "-c"


def test_bwrap_command_as_a_user_adds_a_user_namespace_without_nested_ones() -> None:
    argv = _argv(None)
    assert "--unshare-user" in argv and "--disable-userns" in argv
    assert "setpriv" not in argv


@pytest.mark.parametrize(
    ("program", "bound"),
    [
        ("/opt/node-20/bin/node", "/opt/node-20"),
        ("/root/.pyenv/versions/3.11.7/bin/python3.11", "/root/.pyenv/versions/3.11.7"),
        ("/root/bin/tool", "/root/bin"),
        ("/home/ann/bin/tool", "/home/ann/bin"),
        ("/root/tool", "/root/tool"),
    ],
)
def test_a_tool_brings_its_prefix_never_a_home_dir(program: str, bound: str) -> None:
    assert toolchains._prefix(program) == bound


def test_reasons_name_the_limit_that_struck() -> None:
    lim = Limits(memory_mb=256, pids=64, disk_mb=64, cpu_s=3, wall_s=4.0, file_mb=8)
    oom = describe(-9, False, lim, "", Events(oom_kills=1))
    assert oom == "memory limit (256 MB, whole run) exceeded; every process was killed"
    late = describe(None, True, lim, "", Events(pids_refused=12))
    assert late.startswith("timed out after 4 s") and "process limit (64, whole run)" in late
    assert describe(1, False, lim, "OSError: [Errno 28] No space left on device\n") == (
        "disk limit (64 MB, whole run) reached"
    )
    assert describe(-24, False, lim, "") == "CPU time limit (3 s) exceeded"
    assert describe(-25, False, lim, "") == "file size or output limit (8 MB) exceeded"
    assert describe(1, False, lim, "MemoryError\n") == "memory limit (256 MB) exceeded"
    assert describe(137, False, lim, "") == "exit status 137"  # a program's own status
    assert describe(0, False, lim, "") == ""


def _memfd() -> int:
    return os.memfd_create("t", 0)


def test_step_runner_runs_steps_in_order_and_stops_at_the_first_failure() -> None:
    status_read, status = os.pipe()
    out = _memfd()
    steps = [
        ["/bin/sh", "-c", "echo one"],
        ["/bin/sh", "-c", "echo two; exit 3"],
        ["/bin/sh", "-c", "echo three"],
    ]
    items = [
        {"argv": a, "env": {"PATH": "/usr/bin:/bin"}, "stdin": None, "stdout": out,
         "stderr": out, "limits": [["RLIMIT_CPU", 5, 6]]}
        for a in steps
    ]  # fmt: skip
    spec = {"status": status, "fds": [status, out], "steps": items}
    assert stepper.main(["-c", json.dumps(spec)]) == 0
    os.close(status)
    assert os.read(status_read, 100) == b"0 0\n1 3\n"
    assert os.pread(out, 100, 0) == b"one\ntwo\n"
    os.close(status_read)
    os.close(out)


def test_step_runner_reports_signals_and_missing_programs() -> None:
    status_read, status = os.pipe()
    err = _memfd()
    items = [
        {"argv": argv, "env": {}, "stdin": None, "stdout": err, "stderr": err, "limits": []}
        for argv in (["/bin/sh", "-c", "kill -KILL $$"],)
    ]
    stepper.main(["-c", json.dumps({"status": status, "fds": [status, err], "steps": items})])
    items[0]["argv"] = ["/nonexistent/prog"]
    stepper.main(["-c", json.dumps({"status": status, "fds": [status, err], "steps": items})])
    os.close(status)
    assert os.read(status_read, 100) == b"0 -9\n0 127\n"
    assert b"cannot run /nonexistent/prog" in os.pread(err, 200, 0)


def test_concurrent_runs_take_distinct_uids(tmp_path: Path) -> None:
    with slots.uid_slot(200_000, 3) as first, slots.uid_slot(200_000, 3) as second:
        assert first != second and {first, second} <= {200_000, 200_001, 200_002}
        with slots.uid_slot(200_000, 3) as third:
            assert third not in (first, second)
    with slots.uid_slot(200_000, 1) as again:
        assert again == 200_000  # released


def test_jvms_are_told_of_one_processor() -> None:
    assert toolrunner.jvm_argv(["javac", "A.java"])[:3] == [
        "javac",
        "-J-XX:ActiveProcessorCount=1",
        "-J-XX:+UseSerialGC",
    ]
    assert toolrunner.jvm_argv(["/usr/bin/java", "-cp", "."])[1] == "-XX:ActiveProcessorCount=1"
    assert toolrunner.jvm_argv(["gcc", "-c"]) == ["gcc", "-c"]


def test_without_a_sandbox_tools_are_not_run_unless_unsafe(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(toolrunner, "isolation_problem", lambda: "no cgroup here")
    monkeypatch.setattr(toolrunner, "_warned", set())
    assert toolrunner.tool_runner(Settings(unsafe_exec=True)) is LOCAL
    with caplog.at_level(logging.WARNING):
        runner = toolrunner.tool_runner(Settings())
        toolrunner.tool_runner(Settings())
    assert not runner.available("gcc")
    with pytest.raises(ToolUndecided, match="no cgroup here"):
        runner.run(["gcc", "x.c"], {"x.c": ""}, 5.0)
    warnings = [r for r in caplog.records if "checkers and compilers run only" in r.message]
    assert len(warnings) == 1  # said once


def test_sandbox_limits_come_from_the_settings() -> None:
    settings = Settings(sandbox_memory=512, sandbox_disk=32, sandbox_pids=99, sandbox_cpu=0.5)
    sandbox = Sandbox.from_settings(settings.with_overrides({"sandbox.slots": 8}, "flag"))
    lim = sandbox.limits
    assert (lim.memory_mb, lim.disk_mb, lim.pids, lim.cpu_share) == (512, 32, 99, 0.5)
    assert sandbox.uids == (100_000, 8)
