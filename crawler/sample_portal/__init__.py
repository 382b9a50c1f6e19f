"""The bundled sample county portal: real 政务公开 texts in realistic portal templates.

Used by `zwgk demo` (served in a thread), the end-to-end tests (a subprocess: see `server.py`)
and the benchmark (`portal="synthetic"`, a generated portal of N documents).

    server, base_url = start_server(revision=1)
    start_url = base_url + SECTION_PATH + "index.html"
    expected_documents(1)  # what a perfect crawl of that portal archives
    server.set_revision(2); server.shutdown()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.sample_portal.site import SECTION_PATH, build_site

if TYPE_CHECKING:
    from crawler.sample_portal.server import PortalServer

__all__ = ["SECTION_PATH", "SEED_FILE", "ExpectedDocument", "expected_documents", "start_server"]
# the sample portal's seed, shipped in this package (a link to seeds/sample.toml in a checkout)
SEED_FILE = "sample.toml"


@dataclass(frozen=True)
class ExpectedDocument:
    """One document of the portal as served: what a crawl should archive for `path`."""

    path: str  # URL path, e.g. "/zwgk/fzzf/202402/t20240227_1001.html"
    title: str  # exactly as in the page's h1
    publish_date: str  # ISO
    paragraphs: tuple[str, ...]  # body paragraphs exactly as served, in order
    encoding: str  # "utf-8" or "gbk"
    traditional: bool
    seed_text: str  # source file stem, e.g. "000_0efe6f6a8f6220f4"
    twin_of: str | None  # for the GBK copy: path of its UTF-8 twin
    listed: bool = True  # False: off its lists, still served
    soft_deleted: bool = False  # True: answers 200 with a "页面不存在或已被删除" page


def expected_documents(
    revision: int = 1, portal: str = "sample", n_docs: int = 0
) -> list[ExpectedDocument]:
    """Every document URL the portal serves at `revision`, newest first (listed ones in the main
    list's order, then those taken off their lists)."""
    site = build_site(revision, portal, n_docs)
    return [
        ExpectedDocument(
            path=doc.path,
            title=doc.title,
            publish_date=doc.publish_date,
            paragraphs=doc.paragraphs,
            encoding=doc.encoding,
            traditional=doc.traditional,
            seed_text=doc.seed_text,
            twin_of=site.twin_path(doc),
            listed=doc.listed,
            soft_deleted=doc.soft_deleted,
        )
        for doc in (*site.docs, *(d for d in site.served if not d.listed))
    ]


def start_server(
    revision: int = 1,
    portal: str = "sample",
    n_docs: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
) -> tuple[PortalServer, str]:
    """Serve the portal from a daemon thread on 127.0.0.1; returns (server, base URL).

    `server.shutdown()` stops it, `server.set_revision(n)` switches revision, `server.request_log`
    is the list of {"method", "path", "status", "headers"} of the requests served.
    """
    from crawler.sample_portal import server

    return server.start_server(revision, portal, n_docs, host, port)
