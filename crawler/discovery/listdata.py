"""Lists whose items live in scripts: data to read directly, APIs to call, pages to render.

Three shapes are recognised and read without a browser:
- TRS 动静结合 lists (list2.trsapi): the first `maxStaticIndex` pages are static blocks in the
  HTML, the rest come from the search API named in the page's `listApi: {url: …}`, asked per page
  with the channel, `classsql` and sort of `pageChnlInfo` (`recordCount`, `prepage`);
- JSON behind a template: a `<script type="text/x-handlebars-template">` list whose items are an
  inline JSON array in the page (`var listData = {articleList: [...]}`, 开普云 jpaas);
- JSON answers of such APIs: any array of objects with a title and a URL field
  (`chnldocurl`, `docpuburl`, `url`, `pcUrl`, `link`, `urls: '{"pc": …}'`).
Any other list whose main list is empty or shorter than its scripts announce, while its scripts
hold the data (templates, record counts, API calls), needs a browser: `render_reason` says why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

import lxml.html

from crawler.discovery.pagers import ListState, script_texts
from crawler.text.normalise import fold_space

MAX_API_PAGES = 500
TEMPLATE_RE = re.compile(
    r"\{\{\s*[#/]?\w[^}]*\}\}|\bms-(?:repeat|attr-href|for)\b|\bv-for=|\bng-repeat=|\bx-for=|\blay-data"
)
API_CALL_RE = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\s*\(|\bfetch\s*\(|XMLHttpRequest|axios\.|loadPageData\s*\(|"
    r"\burl\s*:\s*['\"][^'\"]+['\"]|listApi",
    re.I,
)
URL_KEYS = ("chnldocurl", "docpuburl", "pcUrl", "url", "link", "href", "docurl", "urls")
TITLE_KEYS = ("doctitle", "title", "showTitle", "name", "docTitle")
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ApiRequest:
    """A request for more items of a list, answered in JSON."""

    url: str
    page: int


def _quoted(value: str) -> str:
    """The last quoted string of a JS expression like `"" || "chnlid=1780"`."""
    found = re.findall(r"['\"]([^'\"]*)['\"]", value)
    return next((f for f in reversed(found) if f), "")


def _js_value(text: str, key: str) -> str | None:
    match = re.search(rf"\b{key}\s*:\s*([^,\n}}]+)", text)
    return match[1].strip() if match else None


def trs_api_requests(tree: lxml.html.HtmlElement, page_url: str) -> list[ApiRequest]:
    """The search-API pages of a TRS 动静结合 list beyond its static blocks."""
    scripts = "\n".join(script_texts(tree))
    if "pageChnlInfo" not in scripts or "listApi" not in scripts:
        return []
    api = re.search(r"listApi\s*:\s*\{\s*url\s*:\s*['\"]([^'\"]+)['\"]", scripts)
    records = _js_value(scripts, "recordCount")
    if not api or not records:
        return []
    total = int(_quoted(records) or re.sub(r"\D", "", records) or 0)
    prepage = int(re.sub(r"\D", "", _js_value(scripts, "prepage") or "") or 15)
    static = int(re.sub(r"\D", "", _js_value(scripts, "maxStaticIndex") or "") or 0)
    channel = re.sub(r"\D", "", _js_value(scripts, "searchId") or "")
    params = {
        "channelid": channel,
        "classsql": _quoted(_js_value(scripts, "classsql") or ""),
        "sortfield": _quoted(_js_value(scripts, "sortfield") or "") or "-docorderpri,-docreltime",
        "prepage": str(prepage),
    }
    pages = min(-(-total // prepage), MAX_API_PAGES)
    base = urljoin(page_url, api[1])
    return [
        ApiRequest(f"{base}?{urlencode({**params, 'page': str(n)})}", n)
        for n in range(static + 1, pages + 1)
    ]


def _json_after(text: str, marker: str):
    index = text.find(marker)
    if index < 0:
        return None
    rest = text[index + len(marker) :].lstrip()
    try:
        value, _ = json.JSONDecoder().raw_decode(rest)
    except ValueError:
        return None
    return value


def inline_json_items(tree: lxml.html.HtmlElement, page_url: str) -> dict[str, str] | None:
    """Items of a template list whose data is inline JSON in the page; None if not that shape."""
    if not tree.xpath("//script[contains(@type, 'template')]"):
        return None
    for text in script_texts(tree):
        for marker in ("articleList:", '"articleList":', "listData =", "listData="):
            data = _json_after(text, marker)
            if data is not None:
                return json_items(data, page_url)
    return None


def _field(record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _record_url(record: dict) -> str | None:
    value = _field(record, URL_KEYS)
    if value and value.startswith("{"):  # 开普云: urls = '{"pc": "/…/content_N.html"}'
        try:
            value = json.loads(value).get("pc")
        except (ValueError, AttributeError):
            return None
    return value


def json_items(data, base_url: str) -> dict[str, str]:
    """url -> title of every record (an object with a title and a URL) anywhere in JSON data."""
    found: dict[str, str] = {}
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            url, title = _record_url(node), _field(node, TITLE_KEYS)
            if url and title and not url.lower().startswith(("javascript:", "#")):
                found.setdefault(urljoin(base_url, url), fold_space(_TAG_RE.sub("", title)))
                continue
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def parse_json(body: str, base_url: str) -> dict[str, str]:
    """Items of a list API's JSON answer (empty when it is not JSON)."""
    try:
        return json_items(json.loads(body), base_url)
    except ValueError:
        return {}


def render_reason(
    tree: lxml.html.HtmlElement, listed: int, state: ListState, first_page: bool = True
) -> str | None:
    """Why a list page needs a browser: its main list is empty, or (on a column's first page)
    shorter than its scripts announce, while scripts hold the data. None when the static HTML
    is the list."""
    scripts = "\n".join(script_texts(tree))
    body = tree.find("body")
    markup = lxml.html.tostring(body, encoding="unicode") if body is not None else ""
    templated = bool(TEMPLATE_RE.search(markup))
    calls_api = bool(API_CALL_RE.search(scripts))
    expected = None
    if state.records is not None and state.page_size and first_page:
        expected = min(state.records, state.page_size)
    if listed == 0 and (templated or calls_api) and state.records != 0:
        what = "a template" if templated else "an API call"
        return f"its list is empty in the HTML and filled by {what} in its scripts"
    if expected and listed < expected and (templated or calls_api):
        return f"its scripts announce {expected} items on this page, the HTML holds {listed}"
    return None
