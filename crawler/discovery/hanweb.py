"""Hanweb / 大汉 jcms: columns /col/colN/index.html whose records come as XML.

The first page of records is inlined in the column page as
    <script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]></record>…
and the rest load through the jpage proxy:
    POST /module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15
    col=1&appid=1&webid=1&path=/&columnid=N&sourceContentType=1&unitid=N&webname=…&permissiontype=0
answering <datastore><totalrecord>N</totalrecord><recordset>… in the same record format.
Articles live at /art/YYYY/M/D/art_<columnid>_<id>.html, outside /col/: every record a section
column lists is a document of the section, whatever column it is filed under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html

from crawler.text.normalise import fold_space

DATASTORE_RE = re.compile(r"<datastore>.*?</datastore>", re.S)
RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TOTAL_RECORD_RE = re.compile(
    r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I
)
COLUMN_ID_RE = re.compile(r"/col/col(\d+)/")
PARAM_RES = {
    key: re.compile(rf"\b{key}\s*[:=]\s*['\"]?([^'\",&\s}})]+)", re.I)
    for key in (
        "columnid",
        "unitid",
        "webid",
        "path",
        "webname",
        "permissiontype",
        "perpage",
        "sourceContentType",
        "appid",
        "col",
    )
}
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
RECORDS_PER_REQUEST = 45  # jpage asks for three pages of 15 at a time
MAX_RECORDS = 20000


@dataclass(frozen=True)
class ProxyRequest:
    url: str
    formdata: dict[str, str]


def is_hanweb(html: str, url: str) -> bool:
    return (
        "dataproxy.jsp" in html
        or "/module/web/jpage/" in html
        or bool(COLUMN_ID_RE.search(urlsplit(url).path) and "datastore" in html)
    )


def column_id(url: str, html: str = "") -> str | None:
    match = COLUMN_ID_RE.search(urlsplit(url).path)
    if match:
        return match[1]
    match = PARAM_RES["columnid"].search(html)
    return match[1] if match else None


def records(text: str, base_url: str) -> dict[str, str]:
    """Document links inside <record> CDATA blocks: url -> link text."""
    found: dict[str, str] = {}
    for chunk in RECORD_RE.findall(text):
        try:
            fragment = lxml.html.fragment_fromstring(chunk, create_parent="div")
        except (lxml.etree.ParserError, ValueError):
            continue
        for anchor in fragment.iter("a"):
            href = (anchor.get("href") or "").strip()
            if href and not href.startswith("javascript:"):
                found.setdefault(
                    urljoin(base_url, href),
                    fold_space(anchor.get("title") or anchor.text_content()),
                )
    return found


def total_records(text: str) -> int | None:
    match = TOTAL_RECORD_RE.search(text)
    return int(match[1] or match[2]) if match else None


def proxy_requests(html: str, page_url: str) -> list[ProxyRequest]:
    """The dataproxy.jsp calls that load the column's records beyond the inlined first page."""
    col = column_id(page_url, html)
    total = total_records(html)
    if col is None or not total:
        return []
    params = {key: m[1] for key, rx in PARAM_RES.items() if (m := rx.search(html))}
    perpage = int(params.get("perpage", "15") or 15)
    form = {
        "col": params.get("col", "1"),
        "appid": params.get("appid", "1"),
        "webid": params.get("webid", "1"),
        "path": params.get("path", "/"),
        "columnid": col,
        "sourceContentType": params.get("sourceContentType", "1"),
        "unitid": params.get("unitid", ""),
        "webname": params.get("webname", ""),
        "permissiontype": params.get("permissiontype", "0"),
    }
    inlined = len(RECORD_RE.findall(html))
    found = []
    for start in range(inlined + 1, min(total, MAX_RECORDS) + 1, RECORDS_PER_REQUEST):
        end = min(start + RECORDS_PER_REQUEST - 1, total)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": perpage})
        found.append(ProxyRequest(urljoin(page_url, f"{PROXY_PATH}?{query}"), form))
    return found


def subcolumns(tree: lxml.html.HtmlElement, page_url: str) -> dict[str, str]:
    """Sub-columns a jcms column page lists beside its records (e.g. <ul class="lmlb">): the
    /col/colN/ links inside the block that holds the record datastore, not the site's nav."""
    found: dict[str, str] = {}
    own = column_id(page_url)
    for script in tree.xpath("//script[@type='text/xml']"):
        if "datastore" not in (script.text or ""):
            continue
        holder = script.getparent()
        block = holder.getparent() if holder is not None else None
        if block is None:
            continue
        for anchor in block.iter("a"):
            url = urljoin(page_url, anchor.get("href") or "")
            match = COLUMN_ID_RE.search(urlsplit(url).path)
            if match and match[1] != own:
                found.setdefault(url, fold_space(anchor.text_content()))
    return found
