"""Editorial credits move from the text into metadata; the 落款 stays in the text."""

import pytest
from testdata import FIDELITY_TEXTS

from crawler.extract.credits import credits_in_labels, split_credit_tail, take_credits
from crawler.extract.extractor import Extractor

PARA = (
    "今年以来，全县上下认真贯彻落实上级决策部署，扎实推进各项工作，"
    "经济社会发展保持稳中向好态势，人民群众的获得感、幸福感、安全感不断增强。"
)


@pytest.mark.parametrize(
    ("line", "rest", "credits"),
    [
        ("审核：赵建国", "", {"审核": "赵建国"}),
        (
            "方城县农业农村局 2024年3月15日 审核：赵建国",
            "方城县农业农村局 2024年3月15日",
            {"审核": "赵建国"},
        ),
        ("2024年3月15日审核：赵建国", "2024年3月15日", {"审核": "赵建国"}),
        ("（作者：县农业农村局 王文静）", "", {"作者": "县农业农村局 王文静"}),
        ("编辑：王五 校对：赵六 审核：李四", "", {"编辑": "王五", "校对": "赵六", "审核": "李四"}),
        ("【责任编辑：李娜】", "", {"责任编辑": "李娜"}),
        # not credits: a sentence, a question, other labels
        ("经研究，审核：同意。", "经研究，审核：同意。", {}),
        ("问：哪些人可以申请公开政府信息？", "问：哪些人可以申请公开政府信息？", {}),
        ("作者：张三 来源：县融媒体中心", "作者：张三 来源：县融媒体中心", {}),
    ],
)
def test_split_credit_tail(line, rest, credits):
    assert split_credit_tail(line) == (rest, credits)


def test_credits_are_taken_at_the_edges_only():
    lines = [
        "作者：王五",
        PARA,
        "作者：张三",
        PARA + "二",
        "方城县农业农村局",
        "2024年3月15日 审核：赵建国",
    ]
    kept, credits = take_credits(lines)
    assert kept == [PARA, "作者：张三", PARA + "二", "方城县农业农村局", "2024年3月15日"]
    assert credits == {"作者": "王五", "审核": "赵建国"}


def test_a_credit_closing_the_last_paragraph():
    kept, credits = take_credits([PARA, PARA + "（作者：县农业农村局 王文静）"])
    assert kept == [PARA, PARA] and credits == {"作者": "县农业农村局 王文静"}
    glued = PARA.removesuffix("。") + "编辑：张三"  # glued to prose, no sentence end: prose
    assert take_credits([PARA, glued]) == ([PARA, glued], {})


def test_credits_in_labels_need_a_name_like_value():
    assert credits_in_labels(
        {"责任编辑": "李娜", "来源": "县政府办", "作者": "请问这是什么？"}
    ) == {"责任编辑": "李娜"}


def page(body: str, after: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>县农业农村局开展春季农业生产技术培训_方城县人民政府</title></head><body>"
        "<h1>县农业农村局开展春季农业生产技术培训</h1><div class='info'>发布日期：2024-03-13</div>"
        f"<div class='TRS_Editor'>{body}</div>{after}</body></html>"
    )


def test_news_credits_in_and_under_the_body_become_metadata():
    lines = [
        line.strip()
        for line in (FIDELITY_TEXTS / "103_training_news.txt").read_text("utf-8").splitlines()[1:]
    ]
    body = "".join(f"<p>{line}</p>" for line in lines[:3])
    under = f"<div class='zrbj'>{'&nbsp;&nbsp;'.join(lines[3:])}</div>"
    result = Extractor().extract(page(body, under), url="http://x.gov.cn/a.html")
    assert result.text.split("\n") == [
        *lines[:2],
        lines[2].removesuffix("（作者：县农业农村局 王文静）"),
    ]
    assert result.credits == {
        "作者": "县农业农村局 王文静",
        "责任编辑": "李娜",
        "校对": "孙丽",
        "审核": "赵建国",
    }
    assert result.to_dict()["credits"] == result.credits


@pytest.mark.parametrize("joiner", ["<br>", "&nbsp;&nbsp;", "\n"])
def test_luokuan_sharing_a_paragraph_with_a_credit_stays(joiner):
    shared = joiner.join(["方城县农业农村局", "2024年3月15日", "审核：赵建国"])
    html = page(f"<p>{PARA}</p><p style='text-align:right'>{shared}</p>")
    result = Extractor().extract(html, url="http://x.gov.cn/a.html")
    assert result.text.replace("\n", " ").endswith("方城县农业农村局 2024年3月15日")
    assert "审核" not in result.text and result.credits == {"审核": "赵建国"}
