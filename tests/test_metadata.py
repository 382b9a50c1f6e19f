"""Visible 政务公开 metadata: date normalisation, label parsing."""

import pytest

from crawler.extract.metadata import (
    date_after_title,
    fields_from_labels,
    is_metadata_line,
    label_key,
    normalise_date,
    parse_labels,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-02-27", "2024-02-27"),
        ("2023年12月6日", "2023-12-06"),
        ("2023-01-17 10:21", "2023-01-17"),
        ("2021-11-24 15:40", "2021-11-24"),
        ("2023/5/11", "2023-05-11"),
        ("发布日期：2023年05月11日", "2023-05-11"),
        ("2023 年 5 月 11 日", "2023-05-11"),
        ("2007-08-20-23:59:59", "2007-08-20"),
        ("2023.05.11", "2023-05-11"),
        ("20230511", "2023-05-11"),
    ],
)
def test_normalise_date(raw, iso):
    assert normalise_date(raw) == iso


@pytest.mark.parametrize(
    "raw", [None, "", "关键字:", "2023-13-01", "2023-02-30", "第1234号", "12-11"]
)
def test_normalise_date_rejects_non_dates(raw):
    assert normalise_date(raw) is None


def test_label_key_drops_spaces_and_colon():
    assert label_key("索 引 号：") == "索引号"
    assert label_key("发布日期:") == "发布日期"


def test_label_and_value_on_separate_lines():
    # <dd><label>索 引 号：</label><div>…</div></dd> as lines
    lines = [
        "索 引 号：",
        "014742224A/2023-0043406",
        "生成日期：",
        "2023-05-11",
        "责任部门：",
        "万载县统计局",
    ]
    assert parse_labels(lines) == {
        "索引号": "014742224A/2023-0043406",
        "生成日期": "2023-05-11",
        "责任部门": "万载县统计局",
    }


def test_several_labels_in_one_line():
    labels = parse_labels(["来源: 弼时镇 发布时间: 2023-01-17 10:21 浏览次数: 1"])
    assert labels == {"来源": "弼时镇", "发布时间": "2023-01-17 10:21", "浏览次数": "1"}


def test_table_row_cells():
    labels = parse_labels(
        [
            "索引号 | 11500000MB1234567X/2024-00012 | 主题分类 | 综合政务",
            "发文字号 | 渝府办发〔2024〕12号 | 有效性 | 有效",
            "成文日期： | 2024年02月20日 | 发布日期： | 2024年2月27日",
        ]
    )
    assert labels["索引号"] == "11500000MB1234567X/2024-00012"
    assert labels["主题分类"] == "综合政务"
    assert labels["发文字号"] == "渝府办发〔2024〕12号"
    assert labels["有效性"] == "有效"
    assert labels["成文日期"] == "2024年02月20日"
    assert labels["发布日期"] == "2024年2月27日"


def test_label_inside_a_word_is_not_a_label():
    assert parse_labels(["资料来源：本公报中财政数据来自县财政局"]) == {}


def test_value_stops_at_widgets_and_unknown_labels():
    labels = parse_labels(
        ["2025年05月27日 20:20 来源：中国政府采购网 【打印】", "作者：张三 文章类型：原创"]
    )
    assert labels == {"来源": "中国政府采购网", "作者": "张三"}


def test_date_label_needs_a_date_and_plain_label_no_bare_date():
    assert parse_labels(["发布时间：", "关键字:"]) == {}
    assert parse_labels(["作者：", "2023-12-01 14:43"]) == {}


def test_fields_prefer_specific_labels():
    fields = fields_from_labels(
        {
            "时间": "2020-01-01",
            "发布日期": "2024-02-27",
            "信息来源": "县政府办",
            "文号": "X〔2024〕1号",
        }
    )
    assert fields["publish_date"] == "2024-02-27"
    assert fields["source"] == "县政府办"
    assert fields["doc_no"] == "X〔2024〕1号"
    assert fields["publisher"] is None


def test_is_metadata_line():
    assert is_metadata_line("发布日期：2024-02-27 来源：县政府办")
    assert is_metadata_line("索 引 号：")
    assert not is_metadata_line("各位代表：")
    assert not is_metadata_line("一、工作开展情况")


def test_date_after_title():
    lines = ["首页", "习近平主持召开座谈会", "来源：新华社", "作者：", "2023-12-01 14:43", "正文"]
    assert date_after_title(lines, "习近平主持召开座谈会") == "2023-12-01 14:43"
    assert date_after_title(lines, "别的标题") is None
