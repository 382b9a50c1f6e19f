"""Running real crawls from tests: `zwgk` in a subprocess against a fixture portal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE_SEED = """
id = "sample"
name = "方城县人民政府（示例门户）"
adcode = "411322"
start_urls = ["{base}/zwgk/index.html"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
max_pages = {max_pages}
max_depth = 6
"""


def write_sample_seed(folder: Path, base_url: str, max_pages: int = 500) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sample.toml"
    path.write_text(SAMPLE_SEED.format(base=base_url, max_pages=max_pages), encoding="utf-8")
    return folder


def zwgk(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the zwgk CLI as a person would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def crawl_command(seeds: Path, db: Path, *args: str, site: str = "sample") -> list[str]:
    """`zwgk crawl` of a seeded site as a command line, for tests that run it themselves."""
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        "--site",
        site,
        "--seeds",
        str(seeds),
        "--db",
        str(db),
        *args,
    ]


def crawl(seeds: Path, db: Path, site: str = "sample", *args: str) -> subprocess.CompletedProcess:
    done = zwgk("crawl", "--site", site, "--seeds", str(seeds), "--db", str(db), *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return done
