"""One uid per concurrent run (as root): slot k of the range runs as uid ``base + k``.

A slot is a lock file in a root-only dir, held with ``flock`` for the whole run and released
only after the run's cgroup is empty, so two runs never share a uid: process limits
(``RLIMIT_NPROC`` counts a uid's processes) and signals never cross runs. Locks belong to
open file descriptions, so threads of one process and separate processes (batch jobs, the
server, another session) all take distinct slots; a crashed holder's lock goes with it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFAULT_BASE = 100_000
DEFAULT_COUNT = 64


def lock_dir() -> Path:
    """A dir only root can write, for the slot locks (``/run`` where it exists)."""
    for parent in (Path("/run"), Path(tempfile.gettempdir())):
        path = parent / "codegen-sandbox-slots"
        with contextlib.suppress(FileExistsError, FileNotFoundError, PermissionError):
            path.mkdir(mode=0o700)
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o022 == 0:
            return path
    raise OSError(errno.EACCES, "no private dir for the sandbox's uid slots")


@contextlib.contextmanager
def uid_slot(base: int = DEFAULT_BASE, count: int = DEFAULT_COUNT) -> Iterator[int]:
    """Hold a free slot for the duration of the block; yields its uid."""
    folder = lock_dir()
    order = list(range(count))
    start = random.randrange(count)  # spread concurrent takers over the range
    order = order[start:] + order[:start]
    for blocking in (False, True):
        for slot in order:
            fd = os.open(
                folder / f"slot-{base + slot}", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield base + slot
            finally:
                os.close(fd)
            return
