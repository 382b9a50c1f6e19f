"""What every fixture portal is made of: documents, a route table, responses, corpus templates.

A fixture portal is plain data (`FixturePortal`) plus a router: a function from a `Request` to a
`Response` (or None for 404). Pages are cut from the real pages in tests/data/corpus/pages: each
family module loads a real page once, swaps its title, date, body and item list, and keeps the
rest (nav, footers, pager scripts) as found. Links to the real portal's own host become
site-relative so a crawl stays on 127.0.0.1; links to other sites stay, as off-site traps.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import parse_qs, urljoin, urlsplit

from testdata import PAGES, SEED_TEXTS  # tests/ is on the path: pytest's rootdir, or server.py

from crawler.sample_portal.loopback import Response


@dataclass(frozen=True)
class FixtureDocument:
    path: str  # URL path of the document
    title: str
    column: str  # the (sub-)column name it is listed under, e.g. "政策文件"
    publish_date: str  # ISO
    attachments: tuple[str, ...] = ()  # attachment paths linked from it


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str, default: str = "") -> str:
        """A parameter from the query string or, for a form POST, the body (query wins)."""
        if name in self.query:
            return self.query[name][0]
        form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return form.get(name, [default])[0]


Router = Callable[[Request], Response | None]


@dataclass(frozen=True)
class FixturePortal:
    name: str  # "trs", "hanweb", "ucap", "jiyue", "sitemap", "faults"
    family: str  # human name, e.g. "TRS WCM"
    start_paths: tuple[str, ...]  # the 政务公开 section entry page(s)
    section_prefixes: tuple[str, ...]  # paths a correct crawl stays inside
    documents: tuple[FixtureDocument, ...]  # every document a correct crawl must archive
    outside_paths: tuple[str, ...]  # pages that exist but must NOT be archived
    router: Router = field(repr=False, compare=False)
    bad: dict[str, str] = field(default_factory=dict)  # faults only: path -> reason keyword
    traps: dict[str, str] = field(default_factory=dict)  # faults only: URL pattern -> what it is
    attachments: dict[str, str] = field(default_factory=dict)  # attachment path -> expected text
    notes: str = ""  # what is special about this portal, for people reading test output

    def route(
        self,
        method: str,
        path_and_query: str,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Response | None:
        """The portal's answer to one request (None: not found)."""
        path, query = split_target(path_and_query)
        return self.router(Request(method.upper(), path, query, body, dict(headers or {})))

    def in_section(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.section_prefixes)


# --- responses ----------------------------------------------------------------------------


def html_response(text: str, encoding: str = "utf-8", status: int = 200) -> Response:
    charset = {"gbk": "GBK", "gb2312": "GB2312"}.get(encoding, "UTF-8")
    body = text.encode(encoding, errors="xmlcharrefreplace")
    return Response(status, (("Content-Type", f"text/html; charset={charset}"),), body)


def bytes_response(body: bytes, content_type: str, status: int = 200) -> Response:
    return Response(status, (("Content-Type", content_type),), body)


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, (("Location", location), ("Content-Type", "text/html")), b"")


NOT_FOUND_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>404 Not Found</title></head>"
    "<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"
)


def not_found() -> Response:
    return html_response(NOT_FOUND_HTML, status=404)


def split_target(path_and_query: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(path_and_query)
    return parts.path or "/", parse_qs(parts.query, keep_blank_values=True)


class Pages:
    """A route table of exact paths to page builders, rendered once on first request."""

    def __init__(self) -> None:
        self._builders: dict[str, Callable[[], Response]] = {}
        self._cache: dict[str, Response] = {}
        self._lock = threading.Lock()

    def add(self, path: str, builder: Callable[[], Response]) -> None:
        self._builders[path] = builder

    def __contains__(self, path: str) -> bool:
        return path in self._builders

    def paths(self) -> list[str]:
        return list(self._builders)

    def get(self, path: str) -> Response | None:
        if path not in self._builders:
            return None
        with self._lock:
            if path not in self._cache:
                self._cache[path] = self._builders[path]()
            return self._cache[path]


# --- corpus templates -----------------------------------------------------------------------


@cache
def corpus_page(name: str) -> str:
    """A real page of tests/data/corpus/pages, e.g. corpus_page("012")."""
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


_SRC_EXTERNAL_RE = re.compile(
    r"""(<(?:link|script|img|iframe|embed)\b[^>]*?\s(?:src|href)\s*=\s*["'])(?:https?:)?//[^/"'\s>]+""",
    re.I,
)


def localise(text: str, own_hosts: tuple[str, ...]) -> str:
    """Point the real portal's own absolute links at this server; off-site <a> links stay.

    Resources (scripts, images, frames, style sheets) on other hosts become site-relative as
    well, so nothing in a fixture page makes a client contact a real host except <a> links to
    other sites, which a correct crawler must not follow.
    """
    for host in own_hosts:
        text = re.sub(rf"(?:https?:)?//{re.escape(host)}/?(?=[\"'])", "/", text)
        text = re.sub(rf"(?:https?:)?//{re.escape(host)}(?::\d+)?(?=[/\"'\s<?#]|$)", "", text)
    return _SRC_EXTERNAL_RE.sub(r"\1", text)


_REL_ATTR_RE = re.compile(
    r"""(\s(?:href|src|action)\s*=\s*)(["'])(?![a-z][\w+.-]*:|/|#)([^"']*)\2""", re.I
)


def rebase(text: str, template_path: str) -> str:
    """Relative links of a page saved at `template_path` made root-relative, to serve it elsewhere."""

    def absolute(match: re.Match[str]) -> str:
        target = urljoin(template_path, match[3]) if match[3] else template_path
        return f"{match[1]}{match[2]}{target}{match[2]}"

    return _REL_ATTR_RE.sub(absolute, text)


def cut(text: str, start: str, end: str, replacement: str, keep_markers: bool = True) -> str:
    """Replace what lies between the first `start` and the next `end` (markers kept)."""
    i = text.index(start)
    j = text.index(end, i + len(start))
    if keep_markers:
        return text[: i + len(start)] + replacement + text[j:]
    return text[:i] + replacement + text[j + len(end) :]


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace @@NAME@@ placeholders."""
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m[1]], template)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --- texts -----------------------------------------------------------------------------------


@cache
def seed_paragraphs() -> tuple[str, ...]:
    """Paragraphs of tests/data/seed-texts long enough to read as article body text."""
    found: list[str] = []
    paths = sorted(SEED_TEXTS.glob("*.txt"))
    assert paths, f"no seed texts in {SEED_TEXTS}"
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 40 and not line.startswith(("首页", "来源")):
                found.append(line)
    return tuple(found)


def paragraphs_for(key: str, count: int = 4) -> tuple[str, ...]:
    """`count` consecutive seed paragraphs chosen by a stable hash of `key`."""
    pool = seed_paragraphs()
    start = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % len(pool)
    return tuple(pool[(start + i) % len(pool)] for i in range(count))


def body_html(key: str, count: int = 4, style: str = "") -> str:
    """Seed paragraphs as <p> elements, optionally with the family's paragraph style."""
    attr = f' style="{style}"' if style else ""
    return "\n".join(f"<p{attr}>{esc(p)}</p>" for p in paragraphs_for(key, count))


TOPICS = (
    "关于进一步优化营商环境的实施意见",
    "政府信息公开工作年度报告",
    "关于做好春季农业生产工作的通知",
    "部门预算公开说明",
    "关于开展安全生产大检查的通知",
    "国民经济和社会发展统计公报",
    "关于印发乡村振兴重点工作任务的通知",
    "“双随机、一公开”抽查情况",
    "关于公开招聘事业单位工作人员的公告",
    "重大行政决策事项目录",
    "关于城乡居民医疗保险参保缴费的通知",
    "政府工作报告重点任务分解",
    "关于加强防汛抗旱工作的通知",
    "财政决算公开说明",
    "人大代表建议办理情况",
    "关于调整最低工资标准的通知",
)


def make_title(county: str, index: int, year: int) -> str:
    """A unique, realistic document title."""
    topic = TOPICS[index % len(TOPICS)]
    serial = index // len(TOPICS)
    suffix = f"（第{serial + 1}批）" if serial else ""
    return f"{county}{year}年{topic}{suffix}"


def make_date(index: int, newest: str = "2024-06-28") -> str:
    """Dates going back ~9 days per index from `newest`, newest first."""
    from datetime import date, timedelta

    return (date.fromisoformat(newest) - timedelta(days=9 * index + index % 4)).isoformat()


def pages_of(items: list, per_page: int) -> list[list]:
    """Items split into list pages (at least one, possibly empty)."""
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
