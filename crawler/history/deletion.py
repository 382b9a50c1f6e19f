"""Deletion evidence: when a known document's URL no longer serves the document.

Plain functions over what a fetch returned. A portal deletes a 政务公开 page in several ways:
a real 404/410, a redirect to the home page or an error page, a redirect off the site (to a
host the crawl may not visit), a "soft 404" that answers 200 with 页面不存在 / 信息已删除, an
empty body, or silently dropping it from its list.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archive.records import Gone

SOFT_404_RE = re.compile(
    r"页面不存在|页面已删除|信息已删除|该信息已被?删除|文章不存在|信息不存在|内容不存在|已被删除|"
    r"找不到(?:该|您要访问的)?页面|404\s*(?:Not Found|错误)|页面未找到|已撤稿|该信息已下线"
)
HOME_PATHS = frozenset(
    {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html"}
)
ERROR_PATH_RE = re.compile(r"(?:^|/)(?:404|error|notfound|not_found|err)(?:[./_-]|$)", re.I)
SOFT_404_MAX_CHARS = 400  # a real document that merely mentions 页面不存在 is longer than this


def gone_evidence(
    status: int | None,
    requested_url: str,
    final_url: str,
    text: str | None = None,
    title: str | None = None,
    offsite: bool = False,
) -> Gone | None:
    """A Gone when the response says the document at `requested_url` is no more, else None.

    `offsite`: the response was a redirect to `final_url`, outside the site's allowed domains,
    which the crawler does not follow: the document has left this site (moved or deleted)."""
    evidence = {"status": str(status), "final_url": final_url}
    if status in (404, 410):
        return Gone(f"HTTP {status}", "deleted", evidence)
    if status is None or status >= 400:
        return None  # a server error or no answer: not evidence of deletion
    if final_url != requested_url:
        path = urlsplit(final_url).path
        if path in HOME_PATHS:
            return Gone("redirected to the home page", "deleted", evidence)
        if ERROR_PATH_RE.search(path):
            return Gone("redirected to an error page", "deleted", evidence)
        if offsite:
            host = urlsplit(final_url).hostname or final_url
            return Gone(f"moved off the site: redirected to {host}", "deleted", evidence)
    if text is not None:
        body = (title or "") + "\n" + text
        if not text.strip():
            return Gone("empty page", "deleted", evidence)
        match = SOFT_404_RE.search(body)
        if match and len(text) <= SOFT_404_MAX_CHARS:
            return Gone(f"soft 404: {match[0]}", "deleted", {**evidence, "phrase": match[0]})
    return None
