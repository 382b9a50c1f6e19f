"""HTML of the sample portal, in the shapes county portals really use.

Modern pages are TRS-WCM-style div layouts; the 政府信息公开 column is an old GBK table layout with
`<br>`-separated paragraphs in one `<td>`. Every page carries the chrome a crawler must learn to
ignore: header, nav bar, breadcrumb, 政务公开 metadata table, print/close links, QR-code line,
上一篇/下一篇, and a footer whose visitor counter changes on every request.
"""

from __future__ import annotations

from html import escape

from crawler.sample_portal.site import COLUMNS, SITE_NAME, TOPICS, Doc, Site

NAV = (
    ("/", "首页"),
    ("/zwgk/index.html", "政务公开"),
    ("/xwzx/", "新闻中心"),
    ("/zwfw/", "政务服务"),
    ("/hdjl/", "互动交流"),
)
NEWS_PATH = "/xwzx/202402/t20240220_2001.html"
NEWS_TITLE = "方城县召开2024年优化营商环境工作推进会"
NEWS_PARAGRAPHS = (
    "2月20日上午，方城县召开2024年优化营商环境工作推进会，总结2023年工作，安排部署2024年重点任务。",
    "会议指出，要持续深化“放管服”改革，推进政务服务“一网通办”，让企业和群众办事更省心、更便捷。",
    "会议要求，各乡镇、各部门要压实责任，细化措施，以一流营商环境助推县域经济高质量发展。",
)
LIST_TITLE_CHARS = 20  # list pages cut long titles; the full title stays in title=""


def e(text: str) -> str:
    return escape(text, quote=True)


def head(title: str, charset: str = "utf-8", meta: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f'<meta name="SiteName" content="{SITE_NAME}">\n'
        '<meta name="SiteDomain" content="www.fangcheng.gov.cn">\n'
        '<meta name="SiteIDCode" content="4113220001">\n'
        f"{meta}<title>{e(title)}</title>\n</head>\n"
    )


def header() -> str:
    nav = "".join(f'<li><a href="{href}">{name}</a></li>' for href, name in NAV)
    return (
        '<div class="topbar"><div class="w1200"><span>欢迎访问方城县人民政府门户网站</span>'
        '<span class="fr">无障碍浏览 | 长者模式 | 手机版</span></div></div>\n'
        '<div class="header"><div class="w1200"><div class="logo">'
        f'<a href="/"><span class="site-name">{SITE_NAME}</span></a>'
        '<span class="site-en">www.fangcheng.gov.cn</span></div>\n'
        '<form class="search" action="/search/" method="get">'
        '<input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form>'
        "</div></div>\n"
        f'<div class="nav"><ul class="w1200">{nav}</ul></div>\n'
    )


def footer(visits: int) -> str:
    return (
        '<div class="footer"><div class="w1200">\n'
        '<p class="links">网站地图 | 联系我们 | 使用帮助</p>\n'
        "<p>主办：方城县人民政府办公室　承办：方城县宣传网络管理中心</p>\n"
        "<p>地址：方城县凤瑞路266号　邮编：473200　电话：0377-67266959</p>\n"
        "<p>网站标识码：4113220001　备案号：豫ICP备2021023589号-1　"
        "豫公网安备 41132202000006号</p>\n"
        f"<p>技术支持：方城县大数据中心　访问量：{visits}</p>\n"
        "</div></div>\n</body>\n</html>\n"
    )


def crumb(*links: tuple[str | None, str]) -> str:
    parts = [f'<a href="{href}">{name}</a>' if href else name for href, name in links]
    return f'<div class="crumb w1200">当前位置：{" &gt; ".join(parts)}</div>\n'


# ---------------------------------------------------------------- documents


def meta_table(doc: Doc) -> str:
    cells = (
        ("索引号", doc.index_no, "主题分类", TOPICS[doc.column]),
        ("发布机构", doc.publisher, "成文日期", doc.written_date),
        ("发布日期", doc.publish_date, "文号", doc.doc_no),
        ("有效性", "有效", "公开方式", "主动公开"),
    )
    rows = "".join(
        f"<tr><th>{a}：</th><td>{e(b)}</td><th>{c}：</th><td>{e(d)}</td></tr>\n"
        for a, b, c, d in cells
    )
    return f'<table class="xxgk-table" cellspacing="0" cellpadding="0">\n{rows}</table>\n'


def prev_next(prev: Doc | None, next_: Doc | None) -> list[str]:
    def one(label: str, doc: Doc | None) -> str:
        return f'{label}：<a href="{doc.path}">{e(doc.title)}</a>' if doc else f"{label}：没有了"

    return [one("上一篇", prev), one("下一篇", next_)]


def doc_meta(doc: Doc) -> str:
    return (
        f'<meta name="ColumnName" content="{COLUMNS[doc.column]}">\n'
        f'<meta name="ArticleTitle" content="{e(doc.title)}">\n'
        f'<meta name="PubDate" content="{doc.publish_date} 08:30">\n'
        f'<meta name="ContentSource" content="{e(doc.publisher)}">\n'
    )


def document_page(doc: Doc, prev: Doc | None, next_: Doc | None, visits: int) -> str:
    if doc.encoding == "gbk":
        return old_document_page(doc, prev, next_, visits)
    column = COLUMNS[doc.column]
    body = "\n".join(f'<p style="text-indent: 2em;">{e(p)}</p>' for p in doc.paragraphs)
    pn = "".join(f"<p>{line}</p>" for line in prev_next(prev, next_))
    return (
        head(f"{doc.title}_{column}_{SITE_NAME}", meta=doc_meta(doc))
        + "<body>\n"
        + header()
        + crumb(("/", "首页"), ("../../index.html", "政务公开"), ("../index.html", column))
        + '<div class="main w1200">\n'
        + meta_table(doc)
        + '<div class="article">\n'
        + f'<h1 class="article-title">{e(doc.title)}</h1>\n'
        + f'<div class="article-info"><span>发布日期：{doc.publish_date}</span>'
        + f"<span>来源：{e(doc.publisher)}</span>"
        + '<span class="zh">字号：<a href="javascript:doZoom(18)">大</a> '
        + '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>'
        + "</span></div>\n"
        + f'<div class="article-content" id="zoom">\n<div class="TRS_Editor">\n{body}\n</div>\n</div>\n'
        + '<div class="article-tools">【<a href="javascript:window.print()">打印本页</a>】'
        + '【<a href="javascript:window.close()">关闭窗口</a>】</div>\n'
        + '<div class="qrcode"><p>扫一扫在手机打开当前页</p></div>\n'
        + f'<div class="prev-next">{pn}</div>\n'
        + "</div>\n</div>\n"
        + footer(visits)
    )


def old_document_page(doc: Doc, prev: Doc | None, next_: Doc | None, visits: int) -> str:
    """The 2010s table layout: GBK, title in the middle cell, paragraphs as <br> lines."""
    column = COLUMNS[doc.column]
    meta = "".join(
        f"<tr><td>{a}：{e(b)}</td><td>{c}：{e(d)}</td></tr>"
        for a, b, c, d in (
            ("索引号", doc.index_no, "主题分类", TOPICS[doc.column]),
            ("发布机构", doc.publisher, "成文日期", doc.written_date),
            ("发布日期", doc.publish_date, "文号", doc.doc_no),
            ("有效性", "有效", "公开方式", "主动公开"),
        )
    )
    body = "<br>\n".join(f"　　{e(p)}" for p in doc.paragraphs)
    pn = "<br>".join(prev_next(prev, next_))
    nav = " | ".join(f'<a href="{href}">{name}</a>' for href, name in NAV)
    return (
        head(f"{doc.title}-{SITE_NAME}", charset="gbk", meta=doc_meta(doc))
        + '<body>\n<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">\n'
        + f'<tr><td class="head" height="90"><b>{SITE_NAME}</b></td></tr>\n'
        + f'<tr><td class="nav" height="36">{nav}</td></tr>\n'
        + '<tr><td class="crumb">当前位置：<a href="/">首页</a> &gt; '
        + f'<a href="../../index.html">政务公开</a> &gt; <a href="../index.html">{column}</a>'
        + "</td></tr>\n"
        + f'<tr><td><table class="xxgk" width="100%" border="1">{meta}</table></td></tr>\n'
        + f'<tr><td align="center" class="title"><h1>{e(doc.title)}</h1></td></tr>\n'
        + f'<tr><td align="center" class="info">发布日期：{doc.publish_date}　'
        + f"来源：{e(doc.publisher)}</td></tr>\n"
        + f'<tr><td class="bt_content" id="zoom">\n{body}\n</td></tr>\n'
        + '<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】'
        + '【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
        + "<tr><td>扫一扫在手机打开当前页</td></tr>\n"
        + f'<tr><td class="prevnext">{pn}</td></tr>\n'
        + "</table>\n"
        + footer(visits)
    )


# ---------------------------------------------------------------- list pages


def list_item(doc: Doc, href: str) -> str:
    shown = doc.title if len(doc.title) <= LIST_TITLE_CHARS else doc.title[:LIST_TITLE_CHARS] + "…"
    return (
        f'<li><a href="{href}" title="{e(doc.title)}" target="_blank">{e(shown)}</a>'
        f"<span>{doc.publish_date}</span></li>"
    )


def pager(page: int, pages: int) -> str:
    """TRS pager: the createPageHTML script plus the plain links it would have written."""

    def name(n: int) -> str:
        return "index.html" if n == 0 else f"index_{n}.html"

    links = []
    if page > 0:
        links += ['<a href="index.html">首页</a>', f'<a href="{name(page - 1)}">上一页</a>']
    else:
        links += ["<span>首页</span>", "<span>上一页</span>"]
    if page + 1 < pages:
        links += [f'<a href="{name(page + 1)}">下一页</a>', f'<a href="{name(pages - 1)}">尾页</a>']
    else:
        links += ["<span>下一页</span>", "<span>尾页</span>"]
    return (
        f'<div class="page">\n<script>createPageHTML({pages}, {page}, "index", "html");</script>\n'
        + " ".join(links)
        + f" <span>共{pages}页 当前第{page + 1}页</span>\n</div>\n"
    )


def columns_menu(site: Site, prefix: str) -> str:
    items = "".join(
        f'<li><a href="{prefix}{slug}/index.html">{COLUMNS[slug]}</a></li>'
        for slug in site.by_column
    )
    return f'<div class="side"><h3>政务公开</h3><ul>{items}</ul></div>\n'


def list_page(
    site: Site, column: str | None, docs: tuple[Doc, ...], page: int, pages: int, visits: int
) -> str:
    """Main 政务公开 list (column None) or a column list; document links relative, TRS style."""
    if column is None:
        name, trail = "政务公开", crumb(("/", "首页"), (None, "政务公开"))
        menu = columns_menu(site, "./")
        items = [list_item(d, "./" + d.path[len("/zwgk/") :]) for d in docs]
    else:
        name = COLUMNS[column]
        trail = crumb(("/", "首页"), ("../index.html", "政务公开"), (None, name))
        menu = columns_menu(site, "../")
        prefix = f"/zwgk/{column}/"
        items = [list_item(d, "./" + d.path[len(prefix) :]) for d in docs]
    charset = "gbk" if column and docs and docs[0].encoding == "gbk" else "utf-8"
    return (
        head(
            f"{name}_{SITE_NAME}",
            charset=charset,
            meta=f'<meta name="ColumnName" content="{name}">\n',
        )
        + "<body>\n"
        + header()
        + trail
        + '<div class="main w1200">\n'
        + menu
        + f'<div class="list"><div class="list-title">{name}</div>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n"
        + pager(page, pages)
        + "</div>\n</div>\n"
        + footer(visits)
    )


# ---------------------------------------------------------------- other pages


def simple_page(title: str, trail: str, inner: str, visits: int) -> str:
    return (
        head(title if title == SITE_NAME else f"{title}_{SITE_NAME}")
        + "<body>\n"
        + header()
        + trail
        + f'<div class="main w1200">\n{inner}</div>\n'
        + footer(visits)
    )


def home_page(site: Site, visits: int) -> str:
    latest = "\n".join(list_item(d, d.path) for d in site.docs[:5])
    inner = (
        '<div class="banner">学习贯彻党的二十大精神 奋力建设现代化方城</div>\n'
        '<div class="box"><h3><a href="/zwgk/index.html">政务公开</a></h3>\n'
        f"<ul>\n{latest}\n</ul></div>\n"
        '<div class="box"><h3><a href="/xwzx/">新闻中心</a></h3>\n'
        f'<ul><li><a href="{NEWS_PATH}">{NEWS_TITLE}</a><span>2024-02-20</span></li></ul></div>\n'
        '<div class="box"><h3>政务服务</h3><ul><li><a href="/zwfw/">网上办事大厅</a></li>'
        '<li><a href="/hdjl/">县长信箱</a></li></ul></div>\n'
        '<div class="links">相关链接：<a href="https://www.gov.cn/" target="_blank">中国政府网</a>'
        ' | <a href="/admin/secret.html">后台管理</a></div>\n'
    )
    return simple_page(SITE_NAME, "", inner, visits)


def news_index_page(visits: int) -> str:
    inner = (
        '<div class="list"><div class="list-title">新闻中心</div>\n<ul>'
        f'<li><a href="./202402/t20240220_2001.html">{NEWS_TITLE}</a><span>2024-02-20</span></li>'
        "</ul></div>\n"
    )
    return simple_page("新闻中心", crumb(("/", "首页"), (None, "新闻中心")), inner, visits)


def news_article_page(visits: int) -> str:
    body = "\n".join(f"<p>{e(p)}</p>" for p in NEWS_PARAGRAPHS)
    inner = (
        f'<div class="article"><h1 class="article-title">{NEWS_TITLE}</h1>\n'
        '<div class="article-info">发布日期：2024-02-20　来源：方城县融媒体中心</div>\n'
        f'<div class="article-content">\n{body}\n</div></div>\n'
    )
    return simple_page(
        NEWS_TITLE, crumb(("/", "首页"), ("../index.html", "新闻中心")), inner, visits
    )


def service_page(title: str, text: str, visits: int) -> str:
    return simple_page(title, crumb(("/", "首页"), (None, title)), f"<p>{text}</p>\n", visits)


def admin_page(visits: int) -> str:
    inner = "<h1>网站内容管理系统</h1>\n<p>内部页面，请使用统一身份认证登录。</p>\n"
    return simple_page("后台管理", "", inner, visits)


def not_found_page(visits: int) -> str:
    inner = (
        '<div class="error404"><h1>404</h1>\n'
        "<p>抱歉，您访问的页面不存在或已被删除！</p>\n"
        '<p>您可以：<a href="/">返回网站首页</a> 或 <a href="/zwgk/index.html">访问政务公开</a></p>\n'
        "</div>\n"
    )
    return simple_page("页面不存在", "", inner, visits)


ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nAllow: /\n"
