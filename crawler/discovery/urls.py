"""URL rules shared by every discovery strategy: the archive's canonical form, the section
boundary, article patterns of the CMS families, and crawler traps."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Article URLs of the CMS families county portals run on
DOCUMENT_URL_RES = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),  # TRS WCM: t20240227_1001.html
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),  # Hanweb jcms
    re.compile(r"/\d{6}/[0-9a-f]{32}\.s?html?$"),  # Ucap / 开普云
    re.compile(
        r"/c\d{5,}/\d{6}/\d{5,}\.s?html?$"
    ),  # 集约化 platforms: /jyt/c110634/202509/174221098.shtml
    re.compile(r"/(?:content|detail|article|info)[_/-]?\d+\.s?html?$", re.I),
    re.compile(r"/\d{4}-?\d{2}/\d{2}/[\w-]+\.s?html?$"),
)
# Files a document links as attachments: downloaded, stored, and listed on the version
ATTACHMENT_EXTENSIONS = frozenset(
    [
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".wps",
        ".et",
        ".ofd",
        ".zip",
        ".rar",
        ".7z",
        ".ppt",
        ".pptx",
        ".txt",
        ".csv",
    ]
)
NON_PAGE_EXTENSIONS = ATTACHMENT_EXTENSIONS | frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".svg",
        ".ico",
        ".css",
        ".js",
        ".mp4",
        ".mp3",
        ".flv",
        ".swf",
        ".json",
    ]
)
SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid"}
)
_PATH_SESSION_RE = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.I)
_CALENDAR_KEYS = frozenset({"date", "day", "year", "month", "riqi", "rq", "calendar"})
_SEARCH_RE = re.compile(r"/(?:search|was5?|was40|jsearch|s)(?:/|\.\w+)?(?:$|\?)|/search\b", re.I)
_SEARCH_KEYS = frozenset({"q", "keyword", "keywords", "searchword", "query", "kw", "wd"})
MAX_QUERY_LENGTH = 200
MAX_PATH_DEPTH = 12


def canonical_url(url: str) -> str:
    """The archive's key for a URL: no fragment, no session id, sorted query, lower-case host,
    no default port."""
    url = _PATH_SESSION_RE.sub("", url)
    parts = urlsplit(url)
    if parts.query:
        kept = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in SESSION_PARAMS
        ]
        url = urlunsplit(parts._replace(query=urlencode(kept)))
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    default = (parts.scheme == "http" and parts.port == 80) or (
        parts.scheme == "https" and parts.port == 443
    )
    if parts.port and not default:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def in_section(url: str, prefixes: tuple[str, ...]) -> bool:
    path = urlsplit(url).path or "/"
    return any(path.startswith(prefix) for prefix in prefixes)


def extension(url: str) -> str:
    name = urlsplit(url).path.lower().rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


_ATTACHMENT_SUFFIXES = tuple(sorted(ATTACHMENT_EXTENSIONS))


def is_attachment_url(url: str) -> bool:
    """A link to a document file (the one rule, for discovery and extraction alike): its path
    ends in an attachment extension, or its query does (download.jsp?file=通知.pdf)."""
    parts = urlsplit(url)
    return unquote(parts.path).lower().endswith(_ATTACHMENT_SUFFIXES) or unquote(
        parts.query
    ).lower().endswith(_ATTACHMENT_SUFFIXES)


def looks_like_document(url: str) -> bool:
    path = urlsplit(url).path
    return any(rx.search(path) for rx in DOCUMENT_URL_RES)


LIST_PAGE_RE = re.compile(
    r"/(?:index|list|zwgklist|zwgk|default|more)(?:_\w+)?\.(?:s?html?|jsp|aspx?|php)$|/$", re.I
)


def looks_like_list(url: str) -> bool:
    """A column's list page (index.shtml, zwgklist_2.shtml, …/), not an article."""
    return bool(LIST_PAGE_RE.search(urlsplit(url).path))


def trap_reason(url: str) -> str | None:
    """Why a URL is a crawler trap (calendar, search, ever-growing query, looping path), else None."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k.lower() for k, _ in pairs]
    if _CALENDAR_KEYS & set(keys) or re.search(r"/(?:calendar|rili)\b", parts.path, re.I):
        return "calendar"
    if _SEARCH_KEYS & set(keys) or _SEARCH_RE.search(parts.path + ("?" if parts.query else "")):
        return "search"
    if len(keys) != len(set(keys)):
        return "repeated query parameters"
    if len(parts.query) > MAX_QUERY_LENGTH:
        return "query string too long"
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_PATH_DEPTH:
        return "path too deep"
    if len(segments) >= 4 and len(set(segments)) <= len(segments) // 2:
        return "repeating path segments"
    return None
