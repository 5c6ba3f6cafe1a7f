"""The sandbox's seccomp filter: no new namespaces and no mounts inside a run.

Built once per process with libseccomp (through ``pyseccomp``) and handed to bubblewrap as a
compiled BPF program (``bwrap --seccomp FD``). Everything is allowed except: ``unshare``,
``setns``, the mount family (``mount``, ``umount2``, ``pivot_root``, ``chroot`` and the new
mount API) and ``clone`` with any namespace flag, which fail with EPERM; ``clone3``, whose
flags a filter cannot read, fails with ENOSYS so that libc falls back to ``clone``.
"""

from __future__ import annotations

import errno
import os
from functools import cache
from typing import Any

# Namespace flags of clone(2) (CLONE_NEWTIME is only valid with unshare/clone3).
CLONE_NEW = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
DENIED = (
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
)


@cache
def program() -> bytes | str:
    """The compiled filter (BPF for this machine's architecture), or why there is none."""
    try:
        import pyseccomp as sc
    except (ImportError, OSError, AttributeError) as exc:  # the module, or libseccomp.so.2
        return f"seccomp needs pyseccomp and libseccomp ({exc})"
    try:
        filt = sc.SyscallFilter(defaction=sc.ALLOW)
        for name in DENIED:
            _rule(filt, sc.ERRNO(errno.EPERM), name)
        for bit in CLONE_NEW.values():
            filt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, bit, bit))
        _rule(filt, sc.ERRNO(errno.ENOSYS), "clone3")
        sink = os.memfd_create("codegen-seccomp", os.MFD_CLOEXEC)
        try:
            with os.fdopen(os.dup(sink), "wb") as out:
                filt.export_bpf(out)
            return os.pread(sink, 1 << 20, 0)
        finally:
            os.close(sink)
    except OSError as exc:
        return f"cannot build the seccomp filter: {exc}"


def _rule(filt: Any, action: Any, name: str) -> None:
    """Add a rule; a syscall this libseccomp does not know (EINVAL) is skipped."""
    try:
        filt.add_rule(action, name)
    except OSError as exc:
        if exc.errno != errno.EINVAL or name in ("unshare", "setns", "mount"):
            raise


def pipe_fd() -> int:
    """A readable fd holding the filter (for ``--seccomp``); the caller closes it."""
    found = program()
    if isinstance(found, str):
        raise OSError(errno.ENOSYS, found)
    read, write = os.pipe()
    try:
        os.write(write, found)  # a few hundred bytes: fits any pipe buffer
    finally:
        os.close(write)
    return read
