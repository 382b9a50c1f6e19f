import pytest
from testdata import PAGES

from crawler.discovery import (
    attachment_links,
    canonical_url,
    detect_cms,
    parse_html,
    parse_list,
    parse_proxy,
    parse_sitemap,
    sitemaps_in_robots,
    trap_reason,
)
from crawler.discovery.generic import is_first_page_of
from crawler.discovery.hanweb import proxy_requests
from crawler.discovery.pagers import script_pages
from crawler.discovery.urls import looks_like_document

BASE = "http://127.0.0.1:8000"

LIST_PAGE = """<html><head><title>政务公开</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="https://www.gov.cn/">中国政府网</a></div>
<ul class="list">
  <li><a href="./202402/t20240227_1001.html">2023年法治政府工作报告</a><span>2024-02-27</span></li>
  <li><a href="/zwgk/gzbg/notice.html">关于开展工作的通知</a><span>2023年12月6日</span></li>
  <li><a href="/xwzx/202401/t20240101_9.html">新闻</a><span>2024-01-01</span></li>
  <li><a href="./P020240227.pdf">附件.pdf</a></li>
  <li><a href="/zwgk/calendar/?date=2024-01-02">日历</a></li>
</ul>
<div class="page">共4页 <a href="index_1.html">下一页</a> <a href="index_3.html">尾页</a> <a href="index_9.html">9</a></div>
<script>createPageHTML(4, 0, "index", "html");</script>
<a href="/zwgk/gzbg/">工作报告</a>
</body></html>"""


def test_list_page_links_are_split_and_kept_inside_the_section():
    page = parse_list(LIST_PAGE, f"{BASE}/zwgk/index.html", ("127.0.0.1",), ("/zwgk/",))
    assert page.cms == "trs" and page.title == "政务公开" and page.announced == 4
    assert list(page.documents) == [  # the main list's items, wherever they are filed
        f"{BASE}/zwgk/202402/t20240227_1001.html",
        f"{BASE}/zwgk/gzbg/notice.html",
        f"{BASE}/xwzx/202401/t20240101_9.html",
    ]
    assert set(page.pages) == {
        f"{BASE}/zwgk/index_{n}.html" for n in (1, 2, 3)
    }  # index_9: past the announced 4
    assert page.columns == {f"{BASE}/zwgk/gzbg/": "工作报告"}
    assert page.traps == {f"{BASE}/zwgk/calendar/?date=2024-01-02": "calendar"}
    everything = [*page.documents, *page.pages, *page.columns]
    assert not any(u.endswith("/xwzx/") or "gov.cn" in u for u in everything)  # the nav


def test_trs_document_write_pager_from_a_real_page():
    tree = parse_html((PAGES / "012.html").read_text("utf-8"))
    assert script_pages(tree, "http://x/a/index.html") == (["http://x/a/index_1.html"], 2)


def test_six_argument_pager_and_the_commented_out_trap():
    html = """<html><head><meta name="channelId" content="abc"></head><body><ul>
    <li><a href="/jyt/c110634/202509/174221098.shtml">通知</a><b>2025-09-24</b></li></ul>
    <!-- <script>createPageHTML('page_div',10, 1,'zwgklist','shtml',200);</script> -->
    <script>createPageHTML('page_div',3, 1,'zwgklist','shtml',45);</script></body></html>"""
    page = parse_list(html, "http://h/jyt/c110634/zwgklist.shtml", ("h",), ("/jyt/",))
    assert page.cms == "jiyue"
    assert page.pages == [
        "http://h/jyt/c110634/zwgklist_2.shtml",
        "http://h/jyt/c110634/zwgklist_3.shtml",
    ]
    assert list(page.documents) == ["http://h/jyt/c110634/202509/174221098.shtml"]


def test_real_jiyue_page_trap_announces_nothing():
    # 016.html: the only pager call sits in an HTML comment and names pages that do not exist
    html = (PAGES / "016.html").read_text("utf-8")
    page = parse_list(
        html, "http://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml", ("gansu.gov.cn",), ("/jyt/",)
    )
    assert page.cms == "jiyue" and page.pages == []


HANWEB_COLUMN = """<html><body><div id="3912474"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=1229518653"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2023/5/11/art_1229518653_58912345.html" title="德清县政府信息公开">德清县政府信息公开</a><span>2023-05-11</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2023/5/10/art_999_1.html">另一栏目</a><span>2023-05-10</span></li>]]></record>
</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$('#3912474').jpage({ proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: 15, totalRecord: 100,
 webid: '1', path: '/', columnid: '1229518653', unitid: '3912474', webname: '德清县', permissiontype: '0' });</script>
</body></html>"""


def test_hanweb_records_and_dataproxy_windows():
    url = "http://h/col/col1229518653/index.html"
    page = parse_list(HANWEB_COLUMN, url, ("h",), ("/col/col1229518653/",))
    assert page.cms == "hanweb"
    # the column's records are its main list: its own article and one filed under another column
    assert list(page.documents) == [
        "http://h/art/2023/5/11/art_1229518653_58912345.html",
        "http://h/art/2023/5/10/art_999_1.html",
    ]
    requests = proxy_requests(HANWEB_COLUMN, url)
    assert [r.url for r in requests] == [
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=47&perpage=15",
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=48&endrecord=92&perpage=15",
        "http://h/module/web/jpage/dataproxy.jsp?startrecord=93&endrecord=100&perpage=15",
    ]
    assert (
        requests[0].formdata["columnid"] == "1229518653"
        and requests[0].formdata["unitid"] == "3912474"
    )
    answer = """<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>100</totalrecord><recordset>
    <record><![CDATA[<li><a href="/art/2023/4/1/art_1229518653_7.html">第7条</a></li>]]></record></recordset></datastore>"""
    assert list(parse_proxy(answer, requests[0].url, ("h",), (), url)) == [
        "http://h/art/2023/4/1/art_1229518653_7.html"
    ]


def test_sitemaps():
    assert sitemaps_in_robots("User-agent: *\nSitemap: http://h/sitemap.xml\n") == [
        "http://h/sitemap.xml"
    ]
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>http://h/s1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == (["http://h/s1.xml"], [])
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://h/zwgk/t20240101_1.html</loc></url></urlset>"""
    assert parse_sitemap(urlset) == ([], ["http://h/zwgk/t20240101_1.html"])
    assert parse_sitemap(b"not xml at all <<<") == ([], [])


def test_detects_families_on_real_pages():
    assert detect_cms((PAGES / "012.html").read_text("utf-8"), "http://x/index.html") == "trs"
    assert detect_cms((PAGES / "001.html").read_text("utf-8"), "http://x/a.shtml") == "ucap"
    assert (
        detect_cms("<html><body><a href='a.html'>下一页</a></body></html>", "http://x/")
        == "generic"
    )


def test_attachment_links_stay_on_the_site():
    html = """<html><body><a href="/files/预算.pdf">2024年预算.pdf</a><a href="http://other.example/x.doc">x</a>
    <a href="data.xlsx" title="数据表">数据</a></body></html>"""
    found = attachment_links(parse_html(html), "http://h/zwgk/t1.html", ("h",))
    assert found == {
        "http://h/files/%E9%A2%84%E7%AE%97.pdf": "2024年预算.pdf",
        "http://h/zwgk/data.xlsx": "数据表",
    }


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://h/zwgk/calendar/?date=2024-01-01", "calendar"),
        ("http://h/zwgk/list.html?year=2024&month=2", "calendar"),
        ("http://h/search?q=预算", "search"),
        ("http://h/zwgk/index.html?page=1&page=2", "repeated query parameters"),
        ("http://h/zwgk/index.html?x=" + "a" * 300, "query string too long"),
        ("http://h/a/b/a/b/a/b/x.html", "repeating path segments"),
        ("http://h/zwgk/202402/t20240227_1001.html", None),
        ("http://h/col/col123/index.html?uid=1&pageNum=2", None),
    ],
)
def test_traps(url, reason):
    assert trap_reason(url) == reason


def test_article_url_patterns():
    assert looks_like_document("http://h/zwgk/202402/t20240227_1001.html")
    assert looks_like_document("http://h/art/2023/5/11/art_1229_3456.html")
    assert looks_like_document(
        "http://h/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml"
    )
    assert looks_like_document("http://h/jyt/c110634/202509/174221098.shtml")
    assert not looks_like_document("http://h/zwgk/index_2.html")


def test_canonical_url():
    assert (
        canonical_url("HTTP://Example.GOV.cn:80/a/b.html?z=1&a=2#top")
        == "http://example.gov.cn/a/b.html?a=2&z=1"
    )
    assert canonical_url("http://127.0.0.1:8765/zwgk/") == "http://127.0.0.1:8765/zwgk/"
    assert canonical_url("http://h/a.html;jsessionid=ABC123?sid=9&id=3") == "http://h/a.html?id=3"


@pytest.mark.parametrize(
    ("link", "page", "same"),
    [
        ("http://h/col/index.html?page=1", "http://h/col/index.html", True),
        ("http://h/col/index.html?pageNo=1", "http://h/col/index.html", True),
        ("http://h/list.jsp?id=3&page=1", "http://h/list.jsp?id=3", True),
        ("http://h/col/index.html?page=2", "http://h/col/index.html", False),
        ("http://h/col/index.html?page=1", "http://h/col/index.html?page=3", False),
        ("http://h/other/index.html?page=1", "http://h/col/index.html", False),
        ("http://h/col/index.html?page=1&type=2", "http://h/col/index.html", False),
        ("http://h/col/index.html?id=1", "http://h/col/index.html", False),
    ],
)
def test_a_pagers_link_to_page_1_of_this_page_is_this_page(link, page, same):
    assert is_first_page_of(link, page) is same
