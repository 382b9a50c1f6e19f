from pathlib import Path

from crawler.text.normalise import Normaliser, content_hash, fold_whitespace, is_traditional

TEXTS = Path(__file__).resolve().parent.parent / "crawler" / "sample_portal" / "texts"


def test_traditional_report_is_detected_and_simplified():
    original = (TEXTS / "004_d141e86c5727c802.txt").read_text("utf-8")
    assert is_traditional(original)
    result = Normaliser().normalise(original)
    assert result.traditional
    for word in ("全面", "制定", "体系"):
        assert word in result.text_norm
    for scar in ("麵", "製", "係"):
        assert scar not in result.text_norm
    assert "製定" in original  # the caller keeps the original


def test_simplified_texts_are_left_alone():
    normaliser = Normaliser()
    paths = sorted(TEXTS.glob("00[0-3]_*.txt"))
    assert len(paths) == 4, f"want the four simplified seed texts in {TEXTS}: {paths}"
    for path in paths:
        text = path.read_text("utf-8")
        assert not is_traditional(text), path.name
        assert normaliser.normalise(text).text_norm == fold_whitespace(text)


def test_proper_nouns_survive_in_simplified_text():
    # t2s would turn 乾安县 into 干安县: conversion only runs on traditional text
    text = "乾安县人民政府关于印发乾安县2024年政务公开工作要点的通知。" * 3
    assert Normaliser().normalise(text).text_norm == text


def test_whitespace_is_folded_but_lines_kept():
    text = "第一段\u3000\u3000内容  \r\n\r\n\n  第二段\u00a0内容\n"
    assert fold_whitespace(text) == "第一段 内容\n第二段 内容"
    assert content_hash(fold_whitespace(text)) == content_hash("第一段 内容\n第二段 内容")


def test_hash_changes_with_content():
    n = Normaliser()
    assert n.normalise("一、工作回顾").content_hash != n.normalise("二、工作回顾").content_hash
    assert (
        n.normalise("一、 工作回顾").content_hash == n.normalise("一、\u3000工作回顾").content_hash
    )


def test_title_key_folds_spaces_next_to_chinese_only():
    from crawler.text.normalise import title_key

    assert title_key("河南15部门联合出台实施意见  “多证合一”改革再升级") == (
        "河南15部门联合出台实施意见“多证合一”改革再升级"
    )
    assert title_key("Open  Data 开放数据") == "Open Data开放数据"


def test_title_norm_is_the_search_key_only_when_it_differs():
    normaliser = Normaliser()
    spaced = normaliser.normalise("正文", "实施意见 “多证合一”改革再升级")
    assert spaced.title_norm == "实施意见“多证合一”改革再升级"
    assert normaliser.normalise("正文", "实施意见").title_norm is None
    traditional = normaliser.normalise(
        "鐵絲塘鎮黨委以習近平新時代中國特色社會主義思想為指導", "鐵絲塘鎮 工作總結"
    )
    assert traditional.title_norm == "铁丝塘镇工作总结"
