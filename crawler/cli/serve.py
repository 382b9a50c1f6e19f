"""`zwgk serve`: the archive in Datasette (crawler/cli/datasette.py builds its metadata).

Datasette runs as a child process: SIGTERM, SIGINT or SIGHUP to `zwgk serve` stop it too (and,
on Linux, the kernel stops it if `zwgk serve` dies without a chance to). The archive is served
read-only: crawler/cli/datasette_readonly.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import signal
import socket
import sys
from pathlib import Path

import click

from crawler.cli.options import db_option
from crawler.exceptions import ZwgkError

STOP_SECONDS = 10.0  # after SIGTERM, Datasette gets this long before SIGKILL
_PR_SET_PDEATHSIG = 1


def check_port(host: str, port: int) -> None:
    """ZwgkError (one line) when nothing could listen on host:port."""
    if port == 0:
        return
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise ZwgkError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc


def _die_with_parent() -> None:
    """In the child: the kernel sends SIGTERM when `zwgk serve` dies (Linux; else nothing)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port.",
)
@click.option(
    "--immutable",
    is_flag=True,
    help="Serve a copy nothing writes any more (faster counts); never while a crawl writes it.",
)
@db_option
def serve(host: str, port: int, immutable: bool, db_path: str) -> None:
    """Browse and query the archive in Datasette (read-only): descriptions, canned queries, facets,
    and the transparency indicators (canned queries indicator_*, charts at /-/dashboards/indicators).

    \b
    Example:
        zwgk serve --db archive.db --port 8001
    """
    import importlib.util
    import subprocess
    import tempfile

    from archive.read import open_archive
    from crawler.cli.datasette import datasette_command, write_metadata, write_plugin

    if importlib.util.find_spec("datasette") is None:
        raise ZwgkError("Datasette is not installed: pip install 'zwgk[serve]'")
    with open_archive(db_path) as arc:  # a missing, damaged or foreign file: one line, here
        immutable = immutable or arc.conn.immutable  # a read-only folder: no WAL index possible
    check_port(host, port)
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(db_path, Path(tmp) / "metadata.json")
        plugins = write_plugin(db_path, Path(tmp) / "plugins")
        command = datasette_command(db_path, str(meta), str(plugins), host, port, immutable)
        command[0:1] = [sys.executable, "-m", "datasette"]
        child = subprocess.Popen(command, preexec_fn=_die_with_parent)

        def stop(signum, _frame) -> None:
            child.terminate()
            raise SystemExit(128 + signum)

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
        try:
            status = child.wait()
        except (KeyboardInterrupt, SystemExit):
            _stop_child(child)
            raise
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
    if status != 0:
        raise ZwgkError(f"Datasette stopped with status {status} (see its messages above)")


def _stop_child(child) -> None:
    import subprocess

    child.terminate()
    try:
        child.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


COMMANDS = (serve,)
