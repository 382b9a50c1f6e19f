"""Serve one fixture portal on 127.0.0.1, and `FixtureServer`, which runs this as a subprocess.

    python tests/fixture_portals/server.py --portal trs [--port 0]

prints its base URL (http://127.0.0.1:PORT) as the first line of stdout, then serves until
killed: threaded, quiet, never logging its admin endpoints GET /__admin/log (the request log as
JSON: method, path, status) and GET /__admin/log/clear.
"""

from __future__ import annotations

import argparse
import json
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import the package from tests/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from fixture_portals import PORTALS
    from fixture_portals.base import FixturePortal, Response, split_target
else:
    from . import PORTALS
    from .base import FixturePortal, Response, split_target
from portal_server import ServerProcess  # noqa: E402 - tests/ is on the path either way

START_TIMEOUT = 30.0  # seconds to wait for the URL line: a bound, not a sleep
CHUNK = 64 * 1024


class FixtureHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, portal: FixturePortal, port: int = 0) -> None:
        self.portal = portal
        self.request_log: list[dict[str, Any]] = []
        self.log_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), FixtureHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FixtureHandler(BaseHTTPRequestHandler):
    server: FixtureHTTPServer
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.serve()

    def do_HEAD(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def serve(self) -> None:
        path, _ = split_target(self.path)
        if path.startswith("/__admin/"):
            self.send(self.admin(path))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.portal.route(
            self.command, self.path, body, dict(self.headers.items())
        )
        if response is None:
            response = Response(404, (("Content-Type", "text/plain"),), b"not found")
        with self.server.log_lock:
            self.server.request_log.append(
                {"method": self.command, "path": self.path, "status": response.status}
            )
        if response.stall and self.client_gone_within(response.stall):
            self.close_connection = True
            return
        self.send(response)

    def client_gone_within(self, seconds: float) -> bool:
        """Wait up to `seconds`; True as soon as the client closes the connection."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 1.0))
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return True
                except OSError:
                    return True
                time.sleep(0.05)  # data pending (a pipelined request): keep stalling, not spinning
        return False

    def admin(self, path: str) -> Response:
        json_type = (("Content-Type", "application/json; charset=utf-8"),)
        with self.server.log_lock:
            if path == "/__admin/log":
                body = json.dumps(self.server.request_log, ensure_ascii=False).encode("utf-8")
                return Response(200, json_type, body)
            if path == "/__admin/log/clear":
                self.server.request_log.clear()
                return Response(200, json_type, b'{"cleared": true}')
        return Response(404, json_type, b'{"error": "unknown admin endpoint"}')

    def send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            names = {name.lower() for name, _ in response.headers}
            for name, value in response.headers:
                self.send_header(name, value)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if response.stream is not None:
                for piece in response.stream():
                    self.wfile.write(piece)
            else:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base-class signature
        pass  # quiet: no stderr line per request


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python tests/fixture_portals/server.py",
        description="Serve one fixture portal on 127.0.0.1; prints its base URL first.",
    )
    parser.add_argument("--portal", required=True, choices=sorted(PORTALS))
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    args = parser.parse_args(argv)
    server = FixtureHTTPServer(PORTALS[args.portal](), args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class FixtureServer(ServerProcess):
    """A fixture portal in a subprocess: `.url`, `.request_log()`, `.clear_log()`, `.stop()`."""

    def __init__(self, portal: str) -> None:
        self.portal = portal
        command = [sys.executable, str(Path(__file__).resolve()), "--portal", portal, "--port", "0"]
        super().__init__(command, f"fixture server {portal!r}")


if __name__ == "__main__":
    main()
