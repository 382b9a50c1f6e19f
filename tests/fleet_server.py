"""The fleet of loopback portals (crawler/sample_portal/fleet.py) in a subprocess, for the
nightly-run and distributed-mode tests; `make_fleet` (tests/conftest.py) starts and stops them."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from crawler.sample_portal import fleet

ROOT = Path(__file__).resolve().parent.parent


class Fleet:
    """The fleet of loopback portals in a subprocess, with its request log."""

    def __init__(self, sites: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.sample_portal.fleet", "--sites", str(sites), "--log"],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.port = json.loads(self.proc.stdout.readline())["port"]

    def log(self) -> list[dict]:
        with urllib.request.urlopen(f"http://{fleet.host(0)}:{self.port}/__admin/log") as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
