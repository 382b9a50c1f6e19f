"""The fleet of loopback portals (crawler/sample_portal/fleet.py) in a subprocess, for the
nightly-run and distributed-mode tests; `make_fleet` (tests/conftest.py) starts and stops them.
`write_seed` and `portal_seed` write the seeds those tests crawl them with."""

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


def write_seed(folder: Path, site_id: str, urls: list[str], host: str, delay: float,
               cron: str = "0 2 * * *") -> Path:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site_id}.toml"
    path.write_text(
        f'id = "{site_id}"\nname = "{site_id}县人民政府"\nadcode = "411322"\n'
        f'start_urls = {json.dumps(urls)}\nallowed_domains = ["{host}"]\n'
        f'section_prefixes = ["/zwgk/"]\n\n[politeness]\ndownload_delay = {delay}\n'
        f'concurrency = 1\nmax_pages = 500\nmax_depth = 4\n\n[schedule]\ncron = "{cron}"\n',
        encoding="utf-8",
    )
    return path


def portal_seed(folder: Path, index: int, port: int, delay: float = 0.0, **kw) -> Path:
    """The seed of fleet portal `index`."""
    return write_seed(
        folder, f"fleet-{index}", fleet.start_urls(index, port), fleet.host(index), delay, **kw
    )
