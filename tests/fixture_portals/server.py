"""Serve one fixture portal on 127.0.0.1, and `FixtureServer`, which runs this as a subprocess.

    python tests/fixture_portals/server.py --portal trs [--port 0]

prints its base URL (http://127.0.0.1:PORT) as the first line of stdout, then serves until
killed, through the project's loopback server (crawler/sample_portal/loopback.py: threaded,
quiet, a request log at GET /__admin/log and /__admin/log/clear).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.sample_portal.loopback import LoopbackServer, serve_main

if __package__ in (None, ""):  # run as a script: import the package from tests/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from fixture_portals import PORTALS
    from fixture_portals.base import FixturePortal
else:
    from . import PORTALS
    from .base import FixturePortal
from portal_server import ServerProcess  # noqa: E402 - tests/ is on the path either way


def fixture_server(portal: FixturePortal, port: int = 0, host: str = "127.0.0.1") -> LoopbackServer:
    """A fixture portal served on a loopback address (crawler/sample_portal/loopback.py)."""
    return LoopbackServer(portal.route, port, host)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python tests/fixture_portals/server.py",
        description="Serve one fixture portal on 127.0.0.1; prints its base URL first.",
    )
    parser.add_argument("--portal", required=True, choices=sorted(PORTALS))
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address, e.g. 127.0.0.2")
    args = parser.parse_args(argv)
    serve_main(fixture_server(PORTALS[args.portal](), args.port, args.host))


class FixtureServer(ServerProcess):
    """A fixture portal in a subprocess: `.url`, `.request_log()`, `.clear_log()`, `.stop()`."""

    def __init__(
        self, portal: str, host: str = "127.0.0.1", env: dict[str, str] | None = None
    ) -> None:
        self.portal = portal
        command = [sys.executable, str(Path(__file__).resolve()), "--portal", portal, "--port", "0"]
        command += ["--host", host]
        super().__init__(command, f"fixture server {portal!r}", env)


if __name__ == "__main__":
    main()
