"""The main list of a list page, script state and script-filled lists, on real saved pages."""

from __future__ import annotations

from testdata import PAGES

from crawler.discovery import listdata, pagers, parse_html, parse_list, regions
from crawler.discovery.pagers import ListState

PINGTAN = "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/index.html"


def page(name: str):
    return parse_html((PAGES / f"{name}.html").read_text("utf-8"))


def test_the_018_main_list_is_its_75_static_items_with_their_pager_and_catalogue():
    main = regions.main_list(page("018"), PINGTAN)
    assert main is not None and len(main.items) == 75 and all(i.dated for i in main.items)
    urls = main.urls
    # three of the first five items are filed in other sections, two levels up
    assert sum("/gzjzqk/" not in u for u in urls[:5]) == 3
    assert urls[0] == (
        "https://www.pingtan.gov.cn/zwgk/zdlyxxgk/ssjygk/sjccjg/202511/t20251111_103189.htm"
    )
    classes = [b.get("class") or "" for b in main.blocks]
    assert any("page_base" in c for c in classes) and any("title_extend" in c for c in classes)


def test_footer_and_nav_links_are_not_documents_even_inside_the_section():
    html = (
        (PAGES / "018.html")
        .read_text("utf-8")
        .replace(
            '<div class="copyright_info">',
            '<div class="copyright_info"><a href="/zwgk/201709/t20170912_2137.htm">网站声明</a>'
            '<a href="/zwgk/201709/t20170912_2138.htm">联系我们</a>',
        )
    )
    found = parse_list(html, PINGTAN, ("pingtan.gov.cn",), ("/zwgk/",))
    assert len(found.documents) == 75
    assert not any("t20170912" in u for u in [*found.documents, *found.columns])
    # the 更多栏目 catalogue beside the list: sibling columns, followed
    assert "https://www.pingtan.gov.cn/zwgk/ghxx/ztgh/" in found.columns


def test_lists_in_chrome_and_hot_widgets_lose_to_the_main_list():
    html = """<html><body><div class="nav"><ul><li><a href="/a/">机构概况</a></li>
    <li><a href="/b/">政策文件</a></li><li><a href="/c/">人事信息</a></li></ul></div>
    <div class="main"><ul class="list">
    <li><a href="/x/202401/t20240102_1.html">关于印发某某办法的通知</a><span>2024-01-02</span></li>
    <li><a href="/y/202401/t20240103_2.html">关于开展某某工作的通知</a><span>2024-01-03</span></li>
    </ul></div><div class="hot"><h3>热点信息</h3><ul>
    <li><a href="/z/202401/t20240104_3.html">某某热点新闻一</a><span>2024-01-04</span></li>
    <li><a href="/z/202401/t20240105_4.html">某某热点新闻二</a><span>2024-01-05</span></li>
    <li><a href="/z/202401/t20240106_5.html">某某热点新闻三</a><span>2024-01-06</span></li>
    </ul></div></body></html>"""
    main = regions.main_list(parse_html(html), "http://h/x/index.html")
    assert main is not None
    assert main.urls == ["http://h/x/202401/t20240102_1.html", "http://h/y/202401/t20240103_2.html"]


def test_no_main_list_on_a_template_shell_or_an_article():
    assert regions.main_list(page("010"), "http://h/jxssthjt/col/col42150/index.html") is None
    assert regions.main_list(page("013"), "http://h/zwgk/202312/t20231219_83454.htm") is None


def test_record_counts_and_page_sizes_from_scripts_and_pager_text():
    state = pagers.list_state(page("018"))
    assert (state.records, state.page_size) == (107, 15) and state.page_count(75) == 8
    empire = parse_html(
        '<div class="epages"><a title="Total record">&nbsp;<b>47</b> </a>&nbsp;<b>1</b></div>'
    )
    assert pagers.list_state(empire).records == 47
    assert pagers.list_state(parse_html("<p>共 23 条记录 每页10条</p>")).page_count(3) == 3
    assert ListState(records=5).page_count(0) is None


def test_numbered_pages_trs_and_empire():
    assert pagers.numbered_pages("http://h/a/index.html", 3, 1) == [
        "http://h/a/index_1.html",
        "http://h/a/index_2.html",
    ]
    assert pagers.numbered_pages("http://h/a/index.html", 3, 2) == [
        "http://h/a/index_2.html",
        "http://h/a/index_3.html",
    ]
    assert pagers.numbered_pages("http://h/a/index_2.html", 3, 2) == []


def test_empire_list_without_pager_links_is_paged_from_its_record_count():
    html = """<html><body><table><tr><td><ul class="news">
    <li><a href="/xxgk/zcwj/2024-06-28/101.html">关于印发某某办法的通知</a>2024-06-28</li>
    <li><a href="/xxgk/zcwj/2024-06-20/100.html">关于开展某某工作的通知</a>2024-06-20</li>
    </ul></td></tr><tr><td><div class="epages"><a title="Total record">&nbsp;<b>5</b> </a>
    &nbsp;&nbsp;<b>1</b></div></td></tr></table></body></html>"""
    found = parse_list(html, "http://h/xxgk/zcwj/index.html", ("h",), ("/xxgk/zcwj/",))
    assert found.cms == "empire" and found.records == 5 and found.announced == 3
    assert found.pages == ["http://h/xxgk/zcwj/index_2.html", "http://h/xxgk/zcwj/index_3.html"]


def test_trs_dynamic_static_list_calls_its_search_api_for_the_pages_past_the_static_blocks():
    requests = listdata.trs_api_requests(page("018"), PINGTAN)
    assert [r.page for r in requests] == [6, 7, 8]
    assert requests[0].url.startswith("https://www.pingtan.gov.cn/fjdzapp/search?channelid=200210")
    assert "classsql=chnlid%3D1780" in requests[0].url and "prepage=15" in requests[0].url
    found = parse_list(
        (PAGES / "018.html").read_text("utf-8"), PINGTAN, ("pingtan.gov.cn",), ("/zwgk/",)
    )
    assert found.api == requests and found.render is None and found.pages == []
    answer = '{"data": [{"doctitle": "某某通知", "chnldocurl": "./202001/t20200101_1.htm"}]}'
    assert listdata.parse_json(answer, PINGTAN) == {
        "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/202001/t20200101_1.htm": "某某通知"
    }


def test_the_010_template_list_is_read_from_its_inline_json():
    url = "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/index.html"
    items = listdata.inline_json_items(page("010"), url)
    assert len(items) == 50
    first = (
        "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/content/content_1951206363677671424.html"
    )
    assert items[first] == "《江西省生态环境分类执法监管办法》政策解读"
    found = parse_list((PAGES / "010.html").read_text("utf-8"), url, ("jiangxi.gov.cn",), ("/",))
    assert len(found.documents) == 50 and found.render is None


def test_a_script_shell_without_a_known_data_shape_needs_a_browser():
    html = (PAGES / "010.html").read_text("utf-8").replace("articleList:", "otherList:")
    tree = parse_html(html)
    reason = listdata.render_reason(tree, 0, pagers.list_state(tree))
    assert reason and "template" in reason
    found = parse_list(html, "http://h/jxssthjt/col/col42150/index.html", ("h",), ("/",))
    assert found.render and not found.documents
    # a static list that holds what it announces needs nothing
    assert listdata.render_reason(page("012"), 10, ListState(records=20, page_size=10)) is None


def test_a_list_shorter_than_its_scripts_announce_needs_a_browser_on_its_first_page():
    html = """<html><body><ul class="list">
    <li><a href="/a/202401/t20240102_1.html">关于印发某某办法的通知</a><span>2024-01-02</span></li>
    <li><a href="/a/202401/t20240103_2.html">关于开展某某工作的通知</a><span>2024-01-03</span></li>
    </ul><ul class="more"><li v-for="item in rest"><a :href="item.url">{{ item.title }}</a></li></ul>
    <script>var pageSize = 15; var recordCount = 40; $.getJSON("/a/list.json", draw);</script>
    </body></html>"""
    tree = parse_html(html)
    state = pagers.list_state(tree)
    assert listdata.render_reason(tree, 2, state) == (
        "its scripts announce 15 items on this page, the HTML holds 2"
    )
    assert listdata.render_reason(tree, 2, state, first_page=False) is None
    found = parse_list(html, "http://h/a/index.html", ("h",), ("/a/",))
    assert found.render and len(found.documents) == 2
