"""A 开普云 jpaas portal (sthjt.jiangxi.gov.cn style) whose lists are drawn by scripts, from 010.html.

010.html's list is a handlebars template (`<script type="text/x-handlebars-template">` with
{{#each data}} … {{pcUrl}} … {{title}}) filled by `loadPageData(params)` from commonfiles/utils.js;
its static HTML holds no item link at all. Two columns:

    /jxssthjt/col/col42150/index.html  政策解读: the page carries its items as inline JSON
                                       (`var listData = {articleList: [...]}`, as 010 does): a
                                       crawler reads them without a browser (23 items)
    /jxssthjt/col/col42149/index.html  文件通知: `listData` is empty; utils.js fetches
                                       /jxssthjt/api/pagedata?channelCode=…&current=N&perPage=15
                                       (a JSON shape zwgk does not know), fills the template and
                                       draws a pager whose links are index.html?page=N: only a
                                       browser sees the 34 items, 15 a page
The real utils.js was not saved; the fixture serves a small one doing what it does. Articles
are 007.html's shell at /jxssthjt/col/colN/content/content_ID.html.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import partial

from . import trs
from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    bytes_response,
    corpus_page,
    html_response,
    localise,
    make_date,
    make_title,
    not_found,
)

SITE = "/jxssthjt/"
OWN = ("sthjt.jiangxi.gov.cn",)
PER_PAGE = 15
API = SITE + "api/pagedata"


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    count: int
    inline: bool  # items as inline JSON (read directly) or only from the API (a browser needed)

    @property
    def path(self) -> str:
        return f"{SITE}col/{self.code}/"


# ZWGK_FIXTURE_JSONLIST_ITEMS makes the script-filled column longer (benchmarks/render.py)
SHELL_ITEMS = int(os.environ.get("ZWGK_FIXTURE_JSONLIST_ITEMS", "34"))
COLUMNS = (
    Column("col42150", "政策解读", 23, True),
    Column("col42149", "文件通知", SHELL_ITEMS, False),
)

UTILS_JS = r"""
function renderChannelTemplate() {}
function formatDate(value) { return (value || "").slice(0, 10); }
function fill(template, record) {
  return template.replace(/\{\{formatDate\s+pubDate[^}]*\}\}-\{\{formatDate pubDate 'MM'\}\}-\{\{formatDate\s+pubDate\s+'DD'\s*\}\}/g, formatDate(record.pubDate))
    .replace(/\{\{(\w+)\}\}/g, function (m, key) { return record[key] == null ? "" : String(record[key]); });
}
function loadPageData(params, unit) {
  var source = document.getElementById(params.templateContainerId).innerHTML;
  var item = source.slice(source.indexOf("{{#with this}}") + 14, source.indexOf("{{/with}}"));
  var page = parseInt((location.search.match(/[?&]page=(\d+)/) || [0, "1"])[1], 10);
  var url = "/jxssthjt/api/pagedata?channelCode=" + params.channelCode[0] + "&current=" + page + "&perPage=" + params.perPage;
  fetch(url).then(function (r) { return r.json(); }).then(function (answer) {
    var html = "<ul class='List_list'>";
    answer.data.forEach(function (record) {
      record.pcUrl = JSON.parse(record.urls).pc;
      html += fill(item, record);
    });
    html += "</ul><div class='jp-pager'>";
    var pages = Math.ceil(answer.total / parseInt(params.perPage, 10));
    var here = location.pathname;
    for (var n = 1; n <= pages; n++) {
      html += n == page ? "<b>" + n + "</b> " : "<a href='" + here + "?page=" + n + "'>" + n + "</a> ";
    }
    if (page < pages) html += "<a href='" + here + "?page=" + (page + 1) + "'>下一页</a>";
    document.getElementById(unit).innerHTML = html + "</div>";
  });
}
"""


def docs_of(column: Column, first: int) -> list[trs.Doc]:
    found = []
    for i in range(column.count):
        date = make_date(i + first % 3)
        doc_id = 1_951_206_363_677_670_000 + first + i
        path = f"{column.path}content/content_{doc_id}.html"
        title = make_title("江西省生态环境厅", i + first % 11, int(date[:4]))
        found.append(
            trs.Doc(
                FixtureDocument(path, title, column.name, date), path, "007", doc_id, str(doc_id)
            )
        )
    return found


def record(doc: trs.Doc) -> dict:
    f = doc.fixture
    return {
        "title": f.title,
        "pubDate": f"{f.publish_date} 09:30",
        "urls": json.dumps({"pc": f.path}),
        "showTitle": f"<p>{f.title}</p>",
        "id": str(doc.doc_id),
    }


def column_page(column: Column, docs: list[trs.Doc]) -> str:
    text = localise(corpus_page("010"), OWN)
    start = text.index("articleList:") + len("articleList:")
    rest = text[start:].lstrip()
    _, end = json.JSONDecoder().raw_decode(rest)
    items = [record(d) for d in docs] if column.inline else []
    text = text[:start] + " " + json.dumps(items, ensure_ascii=False) + rest[end:]
    text = text.replace("channelCode: ['col42150']", f"channelCode: ['{column.code}']")
    text = text.replace("政策法规解读· 以案释法", column.name)
    return re.sub(r'"articleCount":\d+', f'"articleCount":{column.count}', text)


def api_answer(columns: dict[str, list[trs.Doc]], request: Request) -> Response:
    docs = columns.get(request.param("channelCode"), [])
    page, size = int(request.param("current", "1") or 1), int(request.param("perPage", "15") or 15)
    data = [record(d) for d in docs[(page - 1) * size : page * size]]
    body = json.dumps({"total": len(docs), "data": data}, ensure_ascii=False).encode("utf-8")
    return bytes_response(body, "application/json; charset=utf-8")


def build() -> FixturePortal:
    pages = Pages()
    columns = {c.code: docs_of(c, n * 100) for n, c in enumerate(COLUMNS)}
    for docs in columns.values():
        for doc in docs:
            pages.add(doc.fixture.path, lambda d=doc: html_response(trs.article_007(d)))
    for column in COLUMNS:
        page = partial(lambda c: html_response(column_page(c, columns[c.code])), column)
        pages.add(column.path, page)
        pages.add(column.path + "index.html", page)
    script = UTILS_JS.encode("utf-8")

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        if request.path == API:
            return api_answer(columns, request)
        if request.path == SITE + "commonfiles/utils.js":
            return bytes_response(script, "application/javascript; charset=utf-8")
        if request.path.endswith(".js"):  # the site's other scripts (jQuery plugins): not saved
            return bytes_response(b"", "application/javascript")
        return pages.get(request.path) or not_found()

    return FixturePortal(
        name="jsonlist",
        family="开普云 jpaas (script lists)",
        start_paths=tuple(c.path + "index.html" for c in COLUMNS),
        section_prefixes=tuple(c.path for c in COLUMNS),
        documents=tuple(d.fixture for docs in columns.values() for d in docs),
        outside_paths=("/", "/jxssthjt/index.html"),
        router=router,
        notes="a template list read from inline JSON; a template list filled from an unknown "
        "API, seen only in a browser",
    )
