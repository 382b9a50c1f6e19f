"""The sample portal's answers (plain functions of its data), served on loopback.

    python -m crawler.sample_portal.server [--port 0] [--host 127.0.0.1] [--revision 1]
                                           [--portal sample|synthetic] [--docs N]

prints its base URL (e.g. http://127.0.0.1:43121) as the first line of stdout, then serves until
killed (crawler/sample_portal/loopback.py). Admin endpoints besides the request log, never
linked from pages and never logged: GET /__admin/revision/<n>.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from crawler.sample_portal import templates
from crawler.sample_portal.loopback import (
    LoopbackServer,
    Response,
    json_response,
    serve_main,
)
from crawler.sample_portal.site import (
    COLUMNS,
    REVISIONS,
    Doc,
    Site,
    build_site,
    neighbours,
    page_count,
    page_slice,
)

FIRST_VISIT = 1_285_306  # the counter of a portal that has been up for years
LIST_RE = re.compile(r"^/zwgk/(?:(?P<column>[a-z]+)/)?(?:index(?:_(?P<page>[1-9]\d*))?\.html)?$")
ADMIN_REVISION_RE = re.compile(r"^/__admin/revision/(\d+)$")


def html(status: int, text: str, encoding: str = "utf-8") -> Response:
    charset = "GBK" if encoding == "gbk" else "UTF-8"
    body = text.encode(encoding, errors="xmlcharrefreplace")
    return Response(status, (("Content-Type", f"text/html; charset={charset}"),), body)


def etag(doc: Doc) -> str:
    """Weak validator over what the document says, not over nav links or the visitor counter."""
    fields = (doc.title, doc.publish_date, doc.publisher, doc.index_no, doc.doc_no, *doc.paragraphs)
    return 'W/"' + hashlib.sha1("\x1f".join(fields).encode("utf-8")).hexdigest()[:20] + '"'


def last_modified(doc: Doc) -> datetime:
    return datetime.fromisoformat(doc.last_modified).replace(tzinfo=UTC)


def not_modified(doc: Doc, request_headers: Mapping[str, str]) -> bool:
    """RFC 9110: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag(doc).removeprefix("W/") in tags
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified(doc) <= since
    return False


def document_response(
    site: Site, doc: Doc, request_headers: Mapping[str, str], visits: int
) -> Response:
    validators = (
        ("ETag", etag(doc)),
        ("Last-Modified", format_datetime(last_modified(doc), usegmt=True)),
    )
    if doc.soft_deleted:  # a soft 404: status 200, a "deleted" page, no validators
        return html(200, templates.not_found_page(visits))
    if not_modified(doc, request_headers):
        return Response(304, validators, b"")
    prev, next_ = neighbours(site, doc)
    page = html(200, templates.document_page(doc, prev, next_, visits), doc.encoding)
    return Response(200, page.headers + validators, page.body)


def list_response(site: Site, column: str | None, page: int, visits: int) -> Response | None:
    docs = site.docs if column is None else site.by_column.get(column)
    if docs is None:
        return None
    pages = page_count(len(docs), site.page_size)
    if page >= pages:
        return None
    shown = page_slice(docs, page, site.page_size)
    encoding = "gbk" if column and docs[0].encoding == "gbk" else "utf-8"
    return html(200, templates.list_page(site, column, shown, page, pages, visits), encoding)


def route(site: Site, path: str, request_headers: Mapping[str, str], visits: int) -> Response:
    """The portal's answer to GET `path` (no query), as plain values."""
    if path in ("/", "/index.html"):
        return html(200, templates.home_page(site, visits))
    if path == "/robots.txt":
        return Response(
            200, (("Content-Type", "text/plain; charset=utf-8"),), templates.ROBOTS_TXT.encode()
        )
    if doc := site.by_path.get(path):
        return document_response(site, doc, request_headers, visits)
    if match := LIST_RE.match(path):
        column = match["column"]
        if column is None or column in COLUMNS:
            found = list_response(site, column, int(match["page"] or 0), visits)
            if found:
                return found
    pages = {
        "/xwzx/": lambda: templates.news_index_page(visits),
        "/xwzx/index.html": lambda: templates.news_index_page(visits),
        templates.NEWS_PATH: lambda: templates.news_article_page(visits),
        "/zwfw/": lambda: templates.service_page(
            "政务服务", "网上办事大厅正在升级维护，请稍后访问。", visits
        ),
        "/hdjl/": lambda: templates.service_page(
            "互动交流", "县长信箱：请通过河南政务服务网提交留言。", visits
        ),
        "/admin/secret.html": lambda: templates.admin_page(visits),
    }
    if path in pages:
        return html(200, pages[path]())
    if not path.endswith("/") and (path + "/" in pages or LIST_RE.match(path + "/")):
        return Response(301, (("Location", path + "/"),), b"")
    return html(404, templates.not_found_page(visits))


class PortalServer(LoopbackServer):
    """The portal on a socket; `set_revision` switches what it serves, `request_log` records."""

    def __init__(
        self,
        port: int = 0,
        revision: int = 1,
        portal: str = "sample",
        n_docs: int = 0,
        host: str = "127.0.0.1",
    ):
        self.portal, self.n_docs = portal, n_docs
        self._sites: dict[int, Site] = {}
        self._lock = threading.Lock()
        self._visits = itertools.count(FIRST_VISIT)
        self.set_revision(revision)
        super().__init__(self.answer, port, host, admin=self.admin_revision)

    def set_revision(self, revision: int) -> None:
        if revision not in REVISIONS:
            raise ValueError(f"revision must be one of {REVISIONS}, not {revision!r}")
        with self._lock:
            if revision not in self._sites:
                self._sites[revision] = build_site(revision, self.portal, self.n_docs)
            self.revision, self.site = revision, self._sites[revision]

    def next_visit(self) -> int:
        with self._lock:
            return next(self._visits)

    def answer(
        self, method: str, target: str, body: bytes, headers: Mapping[str, str]
    ) -> Response | None:
        return route(self.site, urlsplit(target).path, headers, self.next_visit())

    def admin_revision(self, path: str) -> Response | None:
        if match := ADMIN_REVISION_RE.match(path):
            try:
                self.set_revision(int(match[1]))
            except ValueError as error:
                return json_response(400, {"error": str(error)})
            return json_response(200, {"revision": self.revision})
        return None


def start_server(
    revision: int = 1,
    portal: str = "sample",
    n_docs: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
) -> tuple[PortalServer, str]:
    """Serve the portal from a daemon thread; returns (server, base URL). `server.shutdown()` stops it."""
    server = PortalServer(port, revision, portal, n_docs, host)
    server.start_thread("sample-portal")
    return server, server.base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.sample_portal.server",
        description="Serve the bundled sample county portal on 127.0.0.1; prints its base URL first.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (127.0.0.0/8)")
    parser.add_argument("--revision", type=int, default=1, choices=REVISIONS)
    parser.add_argument("--portal", default="sample", choices=("sample", "synthetic"))
    parser.add_argument("--docs", type=int, default=0, help="documents of the synthetic portal")
    args = parser.parse_args(argv)
    serve_main(PortalServer(args.port, args.revision, args.portal, args.docs, args.host))


if __name__ == "__main__":
    main()
