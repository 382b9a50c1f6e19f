"""Image-only and attachment-only documents are documents: their text is what text they have,
their body images are listed (icons and QR codes are not)."""

import lxml.html
import pytest

from crawler.extract.extractor import Extractor
from crawler.extract.images import body_images, image_lines

URL = "http://www.fangcheng.gov.cn/zwgk/tjxx/202402/t20240205_1201.html"
TITLE = "图解：2024年方城县政府工作报告"
IMAGES = (
    ("W020240205356712840011.png", "图解2024年方城县政府工作报告：2023年工作回顾"),
    ("W020240205356713120235.png", "图解2024年方城县政府工作报告：2024年主要预期目标"),
)


def page(body: str, container: bool = True, date: str = "发布日期：2024-02-05") -> str:
    wrap = f"<div class='TRS_Editor'>{body}</div>" if container else f"<div class='nr'>{body}</div>"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{TITLE}_方城县人民政府</title>"
        "</head><body><div class='logo'><img src='/images/logo.png' alt='方城县人民政府'></div>"
        f"<div class='article'><h1>{TITLE}</h1><div class='info'>{date} 来源：县政府办</div>"
        f"{wrap}<div class='ewm'><img src='/images/ewm.png'><p>扫一扫在手机打开当前页</p></div>"
        "</div><div class='footer'><p>网站标识码：4113220001</p></div></body></html>"
    )


def infographic(alt: bool = True) -> str:
    return "".join(
        f"<p style='text-align:center'><img src='./{name}'{f' alt={text!r}' if alt else ''}></p>"
        for name, text in IMAGES
    )


@pytest.mark.parametrize("container", [True, False], ids=["cms-container", "located"])
def test_image_only_page_is_a_document_with_its_alt_texts(container):
    result = Extractor().extract(page(infographic(), container), URL)
    assert result.title == TITLE and result.publish_date == "2024-02-05"
    assert result.text.split("\n") == [text for _, text in IMAGES]
    folder = URL.rsplit("/", 1)[0]
    assert [(i.url, i.name) for i in result.images] == [(f"{folder}/{n}", t) for n, t in IMAGES]


def test_image_only_page_without_alt_text_has_its_title_as_text():
    result = Extractor().extract(page(infographic(alt=False)), URL)
    assert result.text == TITLE
    assert len(result.images) == 2 and all(i.name == "" for i in result.images)


def test_images_without_a_date_are_no_document_text():
    result = Extractor().extract(page(infographic(alt=False), date=""), URL)
    assert result.text == "" and len(result.images) == 2


def test_attachment_only_page_keeps_its_link_line():
    link = (
        "<p>附件：<a href='./P020240301553123611840.pdf'>方城县农业农村局2024年部门预算.pdf</a></p>"
    )
    for container in (True, False):
        result = Extractor().extract(page(link, container), URL)
        assert result.text == "附件：方城县农业农村局2024年部门预算.pdf"
        assert [a.name for a in result.attachments] == ["方城县农业农村局2024年部门预算.pdf"]


def test_photos_of_a_text_document_are_listed_with_their_captions():
    para = (
        "3月12日，方城县农业农村局组织农技专家深入券桥镇、广阳镇等乡镇，开展春季农业生产技术培训。"
    )
    body = (
        f"<p>{para}</p><figure><img src='/u/cms/2024/photo1.jpg' width='600'>"
        "<figcaption>农技专家在田间讲解小麦春季管理</figcaption></figure>"
        "<p><img src='/images/icon_pdf.gif'><a href='/f/a.pdf'>方案.pdf</a></p>"
    )
    result = Extractor().extract(page(body), URL)
    assert [(i.url, i.name) for i in result.images] == [
        ("http://www.fangcheng.gov.cn/u/cms/2024/photo1.jpg", "农技专家在田间讲解小麦春季管理")
    ]
    assert para in result.text.split("\n")


def test_body_images_skip_icons_pixels_and_data_uris():
    root = lxml.html.fromstring(
        "<div><img src='a.png' width='16' height='16'><img src='data:image/png;base64,xx'>"
        "<img src='/img/qrcode.png'><img data-original='/u/big.jpg' src='/img/loading.gif' "
        "alt='图片'><img src='b.jpg' alt='b.jpg'></div>"
    )
    found = body_images(root, "http://x.gov.cn/zwgk/t1.html")
    assert [(i.url, i.name) for i in found] == [
        ("http://x.gov.cn/u/big.jpg", ""),
        ("http://x.gov.cn/zwgk/b.jpg", ""),
    ]
    assert image_lines(found) == []
