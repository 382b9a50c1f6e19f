"""Fixture article pages built from the five seed texts in three real portal layouts.

Each seed text (`tests/data/seed-texts`, minus its own page chrome) becomes a document; 001 holds
three reports that each open with "乡镇政府2023工作报告", so it gives three documents. Every document
is rendered in three layouts seen on county portals:

- ``modern``: a div template with English class names (header, nav, breadcrumb, article-content,
  related-links, footer) and a stale <meta PubDate> that disagrees with the visible date;
- ``table``: an old table layout, no class names at all; the whole body sits in one ``<td>`` as
  ``<br>``-separated paragraphs indented with ``&nbsp;``, navigation and footer in tables too;
- ``pinyin``: class names in pinyin initials (``dh`` nav, ``dqwz`` breadcrumb, ``bt`` title,
  ``sj`` date, ``ly`` source, ``wz_nr`` content, ``xglj`` related links, ``db`` footer).

Each layout adds the same kinds of furniture: nav, breadcrumb "首页 > 政务公开 > …", the 政务公开
metadata table (索引号, 主题分类, 发布机构, 成文日期, 发布日期, 文号, 有效性), 【打印本页】【关闭窗口】,
字号 大 中 小, 扫一扫在手机打开当前页, 上一篇/下一篇, a 相关链接 list and a footer (主办/承办,
地址/邮编/电话, 网站标识码, ICP备案号, 公网安备, 技术支持). Every piece of visible furniture text is
recorded as it is written into the page (``LayoutPage.boilerplate``), so a test can tell which
of them leaked into an extraction. Plain values only: nothing here imports the crawler.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from testdata import SEED_TEXTS

LAYOUT_NAMES = ("modern", "table", "pinyin")

# Lines of the seed texts that are page chrome, not the document
SEED_CHROME_RES = tuple(
    re.compile(pattern)
    for pattern in (
        r"^首页\s*>",  # breadcrumb: 首页 >>法治政府建设, 首页 >政务公开 > …
        r"^政府信息公开$",  # column label above the title
        r"主办\s*[:：]|网站标识码|备案号|公网安备|邮编\s*[:：]",  # footer
        r"^扫一扫在手机打开当前页",
        r"^(?:来源|发布时间|浏览次数)\s*[:：]",
        r"^附件下[载載]\s*[:：]?$",
        r"^\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2})?$",  # the bare publish date under the title
    )
)


@dataclass(frozen=True)
class Site:
    name: str  # 方城县人民政府
    host: str
    code: str  # 网站标识码
    icp: str
    police: str  # 公网安备
    address: str
    postcode: str
    phone: str
    traditional: bool = False


@dataclass(frozen=True)
class SeedDoc:
    key: str  # "000", "001a", …
    seed: str  # seed text file name
    site: Site
    column: str
    title: str
    publish_date: str  # ISO
    publish_time: str  # HH:MM shown next to the date
    publisher: str  # 发布机构
    source: str  # 来源 (shorter than the publisher on some pages)
    index_no: str
    doc_no: str | None
    category: str
    paragraphs: tuple[str, ...]

    @property
    def written_date(self) -> str:  # 成文日期: a few days before publication
        return (date.fromisoformat(self.publish_date) - timedelta(days=4)).isoformat()


@dataclass(frozen=True)
class LayoutPage:
    name: str  # "000-modern"
    layout: str
    url: str
    html: str
    doc: SeedDoc
    boilerplate: tuple[str, ...]  # every piece of furniture text the layout wrote (once each)


FANGCHENG = Site(
    "方城县人民政府",
    "www.fangcheng.gov.cn",
    "4113220001",
    "豫ICP备2021023589号-1",
    "豫公网安备 41132202000006号",
    "方城县凤瑞路266号",
    "473200",
    "0377-67266959",
)
WEISHAN = Site(
    "微山县人民政府",
    "www.weishan.gov.cn",
    "3708260015",
    "鲁ICP备05045961号",
    "鲁公网安备 37082602000117号",
    "微山县奎文路9号",
    "277600",
    "0537-8252367",
)
MILUO = Site(
    "汨罗市人民政府",
    "www.miluo.gov.cn",
    "4306810001",
    "湘ICP备05003617号",
    "湘公网安备 43068102000109号",
    "汨罗市归义路1号",
    "414400",
    "0730-5222011",
)
ENYANG = Site(
    "巴中市恩阳区人民政府",
    "www.scey.gov.cn",
    "5119030001",
    "蜀ICP备13008761号",
    "川公网安备 51190302000116号",
    "巴中市恩阳区恩阳大道99号",
    "636064",
    "0827-5585003",
)
HENGNAN = Site(
    "衡南縣人民政府",
    "www.hengnan.gov.cn",
    "4304220001",
    "湘ICP備05011839號",
    "湘公網安備 43042202000121號",
    "衡南縣雲集鎮衡南大道",
    "421131",
    "0734-8521234",
    traditional=True,
)

# key, seed prefix, part, site, column, title, date, time, publisher, source, 索引号, 文号
_DOCS = (
    ("000", "000", 0, FANGCHENG, "法治政府建设", "2023年法治政府工作报告", "2024-02-27", "09:30",
     "杨集镇人民政府", "杨集镇人民政府", "11411322MB0F31246K/2024-00012", "杨政〔2024〕5号"),
    ("001a", "001", 0, WEISHAN, "政府工作报告", "乡镇政府2023工作报告", "2024-01-08", "16:05",
     "留庄镇人民政府", "留庄镇", "11370826004371586X/2024-00003", "留政发〔2024〕1号"),
    ("001b", "001", 1, WEISHAN, "政府工作报告", "乡镇政府2023工作报告", "2024-01-15", "11:20",
     "欢城镇人民政府", "欢城镇", "113708260043716105/2024-00007", "欢政发〔2024〕2号"),
    ("001c", "001", 2, WEISHAN, "政府工作报告", "乡镇政府2023工作报告", "2024-01-22", "08:47",
     "两城镇人民政府", "两城镇", "11370826004371631U/2024-00011", None),
    ("002", "002", 0, MILUO, "工作总结", "弼时镇2022年工作总结及2023年工作规划", "2023-01-17",
     "10:21", "弼时镇人民政府", "弼时镇", "114306810061652833/2023-00045", None),
    ("003", "003", 0, ENYANG, "政府工作报告", "2021年政府工作报告", "2021-11-24", "15:40",
     "恩阳区双胜镇人民政府", "双胜镇", "115119030088412967/2021-00216", "双府发〔2021〕36号"),
    ("004", "004", 0, HENGNAN, "工作總結", "鐵絲塘鎮2023年工作總結及2024年工作計劃", "2023-12-08",
     "17:12", "鐵絲塘鎮人民政府", "鐵絲塘鎮", "11430422006952381P/2023-00398", "鐵政發〔2023〕21號"),
)  # fmt: skip
CATEGORY = "综合政务/政府工作报告"


def fold(text: str) -> str:
    """White space (with ideographic and no-break spaces) folded to single spaces, trimmed."""
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def seed_paragraphs(text: str, title: str) -> tuple[str, ...]:
    """A seed text's body paragraphs: non-empty lines minus the title and the page chrome."""
    lines = (fold(line) for line in text.splitlines())
    return tuple(
        line
        for line in lines
        if line and line != title and not any(rx.search(line) for rx in SEED_CHROME_RES)
    )


def _split_reports(text: str, heading: str) -> list[str]:
    parts = re.split(rf"^{re.escape(heading)}\s*$", text, flags=re.MULTILINE)
    return [part for part in parts if part.strip()]


@cache
def seed_docs() -> tuple[SeedDoc, ...]:
    """The seven documents of the five seed texts (001 holds three reports)."""
    docs = []
    for (
        key,
        prefix,
        part,
        site,
        column,
        title,
        day,
        time,
        publisher,
        source,
        index,
        number,
    ) in _DOCS:
        found = sorted(SEED_TEXTS.glob(f"{prefix}_*.txt"))
        assert len(found) == 1, f"want one seed text {prefix}_*.txt in {SEED_TEXTS}: {found}"
        (path,) = found
        text = path.read_text(encoding="utf-8")
        if prefix == "001":
            text = _split_reports(text, title)[part]
        docs.append(
            SeedDoc(
                key=key,
                seed=path.name,
                site=site,
                column=column,
                title=title,
                publish_date=day,
                publish_time=time,
                publisher=publisher,
                source=source,
                index_no=index,
                doc_no=number,
                category=CATEGORY,
                paragraphs=seed_paragraphs(text, title),
            )
        )
    return tuple(docs)


class _Chrome:
    """Writes furniture text into a page and remembers each piece."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def __call__(self, text: str) -> str:
        if fold(text):
            self.pieces.append(fold(text))
        return html.escape(text, quote=False)


def _neighbours(doc: SeedDoc) -> tuple[str, str]:
    docs = seed_docs()
    i = next((i for i, other in enumerate(docs) if other.key == doc.key), None)
    if i is None:  # a page of another set (tests/fidelity_pages.py): no neighbours
        return "没有了", "没有了"
    prev = docs[i - 1].title if i > 0 else "没有了"
    nxt = docs[i + 1].title if i + 1 < len(docs) else "没有了"
    return prev, nxt


def _related(doc: SeedDoc) -> tuple[tuple[str, str], ...]:
    county = doc.site.name.removesuffix("人民政府")
    return (
        (f"{county}2023年政府信息公开工作年度报告", "2024-01-19"),
        (f"关于印发《{county}2024年政务公开工作要点》的通知", "2024-03-05"),
        (f"{county}2023年国民经济和社会发展统计公报", "2024-04-02"),
    )


NAV = ("首页", "走进县情", "政务公开", "政务服务", "互动交流", "专题专栏")


def _meta_rows(doc: SeedDoc, *, cn_dates: bool) -> tuple[tuple[str, str], ...]:
    def show(iso: str) -> str:
        y, m, d = iso.split("-")
        return f"{y}年{m}月{d}日" if cn_dates else iso

    return (
        ("索引号：", doc.index_no),
        ("主题分类：", doc.category),
        ("发布机构：", doc.publisher),
        ("成文日期：", show(doc.written_date)),
        ("发布日期：", show(doc.publish_date)),
        ("文号：", doc.doc_no or ""),
        ("有效性：", "有效"),
        ("公开方式：", "主动公开"),
    )


def _footer_lines(site: Site) -> tuple[tuple[str, ...], ...]:
    return (
        (f"主办：{site.name}办公室", f"承办：{site.name.removesuffix('人民政府')}大数据中心"),
        (f"地址：{site.address}", f"邮编：{site.postcode}", f"电话：{site.phone}"),
        (f"网站标识码：{site.code}", site.icp, site.police),
        (f"技术支持：{site.name.removesuffix('人民政府')}信息中心",),
    )


def modern_page(doc: SeedDoc, body: str | None = None) -> tuple[str, tuple[str, ...]]:
    c = _Chrome()
    site = doc.site
    prev, nxt = _neighbours(doc)
    stale = (date.fromisoformat(doc.publish_date) + timedelta(days=97)).isoformat()
    meta = "".join(
        f'<li><label>{c(label)}</label><span class="value">{c(value)}</span></li>'
        for label, value in _meta_rows(doc, cn_dates=False)
    )
    paragraphs = body or "\n".join(
        f'<p style="text-indent: 2em;">{html.escape(p, quote=False)}</p>' for p in doc.paragraphs
    )
    related = "".join(
        f'<li><a href="/zwgk/{i}.html">{c(name)}</a><span class="date">{c(day)}</span></li>'
        for i, (name, day) in enumerate(_related(doc))
    )
    footer = "".join(
        "<p>" + "&nbsp;&nbsp;".join(f"<span>{c(part)}</span>" for part in line) + "</p>"
        for line in _footer_lines(site)
    )
    nav = "".join(f'<li><a href="/{i}/">{c(item)}</a></li>' for i, item in enumerate(NAV))
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="{site.name}"><meta name="ColumnName" content="{doc.column}">
<meta name="PubDate" content="{stale} 10:33:59">
<title>{html.escape(doc.title)}_{site.name}</title>
<link rel="stylesheet" href="/css/article.css"><script src="/js/jquery.min.js"></script></head>
<body>
<div class="header"><div class="container"><div class="logo"><img src="/images/logo.png" alt="{site.name}"></div>
<div class="header-links"><a href="/wza/">{c("无障碍")}</a><a href="/yhmode/">{c("长者模式")}</a><a href="/">{c("简体版")}</a></div></div></div>
<div class="nav"><ul class="container">{nav}</ul></div>
<div class="container main">
<div class="breadcrumb">{c("当前位置：")}<a href="/">{c("首页")}</a> &gt; <a href="/zwgk/">{c("政务公开")}</a> &gt; <a href="/zwgk/col/">{c(doc.column)}</a></div>
<div class="xxgk-meta"><ul>{meta}</ul></div>
<div class="article">
<h1 class="article-title">{html.escape(doc.title)}</h1>
<div class="article-info"><span>{c("来源：" + doc.source)}</span><span>{c(f"发布时间：{doc.publish_date} {doc.publish_time}")}</span><span>{c("浏览次数：")}<em>{c("326")}</em></span>
<span class="font-size">{c("字号：")}<a href="javascript:;">{c("大")}</a> <a href="javascript:;">{c("中")}</a> <a href="javascript:;">{c("小")}</a></span></div>
<div class="article-content">
{paragraphs}
</div>
<div class="article-tools"><div class="qr-code"><img src="/qr.png" alt=""><p>{c("扫一扫在手机打开当前页")}</p></div>
<a href="javascript:window.print()">{c("【打印本页】")}</a><a href="javascript:window.close()">{c("【关闭窗口】")}</a></div>
<div class="article-pager"><p>{c("上一篇：")}<a href="/zwgk/p.html">{c(prev)}</a></p><p>{c("下一篇：")}<a href="/zwgk/n.html">{c(nxt)}</a></p></div>
</div>
<div class="related-links"><h3>{c("相关链接")}</h3><ul>{related}</ul></div>
</div>
<div class="footer"><div class="container">{footer}</div></div>
<script>var _hmt = _hmt || [];</script>
</body></html>
"""
    return page, tuple(c.pieces)


def table_page(doc: SeedDoc, body: str | None = None) -> tuple[str, tuple[str, ...]]:
    c = _Chrome()
    site = doc.site
    prev, nxt = _neighbours(doc)
    nav = " | ".join(
        f'<a href="/{i}/"><font color="#ffffff">{c(item)}</font></a>' for i, item in enumerate(NAV)
    )
    rows = _meta_rows(doc, cn_dates=True)
    meta = "".join(
        "<tr>"
        + "".join(
            f'<td width="12%" bgcolor="#f2f2f2">{c(label)}</td><td width="38%">{c(value)}</td>'
            for label, value in rows[i : i + 2]
        )
        + "</tr>"
        for i in range(0, len(rows), 2)
    )
    body = body or "<br>\n".join(
        f"&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(p, quote=False)}" for p in doc.paragraphs
    )
    y, m, d = doc.publish_date.split("-")
    related = "".join(
        f'<tr><td height="24">·<a href="/zwgk/{i}.html">{c(name)}</a></td><td width="90">{c(day)}</td></tr>'
        for i, (name, day) in enumerate(_related(doc))
    )
    footer = "<br>\n".join(
        "&nbsp;&nbsp;".join(c(part) for part in line) for line in _footer_lines(site)
    )
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{site.name}--{html.escape(doc.title)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
</head>
<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td height="120" background="/images/top_bg.jpg"><img src="/images/logo.gif" alt="{site.name}" width="600" height="100"></td></tr>
  <tr><td height="36" align="center" bgcolor="#0d5ea8">{nav}</td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td height="30">&nbsp;{c("您现在的位置：")}<a href="/">{c("首页")}</a> &gt; <a href="/zwgk/">{c("政务公开")}</a> &gt; <a href="/zwgk/col/">{c(doc.column)}</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td valign="top">
    <table width="96%" border="1" align="center" cellpadding="4" cellspacing="0" bordercolor="#cccccc" style="border-collapse:collapse">
      {meta}
    </table>
    <table width="96%" border="0" align="center" cellpadding="0" cellspacing="0">
      <tr><td height="60" align="center"><font style="font-size:22px" color="#c00000"><b>{html.escape(doc.title)}</b></font></td></tr>
      <tr><td height="30" align="center" bgcolor="#f5f5f5">{c(f"发布日期：{y}年{m}月{d}日")}&nbsp;&nbsp;&nbsp;{c("来源：" + doc.source)}&nbsp;&nbsp;&nbsp;{c("点击数：")}<script>document.write(326)</script>{c("326")}&nbsp;&nbsp;&nbsp;{c("【字号：")}<a href="javascript:doZoom(16)">{c("大")}</a> <a href="javascript:doZoom(14)">{c("中")}</a> <a href="javascript:doZoom(12)">{c("小")}</a>{c("】")}</td></tr>
      <tr><td height="10"></td></tr>
      <tr><td style="font-size:16px; line-height:200%">
{body}
      </td></tr>
      <tr><td height="40" align="right">{c("【")}<a href="javascript:window.print()">{c("打印本页")}</a>{c("】【")}<a href="javascript:window.close()">{c("关闭窗口")}</a>{c("】")}</td></tr>
      <tr><td height="30">{c("上一篇：")}<a href="/zwgk/p.html">{c(prev)}</a><br>{c("下一篇：")}<a href="/zwgk/n.html">{c(nxt)}</a></td></tr>
    </table>
    <table width="96%" border="0" align="center" cellpadding="0" cellspacing="0">
      <tr><td height="30" colspan="2" bgcolor="#e8f1fa"><b>{c("相关链接")}</b></td></tr>
      {related}
    </table>
    <table width="96%" border="0" align="center"><tr><td align="center"><img src="/images/ewm.png" width="100"><br>{c("扫一扫在手机打开当前页")}</td></tr></table>
  </td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#0d5ea8">
  <tr><td height="100" align="center"><font color="#ffffff">
{footer}
  </font></td></tr>
</table>
</body>
</html>
"""
    return page, tuple(c.pieces)


def pinyin_page(doc: SeedDoc, body: str | None = None) -> tuple[str, tuple[str, ...]]:
    c = _Chrome()
    site = doc.site
    prev, nxt = _neighbours(doc)
    nav = "".join(f'<li><a href="/{i}/">{c(item)}</a></li>' for i, item in enumerate(NAV))
    meta = "".join(
        f'<tr><td class="mc">{c(label)}</td><td class="nr">{c(value)}</td></tr>'
        for label, value in _meta_rows(doc, cn_dates=False)
    )
    paragraphs = body or "\n".join(
        f"<p>　　{html.escape(p, quote=False)}</p>" for p in doc.paragraphs
    )
    related = "".join(
        f'<li><a href="/zwgk/{i}.html" target="_blank">{c(name)}</a><span>{c(day)}</span></li>'
        for i, (name, day) in enumerate(_related(doc))
    )
    footer = "".join(
        "<p>" + " ".join(c(part) for part in line) + "</p>" for line in _footer_lines(site)
    )
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{html.escape(doc.title)}-{site.name}</title>
<link href="/css/nr.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="tou"><div class="logo"><img src="/images/logo.png" alt="" /></div><div class="rq">{c("今天是：2024年3月1日 星期五")}</div></div>
<div class="dh"><ul>{nav}</ul></div>
<div class="kuang">
<div class="dqwz">{c("当前位置：")}<a href="/">{c("首页")}</a> &gt; <a href="/zwgk/">{c("政务公开")}</a> &gt; <a href="/zwgk/col/">{c(doc.column)}</a></div>
<div class="xxgk"><table class="xxgk_b" width="100%">{meta}</table></div>
<div class="wz">
<div class="bt">{html.escape(doc.title)}</div>
<div class="xx"><span class="sj">{c(f"发布时间：{doc.publish_date} {doc.publish_time}")}</span><span class="ly">{c("来源：" + doc.source)}</span><span class="llcs">{c("浏览次数：326")}</span>
<span class="zh">{c("字号：")}<a href="javascript:;" onclick="zh(18)">{c("大")}</a> <a href="javascript:;" onclick="zh(16)">{c("中")}</a> <a href="javascript:;" onclick="zh(14)">{c("小")}</a></span></div>
<div class="wz_nr">
{paragraphs}
</div>
<div class="dy"><a href="javascript:window.print();">{c("【打印本页】")}</a> <a href="javascript:window.close();">{c("【关闭窗口】")}</a></div>
<div class="ewm"><img src="/images/ewm.png" alt="" /><p>{c("扫一扫在手机打开当前页")}</p></div>
<div class="sxt"><p>{c("上一篇：")}<a href="/zwgk/p.html">{c(prev)}</a></p><p>{c("下一篇：")}<a href="/zwgk/n.html">{c(nxt)}</a></p></div>
</div>
<div class="xglj"><div class="xglj_bt">{c("相关链接")}</div><ul>{related}</ul></div>
</div>
<div class="db">{footer}</div>
</body></html>
"""
    return page, tuple(c.pieces)


LAYOUTS = {"modern": modern_page, "table": table_page, "pinyin": pinyin_page}


@cache
def layout_pages() -> tuple[LayoutPage, ...]:
    """Every seed document in every layout: 7 documents × 3 layouts."""
    pages = []
    for layout, render in LAYOUTS.items():
        for doc in seed_docs():
            page, pieces = render(doc)
            boilerplate = tuple(
                dict.fromkeys(p for p in pieces if p != doc.title and re.search(r"\w", p))
            )
            pages.append(
                LayoutPage(
                    name=f"{doc.key}-{layout}",
                    layout=layout,
                    url=f"http://{doc.site.host}/zwgk/{layout}/{doc.publish_date.replace('-', '')}/t_{doc.key}.html",
                    html=page,
                    doc=doc,
                    boilerplate=boilerplate,
                )
            )
    return tuple(pages)
