"""The walk a newcomer takes: one page from a seed file to an archive row, in the README's map."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def page_path() -> list[str]:
    """The files of the README's "One page's path" map, in order (parenthesised asides aside)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("One page's path", 1)[1].split("```", 2)[1]
    block = re.sub(r"\([^)]*\)", "", block)
    return re.findall(r"(?:crawler|spiders|archive|seeds)/[\w/<>]+(?:\.py|/)", block)


def test_a_page_passes_through_ten_files_or_fewer_all_of_them_real():
    files = page_path()
    modules = [f for f in files if f.endswith(".py")]
    assert modules[0] == "crawler/sites/seeds.py" and modules[-1] == "archive/documents.py"
    assert len(modules) + sum(1 for f in files if f.endswith("/")) <= 10, files
    assert all((ROOT / f).exists() for f in files if "<" not in f), files


def test_the_scheduler_imports_no_cli():
    probe = "import sys, scheduler; print(sorted(m for m in sys.modules if m.startswith('crawler.cli')))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
