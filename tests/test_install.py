"""A normal (non-editable) install works: the wheel carries the sample seed, the schema docs and
the division codes, and `zwgk demo`, `zwgk serve` and `zwgk sites` run from it in a directory
that has nothing of the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with zwgk installed from its built wheel; returns its bin/."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    source = tmp / "source"  # a copy: an in-tree build would leave build/ in the checkout
    skip = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__", "*.db*")
    shutil.copytree(ROOT, source, symlinks=True, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(source)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    (wheel,) = dist.glob("zwgk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for data in (
        "crawler/sample_portal/sample.toml",
        "archive/schema.md",
        "crawler/sites/data/areacodes-2024.txt",
    ):
        assert data in names, f"{data} is not in the wheel"
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / "bin"
    # zwgk's dependencies come from the test's own environment, as a plain path (its .pth files,
    # among them the editable install of this checkout, are not processed); zwgk itself comes
    # from the wheel, installed into the new environment's site-packages, which comes first
    (purelib,) = (env_dir / "lib").glob("python3*/site-packages")
    (purelib / "zwgk_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q",
         "--no-deps", "--force-reinstall", str(wheel)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return bin_dir


def run(bin_dir: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(bin_dir / "zwgk"), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def test_the_installed_package_is_not_the_checkout(installed, tmp_path):
    code = "import crawler, archive; print(crawler.__file__); print(archive.__file__)"
    done = subprocess.run(
        [str(installed / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        assert not Path(line).resolve().is_relative_to(ROOT), line


def test_demo_runs_from_the_wheel_in_an_unrelated_directory(installed, tmp_path):
    done = run(installed, tmp_path, "demo", "--db", "demo.db")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "finished" in done.stdout
    new = [line for line in done.stdout.splitlines() if line.startswith("  new ")]
    assert len(new) == 8  # the sample portal's 8 documents
    assert (tmp_path / "demo.db").is_file() and not (tmp_path / "seeds").exists()


def test_sites_validates_seeds_with_the_bundled_division_codes(installed, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ok.toml").write_text(
        'id = "ok"\nname = "方城县"\nadcode = "411322"\nstart_urls = ["http://127.0.0.1:9/zwgk/"]\n'
        'allowed_domains = ["127.0.0.1"]\n',
        "utf-8",
    )
    (seeds / "bad.toml").write_text(
        'id = "bad"\nname = "x"\nadcode = "999999"\nstart_urls = ["http://127.0.0.1:9/zwgk/"]\n'
        'allowed_domains = ["127.0.0.1"]\n',
        "utf-8",
    )
    done = run(installed, tmp_path, "sites", "--seeds", "seeds")
    assert "ok " in done.stdout and "411322" in done.stdout
    assert done.returncode != 0 and "bad.toml" in done.stderr and "999999" in done.stderr


def test_serve_shows_the_schema_descriptions_from_the_wheel(installed, tmp_path):
    assert run(installed, tmp_path, "demo", "--db", "a.db").returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.Popen(
        [str(installed / "zwgk"), "serve", "--db", "a.db", "--port", "0"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if "Uvicorn running on" in line:
                url = line.split("Uvicorn running on ")[1].split()[0]
        assert url, "datasette did not start"
        with urllib.request.urlopen(f"{url}/-/metadata.json", timeout=30) as response:
            meta = json.loads(response.read())
        tables = meta["databases"]["a"]["tables"]
        assert "canonical URL" in tables["documents"]["columns"]["url"]
        assert tables["versions"]["description"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
