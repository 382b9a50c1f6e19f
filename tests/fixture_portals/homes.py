"""Portal home pages of the shapes real ones have, for `zwgk sites detect` and `detect = true` seeds.

Each is 005.html (www.yichun.gov.cn's home page, Ucap) in front of the Ucap fixture portal
(ucap.py, whose 政务公开 section is /wzxrmzf/zwgk/zwgk.shtml); the home's links to its own site
folder /ycsrmzf/ point at the portal's /wzxrmzf/. Served at / (and /wzxrmzf/index.shtml):

    home-nav    the page as found: 政务公开 in the top nav, 信息公开 under it, a 政府信息公开 box
                with 指南/制度/目录/年度报告 links
    home-img    the nav's entries are images whose alt text alone names them ("政 务 公 开"),
                and the page body names no 政务公开/信息公开 link
    home-guide  no 政务公开/信息公开 link at all: only 政府信息公开指南/目录/年度报告
    home-jyh    政务公开 and 信息公开 point at a city 集约化 platform on another host (the URL in
                the ZWGK_FIXTURE_PLATFORM environment variable; tests serve the 集约化 fixture
                portal there, on 127.0.0.2)
"""

from __future__ import annotations

import os
import re

from . import jiyue, ucap
from .base import FixturePortal, Request, Response, corpus_page, html_response, localise

OWN = ("www.yichun.gov.cn",)
ENTRY = ucap.ENTRY  # /wzxrmzf/zwgk/zwgk.shtml
NAV_ZWGK = '<a linktype="Column" href="/wzxrmzf/zwgk/zwgk.shtml" target="_self" >  政务公开 </a>'
NAV_XXGK = "title='信息公开' >信息公开</a>"
BOX_XXGK = 'href="/wzxrmzf/xxgk/redirect_firstChannel.shtml">政府信息公开</a>'


def home_page(shape: str) -> str:
    text = localise(corpus_page("005"), OWN).replace("/ycsrmzf/", "/wzxrmzf/")
    assert NAV_ZWGK in text and NAV_XXGK in text and BOX_XXGK in text
    spans = re.compile(
        r'(<a linkType="Column" href="/wzxrmzf/zwgk/zwgk\.shtml"><span>)\s*政务公开\s*(</span>)',
        re.I,
    )
    if shape == "img":
        text = spans.sub(r'\1<img src="/wzxrmzf/images/zwgk.png" alt="政务 公开">\2', text)
        text = text.replace(
            NAV_ZWGK,
            '<a linktype="Column" href="/wzxrmzf/zwgk/zwgk.shtml" target="_self" >'
            '<img src="/wzxrmzf/images/nav_zwgk.png" alt="政 务 公 开"></a>',
        )
        text = text.replace(
            NAV_XXGK, "title='' ><img src='/wzxrmzf/images/nav_xxgk.png' alt=''></a>"
        )
        text = text.replace(BOX_XXGK, 'href="/wzxrmzf/xxgk/redirect_firstChannel.shtml">公开</a>')
    elif shape == "guide":
        text = spans.sub(r'<a href="/wzxrmzf/zwdt/list.shtml"><span>政务</span>', text)
        text = text.replace(
            NAV_ZWGK, '<a linktype="Column" href="/wzxrmzf/zwdt/list.shtml">政务</a>'
        )
        text = text.replace(NAV_XXGK, "title='公开' >公开</a>")
        text = text.replace(BOX_XXGK, 'href="/wzxrmzf/xxgk/redirect_firstChannel.shtml">公开</a>')
        text = text.replace("/wzxrmzf/fdzdgknr/redirect_firstChannel.shtml", ENTRY)
    elif shape == "jyh":
        platform = os.environ.get("ZWGK_FIXTURE_PLATFORM", "http://127.0.0.2:9")
        text = text.replace('href="/wzxrmzf/zwgk/zwgk.shtml"', f'href="{platform}{jiyue.ENTRY}"')
        text = text.replace(NAV_ZWGK, NAV_ZWGK.replace(ENTRY, platform + jiyue.ENTRY))
        text = text.replace("/wzxrmzf/xxgk/redirect_firstChannel.shtml", platform + jiyue.ENTRY)
    # the rest of the home page's own links (news, services) stay: a crawl must not follow them
    return re.sub(r"<title>[^<]*</title>", "<title>宜春市人民政府</title>", text, count=1)


def build_shape(shape: str) -> FixturePortal:
    portal = ucap.build()
    home = home_page(shape)

    def router(request: Request) -> Response | None:
        if request.path in ("/", "/index.html", "/index.shtml", "/wzxrmzf/index.shtml"):
            return html_response(home)
        return portal.router(request)

    entry = () if shape == "jyh" else portal.documents
    return FixturePortal(
        name=f"home-{shape}",
        family=f"home page ({shape})",
        start_paths=("/",),
        section_prefixes=portal.section_prefixes,
        documents=entry,
        outside_paths=portal.outside_paths[1:],  # the home itself is read
        router=router,
        notes=f"005.html home page, shape {shape!r}, in front of the Ucap portal",
    )


def builders() -> dict:
    return {f"home-{s}": (lambda s=s: build_shape(s)) for s in ("nav", "img", "guide", "jyh")}
