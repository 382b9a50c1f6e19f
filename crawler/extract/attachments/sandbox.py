"""Reading a file in a child process with an address-space (RLIMIT_AS) and a CPU-time
(RLIMIT_CPU) limit, so that a bomb — a PDF stream that inflates to gigabytes, a page that takes
minutes to lay out — costs the child its life instead of costing the crawl its memory.

Children are forked from a small server process (multiprocessing's "forkserver", started on
first use, with the PDF reader imported once), so each file costs a fork, not a Python start.
The child gets the parent's current limits (limits.py) with the file, and sends back
(lines, notes) or the AttachmentError it raised; a child that dies is a refusal with its reason.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection

from crawler.exceptions import AttachmentError, AttachmentRefused
from crawler.extract.attachments import limits

READERS = ("crawler.extract.attachments.pdf",)  # imported once, in the fork server
_LIMITS = ("MAX_TEXT_CHARS", "MAX_PDF_PAGES")  # carried over to the child


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(READERS))
    return context


def _child(conn: Connection, reader: Callable, values: dict, memory: int, cpu: int) -> None:
    """In the child: apply the limits, read the file, send back the result or the error."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    for name, value in values.items():
        setattr(limits, name, value)
    body = conn.recv_bytes()
    try:
        result = ("ok", reader(body))
    except AttachmentError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("memory", None)
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def read_limited(
    reader: Callable[[bytes], tuple[list[str], list[str]]],
    body: bytes,
    label: str,
    memory: int | None = None,
    cpu: int | None = None,
) -> tuple[list[str], list[str]]:
    """`reader(body)` in a limited child: its (lines, notes); AttachmentError as the child
    raised it; AttachmentRefused (one line, the limit named) when the child ran out of memory
    or CPU time, or did not answer in CHILD_WALL_SECONDS."""
    memory = memory or limits.CHILD_MEMORY_BYTES
    cpu = cpu or limits.CHILD_CPU_SECONDS
    values = {name: getattr(limits, name) for name in _LIMITS}
    context = _context()
    parent_end, child_end = context.Pipe()
    process = context.Process(
        target=_child, args=(child_end, reader, values, memory, cpu), daemon=True
    )
    process.start()
    child_end.close()
    answer, timed_out = None, False
    try:
        parent_end.send_bytes(body)
        if parent_end.poll(limits.CHILD_WALL_SECONDS):
            answer = parent_end.recv()
        else:
            timed_out = True
    except (EOFError, OSError):
        answer = None
    finally:
        parent_end.close()
        if answer is None and process.is_alive():
            process.kill()
        process.join(10)
        code = process.exitcode
        with contextlib.suppress(ValueError):
            process.close()
    mb = memory // (1024 * 1024)
    if answer is None:
        if timed_out:
            raise AttachmentRefused(
                f"{label} refused: not read within {limits.CHILD_WALL_SECONDS} s"
            )
        if code in (-signal.SIGXCPU, -signal.SIGKILL):  # the soft, then the hard CPU limit
            raise AttachmentRefused(f"{label} refused: over the {cpu} s CPU limit while reading it")
        raise AttachmentRefused(f"{label} refused: its reader died (exit status {code})")
    status, value = answer
    if status == "ok":
        return value
    if status == "memory":
        raise AttachmentRefused(
            f"{label} refused: reading it needs more than {mb} MB of memory (a decompression bomb?)"
        )
    raise AttachmentError(value)
