"""A hostile portal: plain 政务公开 pages (real seed texts in the fault portal's templates) whose
documents attack the crawler, served on 127.0.0.1, and a second host on 127.0.0.2 that a crawl
must never contact.

    python tests/reliability/hostile_portal.py [--files DIR]   # prints http://127.0.0.1:PORT

Each section is one list page; a test's seed starts at the section it needs:

    /offsite/index.html  a document that redirects (302) to the other host; one that answers
                         200 the first time and redirects there afterwards (a known document
                         moving away); one whose <meta refresh> points there; an attachment
                         that redirects there. robots.txt names a sitemap on the other host.
    /files/index.html    one document per file of --files DIR, linking it as an attachment
                         (the tests put their bombs there)
    /deep/index.html     documents whose body is nested 300 and 3,000 elements deep
    /gb/index.html       a GB18030 document with no charset in its header or in the page

The other host ("elsewhere", 127.0.0.2, any port) answers every request with a page and logs
it; GET /__admin/elsewhere on the portal returns {"url": …, "log": [...]}.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from urllib.parse import unquote

if __package__ in (None, ""):  # run as a script: tests/ on the path for the fixture helpers
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fixture_portals.base import (  # noqa: E402 - tests/ is on the path either way
    FixtureDocument,
    Request,
    bytes_response,
    esc,
    html_response,
    not_found,
    redirect,
    split_target,
)
from fixture_portals.sitemap import article_main, article_page, crumb, list_main, page  # noqa: E402
from portal_server import ServerProcess  # noqa: E402

from crawler.sample_portal.loopback import LoopbackServer, Response, json_response, serve_main

ELSEWHERE_HOST = "127.0.0.2"


def doc(path: str, title: str, day: str = "2024-03-01") -> FixtureDocument:
    return FixtureDocument(path, title, "通知公告", day)


OFFSITE_GOOD = doc("/offsite/t20240301_1.html", "青山县2024年政府信息公开工作要点")
AWAY = doc("/offsite/t20240302_2.html", "关于调整部分行政审批事项的通知")  # always 302 away
MOVED = doc("/offsite/t20240303_3.html", "青山县2023年法治政府建设情况报告")  # 200, then 302 away
REFRESH = doc("/offsite/t20240304_4.html", "关于公开征求意见的公告")  # <meta refresh> away
WITH_FILE = doc("/offsite/t20240305_5.html", "青山县2024年部门预算公开")  # attachment 302 away
OFFSITE_DOCS = (OFFSITE_GOOD, AWAY, MOVED, REFRESH, WITH_FILE)
AWAY_FILE = "/offsite/files/budget.pdf"

DEEP_DOCS = {
    300: doc("/deep/t20240401_300.html", "青山县关于深层嵌套页面的说明（三百层）"),
    3000: doc("/deep/t20240402_3000.html", "青山县关于深层嵌套页面的说明（三千层）"),
}
GB_DOC = doc("/gb/t20240501_1.html", "青山县人民政府关于做好2024年春耕生产工作的通知")


def nested_page(d: FixtureDocument, depth: int) -> str:
    """The article with its body paragraphs inside `depth` nested elements (unclosed <font>
    and <div> wrappers, as editors and broken templates produce them)."""
    html = article_page(d, "/deep/index.html")
    start = html.index('<div class="content" id="zoom">') + len('<div class="content" id="zoom">')
    end = html.index("</div>", start)
    body = html[start:end]
    half = depth // 2
    wrapped = ('<div class="wrap">' * half) + ("<font>" * (depth - half)) + body
    wrapped += "</font>" * (depth - half) + "</div>" * half
    return html[:start] + wrapped + html[end:]


def gb_page() -> bytes:
    """GB18030 bytes, no <meta charset>: only the bytes say what they are."""
    html = article_page(GB_DOC, "/gb/index.html").replace('<meta charset="utf-8">', "")
    return html.encode("gb18030")


class HostilePortal:
    def __init__(self, files: Path | None, elsewhere: str) -> None:
        self.files = files
        self.elsewhere = elsewhere
        self.visits: dict[str, int] = {}
        self.lock = threading.Lock()

    def visit(self, path: str) -> int:
        with self.lock:
            self.visits[path] = self.visits.get(path, 0) + 1
            return self.visits[path]

    def file_names(self) -> list[str]:
        if self.files is None or not self.files.is_dir():
            return []
        return sorted(p.name for p in self.files.iterdir() if p.is_file())

    def route(self, method: str, target: str, body: bytes, headers) -> Response | None:
        path, query = split_target(target)
        request = Request(method, path, query, body, headers)
        return self.answer(request)

    def answer(self, request: Request) -> Response | None:
        path = request.path
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /private/\nSitemap: {self.elsewhere}/sitemap.xml\n"
            return bytes_response(text.encode(), "text/plain")
        if path == "/offsite/index.html":
            return self.list_page("外链跳转", OFFSITE_DOCS)
        if path == AWAY.path:
            return redirect(f"{self.elsewhere}/art/2024/3/2/art_1_2.html")
        if path == MOVED.path and self.visit(path) > 1:
            return redirect(f"{self.elsewhere}/zwgk/moved.html", 301)
        if path == REFRESH.path:
            html = article_page(REFRESH, "/offsite/index.html").replace(
                "<title>",
                f'<meta http-equiv="refresh" content="0;url={self.elsewhere}/refresh.html"><title>',
            )
            return html_response(html)
        if path == WITH_FILE.path:
            link = f'<p>附件：<a href="{AWAY_FILE}">2024年部门预算.pdf</a></p>'
            html = article_page(WITH_FILE, "/offsite/index.html")
            return html_response(html.replace('<div class="info">', link + '<div class="info">'))
        if path == AWAY_FILE:
            return redirect(f"{self.elsewhere}/files/budget.pdf")
        if path in {d.path for d in OFFSITE_DOCS}:
            d = next(d for d in OFFSITE_DOCS if d.path == path)
            return html_response(article_page(d, "/offsite/index.html"))
        if path == "/files/index.html":
            docs = [self.file_doc(n) for n in self.file_names()]
            return self.list_page("附件", docs)
        if path.startswith("/files/t") and path.endswith(".html"):
            return self.file_doc_page(path)
        if path.startswith("/files/raw/"):
            # a server decodes the path: 附件.pdf is requested as %E9%99%84%E4%BB%B6.pdf
            return self.raw_file(unquote(path.removeprefix("/files/raw/")))
        if path == "/deep/index.html":
            return self.list_page("深层页面", tuple(DEEP_DOCS.values()))
        for depth, d in DEEP_DOCS.items():
            if path == d.path:
                return html_response(nested_page(d, depth))
        if path == "/gb/index.html":
            return self.list_page("编码", (GB_DOC,))
        if path == GB_DOC.path:
            return bytes_response(gb_page(), "text/html")
        return not_found()

    def list_page(self, column: str, docs) -> Response:
        items = [(d.path, d.title, d.publish_date) for d in docs]
        trail = crumb(("/zwgk/index.html", "政务公开"), ("", column))
        return html_response(page(column, trail, list_main(items)))

    def file_doc(self, name: str) -> FixtureDocument:
        number = sum(ord(c) for c in name) % 10000
        return doc(f"/files/t20240601_{number}.html", f"青山县公开文件附件（{name}）")

    def file_doc_page(self, path: str) -> Response | None:
        for name in self.file_names():
            d = self.file_doc(name)
            if d.path == path:
                link = f'<p>附件：<a href="/files/raw/{esc(name)}">{esc(name)}</a></p>'
                main = article_main(d, link)
                return html_response(page(d.title, crumb(("/files/index.html", "附件")), main))
        return None

    def raw_file(self, name: str) -> Response | None:
        if self.files is None or name not in self.file_names():
            return None
        types = {".pdf": "application/pdf", ".xlsx": "application/vnd.ms-excel"}
        types[".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        content_type = types.get(Path(name).suffix, "application/octet-stream")
        return bytes_response((self.files / name).read_bytes(), content_type)


def elsewhere_route(method: str, target: str, body: bytes, headers) -> Response:
    html = "<html><head><title>别处</title></head><body><p>另一个网站的页面。</p></body></html>"
    return html_response(html)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python tests/reliability/hostile_portal.py")
    parser.add_argument("--files", type=Path, help="folder of files served as attachments")
    args = parser.parse_args(argv)
    elsewhere = LoopbackServer(elsewhere_route, host=ELSEWHERE_HOST)
    elsewhere.start_thread("elsewhere")
    portal = HostilePortal(args.files, elsewhere.base_url)

    def admin(path: str) -> Response | None:
        if path == "/__admin/elsewhere":
            with elsewhere.log_lock:
                return json_response(200, {"url": elsewhere.base_url, "log": elsewhere.request_log})
        return None

    serve_main(LoopbackServer(portal.route, admin=admin))


class HostileServer(ServerProcess):
    """The hostile portal in a subprocess: `.url`, `.request_log()`, `.elsewhere()`."""

    def __init__(self, files: Path | None = None) -> None:
        command = [sys.executable, str(Path(__file__).resolve())]
        if files is not None:
            command += ["--files", str(files)]
        super().__init__(command, "hostile portal")

    def elsewhere(self) -> dict:
        return self._admin("/__admin/elsewhere")


if __name__ == "__main__":
    main()
