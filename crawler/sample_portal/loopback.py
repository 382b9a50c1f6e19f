"""A quiet HTTP server bound to loopback, for portals made of plain data: the sample portal
(`zwgk demo`, benchmarks) and the test suite's fixture portals both serve through it.

A portal is a `route(method, target, body, headers) -> Response | None` function (None: 404).
The server records every request (method, path, status, request headers, start and end times)
and answers its admin endpoints, never linked from pages and never logged: GET /__admin/log
(the request log as JSON) and GET /__admin/log/clear; a portal adds its own through `admin`.

    python -m crawler.sample_portal.server       # prints its base URL first, serves until killed
"""

from __future__ import annotations

import ipaddress
import json
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    stream: Callable[[], Iterator[bytes]] | None = None  # body sent in chunks (Content-Length set)
    stall: float = 0.0  # seconds to hold the answer back unless the client goes away


Route = Callable[[str, str, bytes, Mapping[str, str]], Response | None]
Admin = Callable[[str], Response | None]
JSON = (("Content-Type", "application/json; charset=utf-8"),)


def json_response(status: int, value: Any) -> Response:
    return Response(status, JSON, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def check_loopback(host: str) -> str:
    """`host` if it is a loopback address (127.0.0.0/8, or localhost); else ValueError."""
    if host == "localhost" or ipaddress.ip_address(host).is_loopback:
        return "127.0.0.1" if host == "localhost" else host
    raise ValueError(f"fixture portals bind to loopback addresses only, not {host!r}")


class LoopbackServer(ThreadingHTTPServer):
    """Serves `route` on host:port (port 0: any free one); `shutdown()` stops and closes it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, route: Route, port: int = 0, host: str = "127.0.0.1", admin: Admin | None = None
    ) -> None:
        self.route = route
        self.admin = admin
        self.request_log: list[dict[str, Any]] = []
        self.log_lock = threading.Lock()
        self._serving = False
        super().__init__((check_loopback(host), port), LoopbackHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        super().serve_forever(poll_interval)

    def start_thread(self, name: str = "loopback-portal") -> None:
        """Serve from a daemon thread."""
        self._serving = True  # set before the thread starts so an early shutdown() cannot hang
        threading.Thread(target=self.serve_forever, name=name, daemon=True).start()

    def shutdown(self) -> None:
        """Stop serving and close the listening socket."""
        if self._serving:
            super().shutdown()
            self._serving = False
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-request (a browser closing a tab) is not an error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def answer_admin(self, path: str) -> Response:
        with self.log_lock:
            if path == "/__admin/log":
                return json_response(200, self.request_log)
            if path == "/__admin/log/clear":
                self.request_log.clear()
                return json_response(200, {"cleared": True})
        found = self.admin(path) if self.admin else None
        return found or json_response(404, {"error": "unknown admin endpoint"})


class LoopbackHandler(BaseHTTPRequestHandler):
    server: LoopbackServer
    server_version = "nginx/1.20.1"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.serve()

    def do_HEAD(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def serve(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/__admin/"):
            self.send(self.server.answer_admin(path))
            return
        started = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = dict(self.headers.items())
        response = self.server.route(self.command, self.path, body, headers)
        if response is None:
            response = Response(404, (("Content-Type", "text/plain"),), b"not found")
        entry = {"method": self.command, "path": self.path, "status": response.status,
                 "headers": headers, "started": started}  # fmt: skip
        with self.server.log_lock:  # logged before answering: a client that has its answer
            self.server.request_log.append(entry)  # finds the request in the log
        if response.stall and self.client_gone_within(response.stall):
            self.close_connection = True
        else:
            self.send(response)
        entry["ended"] = time.time()

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

    def send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            names = {name.lower() for name, _ in response.headers}
            for name, value in response.headers:
                self.send_header(name, value)
            if "content-length" not in names and response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command == "HEAD" or response.status == 304:
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


def serve_main(server: LoopbackServer) -> None:
    """Run a server in the foreground the way tests start it: base URL on the first stdout
    line, then serve until SIGTERM or Ctrl-C."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
