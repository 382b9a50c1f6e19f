"""What the reliability tests share: the hostile portal (hostile_portal.py) and seeds for it."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_portal import HostileServer

HOSTILE_SEED = """
id = "hostile"
name = "青山县人民政府（敌意门户）"
adcode = "411322"
start_urls = ["{base}{section}"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
max_pages = 500
max_depth = 4
"""


def hostile_seed(folder: Path, base_url: str, section: str) -> Path:
    """A seeds folder holding `hostile.toml`, starting at `section` of the hostile portal."""
    folder.mkdir(parents=True, exist_ok=True)
    text = HOSTILE_SEED.format(base=base_url, section=section)
    (folder / "hostile.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small, real filesystem mounted at `where` (tmpfs; mounting needs root, as in CI),
    unmounted afterwards. Skips the test, saying why, where mounting is impossible."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs the suite as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "zwgk-test", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=False)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
