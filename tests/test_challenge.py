import pytest
from testdata import PAGES

from crawler.crawl.challenge import detect_challenge

RUISHU = b"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="qCaQ3T5Ld0bTxxZ3...">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=78315;$_ts.cd="qqqq";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r='m'></script>
</head><body></body></html>"""
JIASULE = b"<html><body><script>document.cookie=('_')+('_')+('jsl_clearance_s')+('=')+('1700000000.1|0|abc');location.href=location.pathname+location.search</script></body></html>"
WZWS = b'<html><head><script type="text/javascript" src="/WZWSREL2luZGV4Lmh0bWw=?wzwschallenge=V1pXU19DT05GSVJNX1BSRUZJWF9MQUJFTDU="></script></head><body></body></html>'
SHELL_412 = b"<html><head><script>var a=1;eval(function(p){return p}('x'))</script></head><body></body></html>"
JS_SHELL_200 = b"<html><head><script>document.cookie='t=1';window.location.reload();</script></head><body></body></html>"


@pytest.mark.parametrize(
    ("status", "body", "needle"),
    [
        (412, RUISHU, "瑞数"),
        (202, RUISHU, "瑞数"),
        (521, JIASULE, "加速乐"),
        (200, WZWS, "WZWS"),
        (412, SHELL_412, "JavaScript challenge"),
        (200, JS_SHELL_200, "JavaScript-only shell"),
    ],
)
def test_challenges_are_recognised(status, body, needle):
    reason = detect_challenge(status, body)
    assert reason is not None and needle in reason


def test_real_portal_pages_are_not_challenges():
    pages = sorted(PAGES.glob("*.html"))
    assert pages, f"no corpus pages in {PAGES}"
    for page in pages:
        assert detect_challenge(200, page.read_bytes()) is None, page.name


def test_ordinary_error_pages_are_not_challenges():
    assert (
        detect_challenge(
            404,
            "<html><body><h1>页面不存在</h1><p>您访问的页面不存在或已被删除。</p></body></html>".encode(),
        )
        is None
    )
    assert detect_challenge(500, b"Internal Server Error") is None
