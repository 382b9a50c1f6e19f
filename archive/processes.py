"""Whether the process that wrote something to the archive still runs (on this machine): a run
left `running`, a reserve left behind (archive/reserve.py)."""

from __future__ import annotations

import os


def alive(pid: int | None) -> bool:
    """Whether a process with this id runs on this machine."""
    if not pid or pid == os.getpid():
        return bool(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
