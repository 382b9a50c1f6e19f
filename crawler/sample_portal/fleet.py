"""A fleet of small county portals, one per loopback address (127.0.1.1, 127.0.1.2, …), all on
one port, served by one asyncio process: the nightly scheduler's benchmark and tests.

Each portal is what a county portal asks of a nightly run: a 政务公开 section of COLUMNS column
lists (the first page of each, TRS-style, on the sample portal's templates) that together list
a few new documents, each a real 政务公开 text from the bundled seed texts. The documents sit in
the sample portal's column folders; every column list links some of them (columns list
documents filed in other folders, as real ones do). So a site's night is 1 robots.txt +
COLUMNS lists + the section's landing page (their breadcrumbs link it) + DOCS documents.

    python -m crawler.sample_portal.fleet --sites 1000   # prints {"port": …, "hosts": …}, serves

GET /__admin/stats on any host answers {"requests": N, "by_status": {...}}; /__admin/log the
request log (host, path, started, ended) when started with --log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import sys
import time
from dataclasses import dataclass, replace
from functools import cache

from crawler.sample_portal import templates
from crawler.sample_portal.site import Doc, synthetic_doc

COLUMNS = 20  # column lists per portal
DOCS = 5  # documents per portal, all listed on the column pages
PER_COLUMN = 2  # documents each column list shows
SECTION = "/zwgk/"


def host(index: int) -> str:
    """The loopback address of portal `index` (0-based): 127.0.1.1, …, 127.0.1.250, 127.0.2.1 …"""
    return f"127.0.{index // 250 + 1}.{index % 250 + 1}"


def index_of(address: str) -> int | None:
    parts = address.split(".")
    if len(parts) != 4 or parts[:2] != ["127", "0"]:
        return None
    third, fourth = int(parts[2]), int(parts[3])
    return (third - 1) * 250 + fourth - 1 if third >= 1 and 1 <= fourth <= 250 else None


def column_path(column: int) -> str:
    return f"{SECTION}col{column + 1:02d}/index.html"


def start_urls(index: int, port: int) -> list[str]:
    return [f"http://{host(index)}:{port}{column_path(c)}" for c in range(COLUMNS)]


@dataclass(frozen=True)
class Portal:
    index: int
    docs: tuple[Doc, ...]

    @property
    def by_path(self) -> dict[str, Doc]:
        return {d.path: d for d in self.docs}


@cache
def portal(index: int) -> Portal:
    """Portal `index`: DOCS documents of its own (texts differ between portals)."""
    docs = []
    for k in range(DOCS):
        doc = synthetic_doc(index * DOCS + k)
        if doc.encoding != "utf-8":
            doc = replace(doc, column="gzbg", encoding="utf-8")
        docs.append(replace(doc, doc_id=1_000_000 + index * DOCS + k))
    return Portal(index, tuple(docs))


def column_page(site: Portal, column: int) -> str:
    shown = [site.docs[(column + k) % len(site.docs)] for k in range(PER_COLUMN)]
    name = f"专栏{column + 1:02d}"
    items = "\n".join(templates.list_item(d, "../" + d.path[len(SECTION) :]) for d in shown)
    return (
        templates.head(
            f"{name}_{templates.SITE_NAME}", meta=f'<meta name="ColumnName" content="{name}">\n'
        )
        + "<body>\n"
        + templates.header()
        + templates.crumb(("/", "首页"), ("../index.html", "政务公开"), (None, name))
        + '<div class="main w1200">\n'
        + f'<div class="list"><div class="list-title">{name}</div>\n<ul>\n{items}\n</ul>\n'
        + templates.pager(0, 1)
        + "</div>\n</div>\n"
        + templates.footer(column)
    )


def section_page(site: Portal) -> str:
    """The section's landing page: its columns, and its newest documents."""
    menu = "".join(
        f'<li><a href="./col{c + 1:02d}/index.html">专栏{c + 1:02d}</a></li>'
        for c in range(COLUMNS)
    )
    items = "\n".join(templates.list_item(d, "./" + d.path[len(SECTION) :]) for d in site.docs)
    return (
        templates.head(f"政务公开_{templates.SITE_NAME}")
        + "<body>\n"
        + templates.header()
        + templates.crumb(("/", "首页"), (None, "政务公开"))
        + f'<div class="main w1200">\n<div class="menu"><ul>{menu}</ul></div>\n'
        + f'<div class="list"><div class="list-title">最新公开</div>\n<ul>\n{items}\n</ul>\n'
        + "</div>\n</div>\n"
        + templates.footer(0)
    )


def answer(address: str, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of GET `path` on the portal at `address`."""
    index = index_of(address)
    if index is None:
        return 404, "text/plain", b"not found"
    site = portal(index)
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", templates.ROBOTS_TXT.encode()
    if path in (SECTION, SECTION + "index.html"):
        return 200, "text/html; charset=utf-8", section_page(site).encode()
    for column in range(COLUMNS):
        if path == column_path(column):
            return 200, "text/html; charset=utf-8", column_page(site, column).encode()
    if doc := site.by_path.get(path):
        page = templates.document_page(doc, None, None, index)
        return 200, "text/html; charset=utf-8", page.encode()
    return 404, "text/html; charset=utf-8", templates.not_found_page(0).encode()


class FleetServer:
    """Answers every portal's requests; counts them and, with `log`, records each one."""

    def __init__(self, log: bool = False) -> None:
        self.requests = 0
        self.by_status: dict[str, int] = {}
        self.log: list[dict] | None = [] if log else None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        address = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                started = time.time()
                method, target = head.split(b" ", 2)[:2]
                path = target.decode("latin-1").split("?", 1)[0]
                if path.startswith("/__admin/"):
                    status, ctype, body = self.admin(path)
                else:
                    status, ctype, body = answer(address, path)
                    self.requests += 1
                    self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                )
                if method != b"HEAD":
                    writer.write(body)
                await writer.drain()
                if self.log is not None and not path.startswith("/__admin/"):
                    self.log.append(
                        {
                            "host": address,
                            "path": path,
                            "status": status,
                            "started": started,
                            "ended": time.time(),
                        }  # fmt: skip
                    )
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def admin(self, path: str) -> tuple[int, str, bytes]:
        if path == "/__admin/stats":
            value = {"requests": self.requests, "by_status": self.by_status}
        elif path == "/__admin/log" and self.log is not None:
            value = self.log
        else:
            return 404, "text/plain", b"unknown admin endpoint"
        return 200, "application/json", json.dumps(value).encode()


def bind(sites: int, port: int = 0) -> tuple[list[socket.socket], int]:
    """Listening sockets on the first `sites` portal addresses, all on one port."""
    for _attempt in range(20):
        sockets: list[socket.socket] = []
        try:
            for index in range(sites):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sockets.append(sock)
                sock.bind((host(index), port))
                port = sock.getsockname()[1]
                sock.listen(128)
            return sockets, port
        except OSError:
            for sock in sockets:
                sock.close()
            port = 0  # the port was taken on a later address: try another
    raise OSError(f"no port free on all {sites} portal addresses")


async def serve(sites: int, port: int, log: bool, ready) -> None:
    server = FleetServer(log)
    sockets, port = bind(sites, port)
    servers = [await asyncio.start_server(server.handle, sock=s, backlog=128) for s in sockets]
    ready(port)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", action="store_true", help="keep a request log (/__admin/log)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def ready(port: int) -> None:
        print(json.dumps({"port": port, "hosts": args.sites}), flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.sites, args.port, args.log, ready))


if __name__ == "__main__":
    main()
