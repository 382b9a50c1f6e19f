"""The sample portal as a subprocess, the way Scrapy's test server runs: port 0, URL on stdout."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0  # seconds to wait for the URL line; a generous bound, not a sleep


class ServerProcess:
    """A test server in a subprocess that prints its base URL as its first stdout line; its
    admin endpoints (/__admin/log, /__admin/log/clear) are called over 127.0.0.1."""

    def __init__(self, command: list[str], name: str, env: dict[str, str] | None = None) -> None:
        self.name = name
        environment = {**os.environ, **env} if env else None
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=environment
        )
        self.url = self._read_url()

    def _read_url(self) -> str:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT).strip()
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"{self.name} printed no URL within {START_TIMEOUT}s") from None
        if not line.startswith("http://127.0.0."):
            self.stop()
            raise RuntimeError(f"{self.name} failed to start (first line: {line!r})")
        return line

    def _admin(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))

    def request_log(self) -> list[dict[str, Any]]:
        return self._admin("/__admin/log")

    def clear_log(self) -> None:
        self._admin("/__admin/log/clear")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PortalProcess(ServerProcess):
    """`python -m crawler.sample_portal.server` in a subprocess."""

    def __init__(self, revision: int = 1, portal: str = "sample", docs: int = 0) -> None:
        command = [sys.executable, "-m", "crawler.sample_portal.server", "--port", "0"]
        command += ["--revision", str(revision), "--portal", portal, "--docs", str(docs)]
        super().__init__(command, "portal server")

    def set_revision(self, revision: int) -> None:
        self._admin(f"/__admin/revision/{revision}")
