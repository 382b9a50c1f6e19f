"""`zwgk serve`: the archive in Datasette (crawler/cli/datasette.py builds its metadata)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from crawler.cli.options import db_option
from crawler.exceptions import ZwgkError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, help="0 picks a free port.")
@db_option
def serve(host: str, port: int, db_path: str) -> None:
    """Browse and query the archive in Datasette: descriptions, canned queries, facets, and the
    transparency indicators (canned queries indicator_*, charts at /-/dashboards/indicators).

    \b
    Example:
        zwgk serve --db archive.db --port 8001
    """
    import importlib.util
    import subprocess
    import tempfile

    from crawler.cli.datasette import datasette_command, write_metadata

    if importlib.util.find_spec("datasette") is None:
        raise ZwgkError("Datasette is not installed: pip install 'zwgk[serve]'")
    if not Path(db_path).is_file():
        raise ZwgkError(f"{db_path}: no archive here")
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(db_path, Path(tmp) / "metadata.json")
        command = datasette_command(db_path, str(meta), host, port)
        command[0:1] = [sys.executable, "-m", "datasette"]
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(command, check=False)


COMMANDS = (serve,)
