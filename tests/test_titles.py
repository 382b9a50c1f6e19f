"""Titles as published: site names cut off a <title>, everything else kept, spaces collapsed."""

import lxml.html
import pytest

from crawler.extract.titles import clean_title, find_title, same_title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        (
            "万载县2022年国民经济和社会发展统计公报 | 万载县人民政府",
            "万载县2022年国民经济和社会发展统计公报",
        ),
        ("2023年法治政府工作报告 _ 万载县人民政府", "2023年法治政府工作报告"),
        ("万载县人民政府 | 万载县2015年统计公报", "万载县2015年统计公报"),
        ("关于印发某某办法的通知-方城县人民政府", "关于印发某某办法的通知"),
        # old table-layout portals: "<site>--<title>"
        ("万载县人民政府--2021年政府工作报告", "2021年政府工作报告"),
        ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
        # title_column_site: the column goes too; the ideographic space is kept, as one space
        (
            "调整2007\u3000年末国债余额限额的决议__2007年第23号国务院公报_中国政府网",
            "调整2007 年末国债余额限额的决议",
        ),
        # the 破折号 is part of the title; only a site name after it is cut off
        (
            "如何申请公开政府信息？——县政府办公室负责人答记者问_万载县人民政府",
            "如何申请公开政府信息？——县政府办公室负责人答记者问",
        ),
        ("关于开展春季农业生产培训的通知——万载县人民政府", "关于开展春季农业生产培训的通知"),
        ("县长接待日——访县发展和改革委员会", "县长接待日——访县发展和改革委员会"),
        # internal spaces as published, runs collapsed to one
        (
            "河南15部门联合出台实施意见  “多证合一”改革再升级 - 万载县人民政府",
            "河南15部门联合出台实施意见 “多证合一”改革再升级",
        ),
        ("首页", None),
        ("万载县人民政府", None),
    ],
)
def test_clean_title(raw, title):
    assert clean_title(raw, ["万载县人民政府"]) == title


def page(head: str, body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def test_visible_heading_gives_the_spacing():
    tree = page(
        "<title>河南15部门联合出台实施意见“多证合一”改革再升级_某县人民政府</title>",
        "<div class='bt'><h1>河南15部门联合出台实施意见 “多证合一”改革再升级</h1></div><p>正文</p>",
    )
    assert find_title(tree, {}) == "河南15部门联合出台实施意见 “多证合一”改革再升级"


def test_heading_broken_with_br_reads_as_one_line():
    tree = page(
        "<title>关于批准调整2007\u3000年末国债余额限额的决议_中国政府网</title>",
        "<p align='center'><strong>关于批准<br>\n调整2007年末国债余额限额的决议</strong><br>"
        "（2007年6月29日通过）</p>",
    )
    assert find_title(tree, {}) == "关于批准调整2007年末国债余额限额的决议"


def test_title_without_a_visible_heading_keeps_its_spaces():
    tree = page("<title>县政府  工作报告 | 某县人民政府</title>", "<p>正文内容</p>")
    assert find_title(tree, {}) == "县政府 工作报告"


def test_same_title_ignores_spacing_only():
    assert same_title("实施意见 “多证合一”", "实施意见“多证合一”")
    assert not same_title("实施意见", "实施意见二")
    assert not same_title(None, "实施意见")
