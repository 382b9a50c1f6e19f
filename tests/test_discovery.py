from pathlib import Path

from crawler.discovery import (
    canonical_url,
    classify_links,
    looks_like_document,
    pagination_from_scripts,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"

LIST_PAGE = """<html><body>
<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a><a href="https://www.gov.cn/">中国政府网</a></div>
<ul class="list">
  <li><a href="./202402/t20240227_1001.html">2023年法治政府工作报告</a><span>2024-02-27</span></li>
  <li><a href="/zwgk/gzbg/notice.html">关于开展工作的通知</a><span>2023年12月6日</span></li>
  <li><a href="/xwzx/202401/t20240101_9.html">新闻</a><span>2024-01-01</span></li>
  <li><a href="./P020240227.pdf">附件.pdf</a></li>
</ul>
<div class="page"><a href="index_1.html">下一页</a> <a href="index_2.html">尾页</a></div>
<script>createPageHTML(4, 0, "index", "html");</script>
<a href="/zwgk/gzbg/">工作报告</a>
</body></html>"""


def test_list_page_links_are_split_and_kept_inside_the_section():
    links = classify_links(
        LIST_PAGE, "http://127.0.0.1:8000/zwgk/index.html", ("127.0.0.1",), ("/zwgk/",)
    )
    assert links.documents == (
        "http://127.0.0.1:8000/zwgk/202402/t20240227_1001.html",
        "http://127.0.0.1:8000/zwgk/gzbg/notice.html",
    )
    assert set(links.lists) == {
        "http://127.0.0.1:8000/zwgk/index_1.html",
        "http://127.0.0.1:8000/zwgk/index_2.html",
        "http://127.0.0.1:8000/zwgk/index_3.html",
        "http://127.0.0.1:8000/zwgk/gzbg/",
    }
    assert links.attachments == ("http://127.0.0.1:8000/zwgk/P020240227.pdf",)
    everything = links.documents + links.lists + links.attachments
    assert not any("/xwzx/" in u or "gov.cn" in u for u in everything)


def test_trs_document_write_pager_from_a_real_page():
    html = (CORPUS / "012.html").read_text("utf-8")
    assert pagination_from_scripts(html, "http://x/a/index.html") == ["http://x/a/index_1.html"]


def test_article_url_patterns():
    assert looks_like_document("http://h/zwgk/202402/t20240227_1001.html")
    assert looks_like_document("http://h/art/2023/5/11/art_1229_3456.html")
    assert looks_like_document(
        "http://h/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml"
    )
    assert not looks_like_document("http://h/zwgk/index_2.html")


def test_canonical_url():
    assert (
        canonical_url("HTTP://Example.GOV.cn:80/a/b.html?z=1&a=2#top")
        == "http://example.gov.cn/a/b.html?a=2&z=1"
    )
    assert canonical_url("http://127.0.0.1:8765/zwgk/") == "http://127.0.0.1:8765/zwgk/"
