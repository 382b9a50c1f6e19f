import pytest

from crawler.history.deletion import gone_evidence

URL = "http://h/zwgk/202401/t20240112_1003.html"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((404, URL, URL), "HTTP 404"),
        ((410, URL, URL), "HTTP 410"),
        ((200, URL, "http://h/"), "redirected to the home page"),
        ((200, URL, "http://h/index.html"), "redirected to the home page"),
        ((200, URL, "http://h/error/404.html"), "redirected to an error page"),
        ((200, URL, URL, "抱歉，您访问的页面不存在或已被删除！"), "soft 404: 页面不存在"),
        ((200, URL, URL, "该信息已删除", "提示"), "soft 404: 该信息已删除"),
        ((200, URL, URL, "   "), "empty page"),
    ],
)
def test_deletion_evidence(args, reason):
    gone = gone_evidence(*args)
    assert gone is not None and gone.reason == reason and gone.status == "deleted"


@pytest.mark.parametrize(
    "args",
    [
        (200, URL, URL, "各位代表：现在，我代表镇人民政府，向大会报告工作。" * 20),
        (500, URL, URL),
        (None, URL, URL),
        (200, URL, "http://h/zwgk/202401/t20240112_1003.html?from=list"),
        # a long real document that quotes the phrase is not a soft 404
        (200, URL, URL, "关于网站页面不存在问题的整改报告。" + "整改内容。" * 200),
    ],
)
def test_not_deletion(args):
    assert gone_evidence(*args) is None
