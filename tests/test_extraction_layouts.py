"""Extraction on the seed-text pages of tests/layouts.py: every seed document in the modern div
template, the old table layout (body in one <td>, <br> paragraphs) and the pinyin-class layout."""

from __future__ import annotations

import pytest
from extraction_scoring import layout_cases, leaked
from layouts import LAYOUT_NAMES, fold, layout_pages, seed_docs

from crawler.extract.extractor import Extractor

PAGES = {page.name: page for page in layout_pages()}
CASES = {case.name: case for case in layout_cases()}


@pytest.fixture(scope="module")
def results():
    extractor = Extractor()
    return {name: extractor.extract(page.html, url=page.url) for name, page in PAGES.items()}


def test_every_seed_text_in_every_layout():
    seeds = {doc.seed for doc in seed_docs()}
    assert len(seeds) == 5 and len(seed_docs()) == 7  # 001 holds three reports
    assert {(page.doc.key, page.layout) for page in PAGES.values()} == {
        (doc.key, layout) for doc in seed_docs() for layout in LAYOUT_NAMES
    }


@pytest.mark.parametrize("doc", seed_docs(), ids=lambda doc: doc.key)
def test_seed_documents_are_clean_bodies(doc):
    assert len(doc.paragraphs) >= 15
    for line in doc.paragraphs:
        assert not line.startswith(("首页", "扫一扫", "来源", "发布时间", "附件下")), line
        assert not any(word in line for word in ("网站标识码", "备案号", "公网安备")), line
    assert doc.title not in doc.paragraphs


@pytest.mark.parametrize("name", PAGES)
def test_layout_furniture_is_not_body_text(name):
    """The leak check can tell furniture from body: no piece of furniture is a body paragraph,
    except a signature line that is also the page's 发布机构 (鐵絲塘鎮人民政府)."""
    page = PAGES[name]
    paragraphs = set(page.doc.paragraphs)
    overlap = [piece for piece in page.boilerplate if piece in paragraphs]
    assert overlap in ([], [page.doc.publisher])
    # every kind of furniture the issue names is on the page
    text = "\n".join(page.boilerplate)
    for furniture in (
        "首页",
        "索引号",
        "主题分类",
        "发布机构",
        "成文日期",
        "发布日期",
        "文号",
        "有效性",
        "打印本页",
        "关闭窗口",
        "字号",
        "扫一扫在手机打开当前页",
        "上一篇",
        "下一篇",
        "相关链接",
        "主办",
        "承办",
        "地址",
        "邮编",
        "电话",
        "网站标识码",
        "ICP备",
        "公网安备",
        "技术支持",
    ):
        assert furniture in text.replace("備", "备").replace("網", "网"), furniture


@pytest.mark.parametrize("name", PAGES)
def test_every_body_paragraph_is_its_own_line(results, name):
    lines = {fold(line) for line in results[name].text.split("\n")}
    missing = [p for p in PAGES[name].doc.paragraphs if fold(p) not in lines]
    assert missing == []


@pytest.mark.parametrize("name", PAGES)
def test_no_furniture_leaks(results, name):
    assert leaked(CASES[name], results[name].text) == ()


@pytest.mark.parametrize("name", PAGES)
def test_body_is_nothing_but_the_paragraphs(results, name):
    assert [fold(line) for line in results[name].text.split("\n")] == list(
        PAGES[name].doc.paragraphs
    )


@pytest.mark.parametrize("name", PAGES)
def test_title_and_dates(results, name):
    doc, result = PAGES[name].doc, results[name]
    assert result.title == doc.title
    assert result.publish_date == doc.publish_date
    assert result.written_date == doc.written_date


@pytest.mark.parametrize("name", PAGES)
def test_metadata_table_fields(results, name):
    doc, result = PAGES[name].doc, results[name]
    assert (result.publisher, result.index_no, result.doc_no) == (
        doc.publisher,
        doc.index_no,
        doc.doc_no,
    )
    assert (result.category, result.validity) == (doc.category, "有效")


def test_stale_meta_date_loses_to_the_visible_one(results):
    result = results["000-modern"]
    assert result.metadata_raw["meta:PubDate"].startswith("2024-06-03")
    assert result.publish_date == "2024-02-27"
