"""Chrome by position, not by keyword: footer, 备案, 网站标识码, 主办 and 联系电话 lines are dropped at
the body's edges only; the same words inside a document keep their paragraph."""

from testdata import FIDELITY_TEXTS

from crawler.extract.boilerplate import line_kind, trim_chrome
from crawler.extract.extractor import Extractor

NOTICE = FIDELITY_TEXTS / "101_closure_notice.txt"
GUIDE = FIDELITY_TEXTS / "102_disclosure_guide.txt"
FOOTER = [
    "主办：方城县人民政府办公室 承办：方城县大数据中心",
    "地址：方城县凤瑞路266号 邮编：473200 电话：0377-67266959",
    "网站标识码：4113220001 豫ICP备2021023589号-1 豫公网安备 41132202000006号",
]
HEADER = [
    "您当前所在位置：首页 > 政务公开 > 通知公告",
    "字号：大 中 小",
    "【打印本页】【关闭窗口】",
]


def lines_of(path) -> list[str]:
    return [
        line.strip() for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()
    ]


def test_line_kinds_and_sentences_are_not_chrome():
    assert line_kind("网站标识码：4113220001 豫ICP备2021023589号-1") == "footer"
    assert line_kind("主办单位：方城县农业农村局") == "footer"
    assert line_kind("邮政编码：473200") == "contact"
    assert line_kind("联系电话：0377-67222315") == "contact"
    assert line_kind("【打印本页】【关闭窗口】") == "widget"
    notice = "方城县农业农村局网站（网站标识码：4113220012）自2024年3月31日起停止运行，原网站内容已迁移。"
    assert line_kind(notice) is None  # a sentence that mentions a 网站标识码
    assert line_kind("网站关停后，原网站的备案号随网站关停一并注销。") is None


def test_chrome_at_the_edges_goes_and_the_notice_between_stays_whole():
    body = lines_of(NOTICE)
    assert trim_chrome([*HEADER, *body, *FOOTER]) == body
    # the notice's own 网站标识码 / 主办单位 / 备案号 / 联系电话 lines sit in the middle of it
    for line in ("网站标识码：4113220012", "主办单位：方城县农业农村局", "联系电话：0377-67222315"):
        assert line in trim_chrome(body)


def test_a_guide_ending_with_its_contact_lines_keeps_them():
    body = lines_of(GUIDE)
    assert body[-2:] == ["邮政编码：473200", "联系电话：0377-67222315"]
    assert trim_chrome(body) == body
    # followed by the site footer: the footer goes from its first identity line on, the
    # guide's contact lines before it stay
    assert trim_chrome([*body, *FOOTER]) == body


def test_contact_lines_with_the_footer_identity_go_with_it():
    body = ["某某县2024年政务公开工作要点已印发，请各单位认真贯彻落实。"]
    assert trim_chrome([*body, FOOTER[0], "邮编：473200", "举报电话：0377-67266959"]) == body


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}_方城县人民政府</title></head><body>"
        "<div class='crumb'>首页 &gt; 政务公开 &gt; 通知公告</div>"
        f"<h1>{title}</h1><div class='info'>发布日期：2024-03-15 来源：方城县农业农村局</div>"
        f"<div id='zoom'>{body}</div>"
        "<div class='bottom'><p>主办：方城县人民政府办公室</p>"
        "<p>网站标识码：4113220001 豫ICP备2021023589号-1</p></div></body></html>"
    )


def test_closure_notice_page_keeps_every_paragraph_of_its_body():
    lines = lines_of(NOTICE)[:-1]  # without the 审核 credit (tests/test_credits.py)
    html = page("关于方城县农业农村局网站关停整合的公告", "".join(f"<p>{x}</p>" for x in lines))
    result = Extractor().extract(html, url="http://www.fangcheng.gov.cn/zwgk/t1.html")
    assert result.text.split("\n") == lines
    assert "4113220001" not in result.text  # the portal's own footer is not in it


def test_footer_lines_inside_a_container_after_the_document_go():
    lines = lines_of(GUIDE)
    inner = "".join(f"<p>{x}</p>" for x in lines + FOOTER)
    result = Extractor().extract(
        page("方城县农业农村局政府信息公开指南", inner), url="http://x.gov.cn/a.html"
    )
    assert result.text.split("\n") == lines
