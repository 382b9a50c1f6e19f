"""Extraction: gold corpus pages, every corpus page, and one small page per cleaning rule."""

import json
import re

import pytest
from testdata import CORPUS, SEED_TEXTS

from crawler.exceptions import ExtractionError
from crawler.extract.decoding import decode_html
from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted, Extractor

MANIFEST = {entry["file"]: entry for entry in json.loads((CORPUS / "manifest.json").read_text())}
GOLD = sorted(path.stem for path in (CORPUS / "gold").glob("*.json"))
PAGES = sorted(path.name for path in (CORPUS / "pages").glob("*.html"))
SEEDS = sorted(SEED_TEXTS.glob("*.txt"))
# parametrizing over an empty list would collect no case and pass: fail at collection instead
assert GOLD and PAGES and SEEDS, f"gold files, pages or seed texts missing under {CORPUS.parent}"
CHECKS = (
    "must_not_contain",
    "body_first",
    "body_last",
    "title",
    "publish_date",
    "publisher",
    "index_no",
    "doc_no",
    "attachments",
)


def fold(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u3000", " ")).strip()


def page_url(name: str) -> str:
    # the manifest's original URL (its first word: one entry carries a note after it)
    url = MANIFEST[name]["url"]
    return url.split()[0] if url else f"http://corpus.invalid/{name}"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def gold_results(extractor):
    results = {}
    for stem in GOLD:
        html = (CORPUS / "pages" / f"{stem}.html").read_text(encoding="utf-8")
        results[stem] = extractor.extract(html, url=page_url(f"{stem}.html"))
    return results


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("stem", GOLD)
def test_gold_page(gold_results, stem, check):
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    result: Extracted = gold_results[stem]
    text = fold(result.text)
    if check == "must_not_contain":
        assert [s for s in gold["must_not_contain"] if fold(s) in text] == []
    elif check in ("body_first", "body_last"):
        assert fold(gold[check]) in text
    elif check == "attachments":
        for expected in gold["attachments"]:
            tail = expected.removeprefix("./")
            assert any(a.name == expected or a.url.endswith("/" + tail) for a in result.attachments)
    else:
        assert getattr(result, check) == gold[check]


@pytest.mark.parametrize("name", PAGES)
def test_every_corpus_page_extracts_or_raises_extraction_error(extractor, name):
    html = (CORPUS / "pages" / name).read_text(encoding="utf-8")
    try:
        result = extractor.extract(html, url=page_url(name))
    except ExtractionError:
        return
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["url"] == page_url(name)
    assert all(set(a) == {"url", "name"} for a in data["attachments"])


def test_version_names_trafilatura():
    assert EXTRACTOR_VERSION.startswith("zwgk-extract/") and "trafilatura/" in EXTRACTOR_VERSION


@pytest.mark.parametrize("html", ["", "   ", "%PDF-1.4 binary", '{"json": true}', "just some text"])
def test_non_html_raises(extractor, html):
    with pytest.raises(ExtractionError):
        extractor.extract(html, url="http://x.gov.cn/a.html")


# --- one small page per rule -------------------------------------------------------------

PARA = "今年以来，全县上下认真贯彻落实上级决策部署，扎实推进各项工作，经济社会发展保持稳中向好态势，群众获得感不断增强。"


def page(
    body: str, head: str = "<title>关于做好2024年政务公开工作的通知 _ 某某县人民政府</title>"
) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


FOOTER = """<div class="foot"><p>主办：某某县人民政府 承办：某某县人民政府办公室</p>
<p>技术支持：某某县信息中心 版权所有：某某县人民政府</p>
<p>赣ICP备11002306号-1 网站标识码：3609220011 赣公网安备 36092202000105号</p>
<p>地址：某某县凤瑞路266号 邮编：473200 电话：0377-67266959</p></div>"""


def body_page(inner: str, extra: str = "") -> str:
    return page(
        f'<div class="main">{extra}<div class="article"><ucapcontent>{inner}</ucapcontent></div></div>{FOOTER}'
    )


def test_footer_lines_dropped_without_a_known_container(extractor):
    html = page(
        f'<div class="content"><h1>关于做好2024年政务公开工作的通知</h1>{"".join(f"<p>{PARA}</p>" for _ in range(4))}</div>{FOOTER.replace("foot", "bottom-info")}'
    )
    text = extractor.extract(html, url="http://x.gov.cn/a.html").text
    assert PARA in text
    for junk in ("主办", "承办", "技术支持", "ICP备", "网站标识码", "公网安备", "邮编", "版权所有"):
        assert junk not in text


def test_footer_lines_inside_the_body_container_dropped(extractor):
    html = body_page(
        f"<p>{PARA}</p><p>网站标识码：3609220011 备案号：豫ICP备2021023589号-1</p><p>主办：方城县宣传网络管理中心</p>"
    )
    assert extractor.extract(html, url="http://x.gov.cn/a.html").text == PARA


def test_breadcrumb_dropped(extractor):
    crumb = '<div class="crumb">首页 &gt; 政务公开 &gt; 法定主动公开内容</div><div class="where">您当前所在位置：首页 &gt; 通知公告</div>'
    result = extractor.extract(
        body_page(f"<p>首页 > 政务公开 > 工作报告</p><p>{PARA}</p>", crumb),
        url="http://x.gov.cn/a.html",
    )
    assert result.text == PARA


def test_qr_print_close_widgets_dropped(extractor):
    widgets = "<p>扫一扫在手机打开当前页</p><p>【打印本页】【关闭窗口】</p><p>【打印】【关闭】</p><p>字号：大 中 小</p><p>上一篇：关于某某的通知</p>"
    result = extractor.extract(
        body_page(f"<p>{PARA}</p>{widgets}", widgets), url="http://x.gov.cn/a.html"
    )
    assert result.text == PARA


def test_metadata_table(extractor):
    table = """<table class="xxgk_table"><tr><th>索 引 号：</th><td>11500000MB1234567X/2024-00012</td>
    <th>主题分类：</th><td>综合政务</td></tr><tr><th>发布机构：</th><td>某某县人民政府办公室</td>
    <th>成文日期：</th><td>2024年02月20日</td></tr><tr><th>发文字号：</th><td>某府办发〔2024〕12号</td>
    <th>发布日期：</th><td>2024年2月27日</td></tr><tr><th>有效性：</th><td>有效</td><th>来源：</th><td>县政府办</td></tr></table>"""
    result = extractor.extract(body_page(f"<p>{PARA}</p>", table), url="http://x.gov.cn/a.html")
    assert result.index_no == "11500000MB1234567X/2024-00012"
    assert result.category == "综合政务"
    assert result.publisher == "某某县人民政府办公室"
    assert result.doc_no == "某府办发〔2024〕12号"
    assert result.written_date == "2024-02-20"
    assert (result.publish_date, result.publish_date_raw) == ("2024-02-27", "2024年2月27日")
    assert result.validity == "有效"
    assert result.source == "县政府办"
    assert result.metadata_raw["索引号"] == "11500000MB1234567X/2024-00012"
    assert result.text == PARA
    assert result.title == "关于做好2024年政务公开工作的通知"


def test_old_table_layout_br_paragraphs_each_on_a_line(extractor):
    lines = [
        "各位代表：",
        "一、工作开展情况",
        PARA,
        "（一）围绕党的建设，执政能力不断提高。",
        PARA + "二",
        "某某镇人民政府",
        "2023年12月6日",
    ]
    html = page(
        '<table width="100%"><tr><td><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></td></tr>'
        '<tr><td><table><tr><td class="title">2023年政府工作报告</td></tr>'
        f'<tr><td class="content">{"<br>".join(lines)}</td></tr></table></td></tr></table>'
    )
    assert (
        extractor.extract(html, url="http://x.gov.cn/a.html").text.split("\n")[-len(lines) :]
        == lines
    )


def test_data_table_rows_kept(extractor):
    table = "<table><tr><th>项目</th><th>预算数（万元）</th></tr><tr><td>教育支出</td><td>1,200</td></tr><tr><td>卫生健康支出</td><td>800</td></tr></table>"
    text = extractor.extract(
        body_page(f"<p>{PARA}</p>{table}<p>各位代表：</p>"), url="http://x.gov.cn/a.html"
    ).text
    assert text.split("\n") == [
        PARA,
        "项目 | 预算数（万元）",
        "教育支出 | 1,200",
        "卫生健康支出 | 800",
        "各位代表：",
    ]


def test_gbk_page_decodes(extractor):
    html = page(
        f"<p>{PARA}</p>",
        head='<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>县政府工作报告</title>',
    )
    body = html.replace("charset='utf-8'", "").encode("gbk")
    text, encoding = decode_html(body)
    assert encoding == "gb18030" and PARA in text
    assert decode_html(body, "text/html; charset=GBK")[0] == text
    assert decode_html("扫一扫".encode())[1] == "utf-8"
    assert extractor.extract(text, url="http://x.gov.cn/a.html").title == "县政府工作报告"


def test_visible_date_beats_meta_pubdate_and_both_are_kept(extractor):
    head = '<meta name="PubDate" content="2023-08-16 10:33:59"><title>统计公报 | 某某县人民政府</title>'
    html = page(
        f'<div class="info"><span>发布日期：2023年05月11日</span></div><div id="zoom"><p>{PARA}</p></div>',
        head,
    )
    result = extractor.extract(html, url="http://x.gov.cn/a.html")
    assert (result.publish_date, result.publish_date_raw) == ("2023-05-11", "2023年05月11日")
    assert result.metadata_raw["发布日期"] == "2023年05月11日"
    assert result.metadata_raw["meta:PubDate"] == "2023-08-16 10:33:59"


def test_meta_date_used_when_nothing_visible_and_alt_ignored(extractor):
    head = '<meta name="firstpublishedtime" content="2007-08-20-23:59:59"><title>决议</title>'
    html = page(
        f'<span alt="时间：2017-11-08 20:26"></span><div id="UCAP-CONTENT"><p>{PARA}</p></div>',
        head,
    )
    assert extractor.extract(html, url="http://x.gov.cn/a.html").publish_date == "2007-08-20"


def test_attachments_absolute_and_deduplicated(extractor):
    links = '<p><a href="./P0202312.XLS">抽查情况表.XLS</a> <a href="/files/a.pdf">实施方案</a> <a href="/files/a.pdf">实施方案</a> <a href="/news/1.html">新闻</a></p>'
    result = extractor.extract(
        body_page(f"<p>{PARA}</p>{links}"), url="https://www.x.gov.cn/zwgk/202312/t1.htm"
    )
    assert [(a.url, a.name) for a in result.attachments] == [
        ("https://www.x.gov.cn/zwgk/202312/P0202312.XLS", "抽查情况表.XLS"),
        ("https://www.x.gov.cn/files/a.pdf", "实施方案"),
    ]


def test_injected_junk_and_hidden_elements_dropped(extractor):
    junk = (
        '<a id="ariaTipText" role="pagedescription" href="javascript:void(0)">欢迎进入 盲人用户使用操作智能引导</a>'
        '<deepl-input-controller><div>翻译</div></deepl-input-controller><div style="display:none">隐藏的来源：省政府办公厅</div>'
    )
    result = extractor.extract(
        body_page(f"<p>{PARA}</p><div style='display: none'>附件：</div>", junk),
        url="http://x.gov.cn/a.html",
    )
    assert result.text == PARA
    assert result.source is None


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_text_page_keeps_every_body_line_and_drops_boilerplate(extractor, seed):
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    html = page("".join(f"<p>{line}</p>" for line in lines), head="<title>工作报告</title>")
    text_lines = extractor.extract(html, url="http://x.gov.cn/a.html").text.split("\n")
    junk = [
        line
        for line in lines
        if any(j in line for j in ("备案号", "ICP备", "标识码", "扫一扫", "主办", "邮编", "首页 >"))
    ]
    assert [line for line in junk if line in text_lines] == []
    for short in ("各位代表:", "一、工作开展情况", "二、下一步工作安排", "2023年12月6日"):
        if short in lines:
            assert short in text_lines
    long_lines = [line for line in lines if len(line) >= 60 and line not in junk]
    assert all(line in text_lines for line in long_lines)


def test_related_links_table_without_class_hints_dropped(extractor):
    related = (
        "<table><tr><td colspan='2'><b>相关链接</b></td></tr>"
        "<tr><td>·<a href='/1.html'>关于印发《某某县2024年政务公开工作要点》的通知</a></td><td>2024-03-05</td></tr>"
        "<tr><td>·<a href='/2.html'>某某县2023年国民经济和社会发展统计公报</a></td><td>2024年4月2日</td></tr></table>"
    )
    html = page(
        f"<table><tr><td><table><tr><td>{PARA}<br>{PARA}二</td></tr></table>{related}</td></tr></table>"
    )
    assert extractor.extract(html, url="http://x.gov.cn/a.html").text.split("\n") == [
        PARA,
        PARA + "二",
    ]


def test_related_heading_over_prose_removes_only_the_heading(extractor):
    html = page(f"<div><p>相关链接</p><p>{PARA}</p><p>{PARA}二</p></div>")
    assert extractor.extract(html, url="http://x.gov.cn/a.html").text.split("\n") == [
        PARA,
        PARA + "二",
    ]


def test_title_heading_read_with_the_body_is_not_a_body_line(extractor):
    html = body_page(
        f"<p align='center'><b>关于做好2024年政务公开工作的通知</b></p><p>{PARA}</p><p>{PARA}二</p>"
    )
    result = extractor.extract(html, url="http://x.gov.cn/a.html")
    assert result.title == "关于做好2024年政务公开工作的通知"
    assert result.text.split("\n") == [PARA, PARA + "二"]
