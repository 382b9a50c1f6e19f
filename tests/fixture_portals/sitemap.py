"""Sitemap portal: a plain county site whose robots.txt names a sitemap index.

    /robots.txt          Sitemap: http://<host>/sitemap.xml
    /sitemap.xml         sitemap index -> /sitemaps/zwgk_1.xml, /sitemaps/zwgk_2.xml (urlsets)
    /zwgk/index.html     section entry; columns /zwgk/tzgg/ (3 list pages, 下一页/尾页 links) and
                         /zwgk/zcwj/ (one page)
    /zwgk/zcwj/2019/…    older 政策文件 listed only in the sitemap: reachable no other way
    /xwzx/…              news, listed in the sitemap too, outside the section

The plain page templates here are shared with the fault portal.
"""

from __future__ import annotations

from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    body_html,
    bytes_response,
    esc,
    html_response,
    make_date,
    make_title,
    not_found,
    pages_of,
)

SITE_NAME = "青山县人民政府"
PER_PAGE = 8
HEADER = """<div class="top"><div class="logo"><a href="/">{site}</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/index.html">政务公开</a></li>
<li><a href="/xwzx/index.html">新闻中心</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="https://www.gov.cn/" target="_blank">中国政府网</a></li></ul></div>"""
FOOTER = """<div class="footer"><p>主办：{site}办公室　承办：县大数据中心</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">某ICP备12345678号</a>　网站标识码：3600000099</p>
<p><a href="https://bszs.conac.cn/sitename?method=show&amp;id=1" target="_blank">党政机关</a></p></div>"""


def page(title: str, crumb: str, main: str, charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{esc(title)}_{SITE_NAME}</title>
<link rel="stylesheet" href="/css/style.css"></head>
<body>
{HEADER.format(site=SITE_NAME)}
<div class="crumb">当前位置：{crumb}</div>
<div class="main">
{main}
</div>
{FOOTER.format(site=SITE_NAME)}
</body></html>
"""


def crumb(*trail: tuple[str, str]) -> str:
    links = [f'<a href="{href}">{esc(name)}</a>' if href else esc(name) for href, name in trail]
    return " &gt; ".join(['<a href="/">首页</a>', *links])


def list_main(items: list[tuple[str, str, str]], pager: str = "") -> str:
    lis = "\n".join(
        f'<li><a href="{esc(href)}" target="_blank" title="{esc(title)}">{esc(title)}</a>'
        f"<span>{date}</span></li>"
        for href, title, date in items
    )
    return f'<ul class="list">\n{lis}\n</ul>\n<div class="page">{pager}</div>'


def plain_pager(page: int, pages: int, stem: str = "index", next_always: bool = False) -> str:
    """共N页 首页 上一页 下一页 尾页, page 1 is index.html, page n is index_n.html."""

    def name(n: int) -> str:
        return f"{stem}.html" if n <= 1 else f"{stem}_{n}.html"

    parts = [f"共{pages}页 当前第{page}页", f'<a href="{name(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{name(page - 1)}">上一页</a>')
    if page < pages or next_always:
        parts.append(f'<a href="{name(page + 1)}">下一页</a>')
    parts.append(f'<a href="{name(pages)}">尾页</a>')
    return " ".join(parts)


def article_main(doc: FixtureDocument, extra: str = "") -> str:
    return f"""<div class="article">
<h1 class="title">{esc(doc.title)}</h1>
<div class="info"><span>发布日期：{doc.publish_date}</span><span>来源：{SITE_NAME}办公室</span></div>
<div class="content" id="zoom">
{body_html(doc.path, 4, "text-indent: 2em;")}
{extra}
</div>
</div>"""


def article_page(doc: FixtureDocument, column_href: str, charset: str = "utf-8") -> str:
    trail = crumb(("/zwgk/index.html", "政务公开"), (column_href, doc.column))
    return page(doc.title, trail, article_main(doc), charset)


# --- the sitemap portal -------------------------------------------------------------------------


def _docs(prefix: str, column: str, count: int, offset: int, newest: str) -> list[FixtureDocument]:
    found = []
    for i in range(count):
        date = make_date(i, newest)
        ym, ymd = date[:7].replace("-", ""), date.replace("-", "")
        path = f"{prefix}{ym}/t{ymd}_{5000 + offset + i}.html"
        found.append(
            FixtureDocument(path, make_title("青山县", offset + i, int(date[:4])), column, date)
        )
    return found


def urlset(urls: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<url><loc>{esc(u)}</loc><lastmod>{d}</lastmod></url>" for u, d in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    ).encode()


def sitemap_index(urls: list[str]) -> bytes:
    entries = "".join(f"<sitemap><loc>{esc(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    ).encode()


def base_url(request: Request) -> str:
    return "http://" + request.headers.get("Host", "127.0.0.1")


def build() -> FixturePortal:
    pages = Pages()
    notices = _docs("/zwgk/tzgg/", "通知公告", 20, 0, "2024-06-20")
    policies = _docs("/zwgk/zcwj/", "政策文件", 6, 40, "2024-05-15")
    hidden = _docs("/zwgk/zcwj/", "政策文件", 6, 60, "2019-12-20")  # only in the sitemap
    news = _docs("/xwzx/", "新闻中心", 3, 80, "2024-06-18")
    for docs, href in (
        (notices, "/zwgk/tzgg/"),
        (policies + hidden, "/zwgk/zcwj/"),
        (news, "/xwzx/"),
    ):
        for doc in docs:
            pages.add(doc.path, lambda d=doc, h=href: html_response(article_page(d, h)))
    chunks = pages_of(notices, PER_PAGE)
    for n, chunk in enumerate(chunks, start=1):
        items = [(d.path.removeprefix("/zwgk/tzgg/"), d.title, d.publish_date) for d in chunk]
        main = list_main(items, plain_pager(n, len(chunks)))
        trail = crumb(("/zwgk/index.html", "政务公开"), ("", "通知公告"))
        builder = lambda m=main, t=trail: html_response(page("通知公告", t, m))  # noqa: E731
        pages.add("/zwgk/tzgg/" + ("index.html" if n == 1 else f"index_{n}.html"), builder)
        if n == 1:
            pages.add("/zwgk/tzgg/", builder)
    policy_main = list_main(
        [(d.path, d.title, d.publish_date) for d in policies], plain_pager(1, 1)
    )
    policy_trail = crumb(("/zwgk/index.html", "政务公开"), ("", "政策文件"))
    for path in ("/zwgk/zcwj/", "/zwgk/zcwj/index.html"):
        pages.add(path, lambda: html_response(page("政策文件", policy_trail, policy_main)))
    entry = list_main(
        [
            ("/zwgk/tzgg/index.html", "通知公告", notices[0].publish_date),
            ("/zwgk/zcwj/index.html", "政策文件", policies[0].publish_date),
        ]
    )
    for path in ("/zwgk/", "/zwgk/index.html"):
        pages.add(path, lambda: html_response(page("政务公开", crumb(("", "政务公开")), entry)))
    news_main = list_main([(d.path, d.title, d.publish_date) for d in news])
    pages.add(
        "/xwzx/index.html",
        lambda: html_response(page("新闻中心", crumb(("", "新闻中心")), news_main)),
    )
    home_main = list_main(
        [("/zwgk/index.html", "政务公开", notices[0].publish_date)]
        + [(d.path, d.title, d.publish_date) for d in news]
    )
    for path in ("/", "/index.html"):
        pages.add(path, lambda: html_response(page("首页", "首页", home_main)))

    def urls(request: Request, docs: list[FixtureDocument]) -> list[tuple[str, str]]:
        return [(base_url(request) + d.path, d.publish_date) for d in docs]

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        if request.path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {base_url(request)}/sitemap.xml\n"
            return bytes_response(text.encode(), "text/plain; charset=utf-8")
        if request.path == "/sitemap.xml":
            children = [f"{base_url(request)}/sitemaps/zwgk_{n}.xml" for n in (1, 2)]
            return bytes_response(sitemap_index(children), "application/xml")
        if request.path == "/sitemaps/zwgk_1.xml":
            lists = [
                (base_url(request) + p, "2024-06-20")
                for p in ("/zwgk/index.html", "/zwgk/tzgg/index.html")
            ]
            return bytes_response(urlset(lists + urls(request, notices)), "application/xml")
        if request.path == "/sitemaps/zwgk_2.xml":
            return bytes_response(
                urlset(urls(request, policies + hidden + news)), "application/xml"
            )
        return pages.get(request.path) or not_found()

    return FixturePortal(
        name="sitemap",
        family="sitemap (plain site)",
        start_paths=("/zwgk/index.html",),
        section_prefixes=("/zwgk/",),
        documents=tuple(notices + policies + hidden),
        outside_paths=("/", "/index.html", "/xwzx/index.html", *(d.path for d in news)),
        router=router,
        notes=f"{len(hidden)} documents under /zwgk/zcwj/2019… are linked only from /sitemaps/zwgk_2.xml, "
        "which also lists news outside the section",
    )
