"""Case 13: `zwgk serve` and what the crawler says about itself. SIGTERM stops the Datasette
child; the archive is served read-only (opened O_RDONLY, every write refused); a POST to a canned
query gets a clean 405, not a 500; the User-Agent header is ASCII: name, version, contact URL."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from crawl_helpers import crawl, write_sample_seed

from crawler import __version__


@pytest.fixture(scope="module")
def archive(tmp_path_factory, portal_server):
    tmp = tmp_path_factory.mktemp("serve-safety")
    seeds = write_sample_seed(tmp / "seeds", portal_server.url)
    db = tmp / "archive.db"
    portal_server.clear_log()
    crawl(seeds, db)
    return db, portal_server.request_log()


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def open_modes(pid: int, path: Path) -> list[int]:
    """Access modes (os.O_RDONLY, …) of the process's open descriptors of `path`."""
    modes = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                flags = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().split("flags:")[1]
                modes.append(int(flags.split()[0], 8) & os.O_ACCMODE)
        except OSError:
            continue
    return modes


def test_served_read_only_post_refused_and_sigterm_stops_datasette(archive):
    db, _ = archive
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    serve = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        for line in serve.stdout:  # Uvicorn names the port once it listens
            if match := re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line):
                url = match[1]
                break
        assert url, "datasette did not start"
        (child,) = children_of(serve.pid)
        query = f"{url}/archive/search.json?q=" + urllib.parse.quote("法治政府建设")
        with urllib.request.urlopen(query, timeout=30) as response:
            assert response.status == 200
        modes = open_modes(child, db.resolve())
        assert modes and set(modes) == {os.O_RDONLY}, f"archive opened with modes {modes}"

        post = urllib.request.Request(f"{url}/archive/search", data=b"q=abc", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(post, timeout=30)
        assert refused.value.code == 405
        assert b"read-only" in refused.value.read()

        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 30
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(child), "Datasette still runs after SIGTERM to zwgk serve"
    finally:
        if serve.poll() is None:
            serve.kill()
        serve.stdout.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_the_user_agent_is_ascii_with_name_version_and_contact(archive):
    _, requests = archive
    agents = {entry["headers"].get("User-Agent", "") for entry in requests}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.isascii() and agent.isprintable()
    assert agent.startswith(f"zwgk/{__version__} ")
    assert re.search(r"\+https://\S+", agent)
