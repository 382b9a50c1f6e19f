"""A document's title, as published: the words and spaces a reader sees in its heading.

The title comes from the page's own title markup (<ucaptitle>, meta ArticleTitle, the <title>
without the site name, a heading) and is then shown the way the page shows it: when a visible
element says the same words, its spacing wins ("实施意见 “多证合一”…" keeps its space; a heading
broken over lines with <br> reads as one line). White space is only collapsed to single spaces;
the search key (title_key in crawler/text/normalise.py) is where spaces are folded away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from crawler.text.normalise import fold_space

# parts of a <title> ("标题_栏目_网站", "网站--标题", "标题 | 网站", "标题 - 网站"). An unspaced
# "——" is not among them: it is the 破折号 inside a title ("如何申请？——答记者问").
_GROUP_SPLIT_RE = re.compile(r"\s*(_+|\||｜|[-－]{2,}|\s[-－—–]+\s)\s*")
_DASH_SUFFIX_RE = re.compile(r"(?P<title>.*[^\s—])\s*—{1,2}\s*(?P<site>[^—]+)$")
_WEAK_SUFFIX_RE = re.compile(r"(?P<title>.*[^\s—])\s*[-－–]\s*(?P<site>[^-－—–\s]+)$")
_WEAK_PREFIX_RE = re.compile(r"^(?P<site>[^-－—–\s]+)\s*[-－–]\s*(?P<title>[^\s—].*)")
_SITE_NAME_RE = re.compile(r"(人民政府|政府|政府网|网|网站|门户网站|门户|管委会|委员会|平台)$")
# after a 破折号 only an unmistakable site name is cut off: "——访县发展和改革委员会" is a subtitle
_STRONG_SITE_NAME_RE = re.compile(r"(人民政府|政府网|网站|门户网站|门户网)$")
NOT_TITLES = frozenset({"首页", "无标题文档"})
MAX_HEADING_CHARS = 200
_HEADING_TAGS = ("h1", "h2", "h3")
_CJK_EDGE_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _site_like(part: str, sites: set[str], strong: bool = False) -> bool:
    if part in sites:
        return True
    pattern = _STRONG_SITE_NAME_RE if strong else _SITE_NAME_RE
    return len(part) <= 20 and bool(pattern.search(part))


def clean_title(text: str | None, site_names: Iterable[str] = ()) -> str | None:
    """A title without the site name (and column name) around it, spaces collapsed, not removed.

    '万载县2022年…统计公报 | 万载县人民政府' -> '万载县2022年…统计公报';
    '如何申请？——答记者问_某某县人民政府' -> '如何申请？——答记者问'
    """
    if not text:
        return None
    text = fold_space(text)
    sites = {fold_space(name) for name in site_names if name and name.strip()}
    groups = [part for part in _GROUP_SPLIT_RE.split(text)[::2] if part]
    kept = [part for part in groups if not _site_like(part, sites)]
    if kept:
        text = max(kept, key=len)
    match = _DASH_SUFFIX_RE.match(text)
    if match and _site_like(match["site"].strip(), sites, strong=True):
        text = match["title"]
    # a bare hyphen may belong to the title ("1-10月…"): only cut off a site name after it
    match = _WEAK_SUFFIX_RE.match(text)
    if match and _site_like(match["site"], sites):
        text = match["title"]
    match = _WEAK_PREFIX_RE.match(text)
    if match and _site_like(match["site"], sites):
        text = match["title"]
    text = text.strip()
    if not text or text in sites or text in NOT_TITLES:
        return None
    return text


def same_title(a: str | None, b: str | None) -> bool:
    """The same words, whatever the spacing."""
    return bool(a) and bool(b) and _bare(a) == _bare(b)


def find_title(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    """The document's own title: <ucaptitle>, meta ArticleTitle, a heading that completes the
    <title>, the <title> without the site name, the first <h1>; shown as the page shows it."""
    title = _title_words(tree, meta)
    return as_displayed(tree, title) if title else None


def _title_words(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    sites = [meta.get("SiteName", ""), meta.get("sitename", "")]
    ucap = tree.find(".//ucaptitle")
    if ucap is not None and (title := clean_title(ucap.text_content(), sites)):
        return title
    for name in ("articletitle", "og:title"):
        value = next((v for k, v in meta.items() if k.lower() == name and v.strip()), None)
        if value and (title := clean_title(value, sites)):
            return title
    head_title = tree.find(".//title")
    page_title = clean_title(head_title.text_content(), sites) if head_title is not None else None
    headings = [
        clean_title(el.text_content())
        for el in tree.iter(*_HEADING_TAGS)
        if len(el.text_content()) <= MAX_HEADING_CHARS
    ]
    if page_title:
        stem = _bare(page_title.rstrip(".…"))
        longer = [
            h
            for h in headings
            if h and _bare(h).startswith(stem) and len(_bare(h)) >= len(_bare(page_title))
        ]
        return max(longer, key=len) if longer else page_title
    return next((h for h in headings if h), None)


def as_displayed(tree: HtmlElement, title: str) -> str:
    """``title`` with the spacing of the visible element that shows the same words, if any."""
    element = title_element(tree, title)
    return _heading_text(element) if element is not None else title


def title_element(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The first visible element whose text is the title's words (its heading)."""
    key = _bare(title or "")
    if not key:
        return None
    # every element of the document: a broken page can leave content where iter() misses it
    for el in tree.xpath("//*"):
        if el.tag in ("head", "script", "style", "title"):
            continue
        head = _bare(el.text or "")
        if not head or not key.startswith(head[: len(key)]):
            continue
        shown = _heading_text(el)
        if len(shown) <= MAX_HEADING_CHARS and _bare(shown) == key:
            return el
    return None


def _bare(text: str) -> str:
    return "".join(text.split())


def _heading_text(el: HtmlElement) -> str:
    """An element's text on one line: a <br> or a source line break between Chinese characters
    joins without a space, any other run of white space is one space."""
    parts: list[str] = []
    _collect(el, parts)
    lines = [fold_space(line) for line in "".join(parts).split("\n")]
    text = ""
    for line in (line for line in lines if line):
        if text and not (_CJK_EDGE_RE.match(text[-1]) and _CJK_EDGE_RE.match(line[0])):
            text += " "
        text += line
    return text


def _collect(el: HtmlElement, parts: list[str]) -> None:
    parts.append(el.text or "")
    for child in el:
        if isinstance(child.tag, str):
            if child.tag == "br":
                parts.append("\n")
            else:
                _collect(child, parts)
        parts.append(child.tail or "")
