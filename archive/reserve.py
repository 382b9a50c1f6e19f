"""Room to close a run on a full disk.

A crawl that fills the disk cannot record why it stopped: closing its run needs a WAL
checkpoint, which needs room to copy pages into the archive. So while a crawl writes, its
writer sets room aside next to the archive (`<archive>-reserve-<pid>-<n>`, allocated, not
written); when a write fails, the reserve is deleted first and the run can still be closed
`failed` with its cause. Reserves left by crawls that died are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

from archive.processes import alive

# A checkpoint copies at most the WAL into the archive: SQLite checkpoints at 1,000 pages (4 MB)
RESERVE_BYTES = 4 * 1024 * 1024
_numbers = itertools.count(1)


def remove_stale(archive: Path) -> None:
    """Delete the reserves of writers whose process is gone."""
    for path in archive.parent.glob(f"{archive.name}-reserve-*"):
        pid = path.name.rsplit("-reserve-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()


class Reserve:
    """RESERVE_BYTES set aside next to `archive`; `release()` gives the room back."""

    def __init__(self, archive: Path, size: int = RESERVE_BYTES) -> None:
        remove_stale(archive)
        self.path: Path | None = archive.with_name(
            f"{archive.name}-reserve-{os.getpid()}-{next(_numbers)}"
        )
        try:
            with open(self.path, "wb") as fh:
                try:
                    os.posix_fallocate(fh.fileno(), 0, size)  # the blocks, without writing them
                except OSError:
                    fh.write(bytes(size))  # a filesystem without fallocate
                    fh.flush()
                    os.fsync(fh.fileno())
        except OSError:  # no room even now, or no right to create files: no reserve
            self.release()

    def release(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.path = None
