"""List regions: the main list of a list page, as opposed to its chrome.

A column's documents are the items of its main list — the repeated run of `li`/`tr`/`dd`/`div`
items with a title link and, usually, a date — wherever those items are filed. Links in the
site's nav, side menus, footers and 热点/推荐 widgets are chrome: they never make documents, even
when their URL looks like an article (a 网站声明 page at …/201709/t20170912_1.html).

Items are grouped by their structural signature (the tag and class path from the root, so the
fifteen `<div ms-visible="$showStatic(N)"><ul><li>` blocks of a TRS 动静结合 list are one list);
the group with the best score is the main list. Around it, the list's own region (climbing
from the items' common ancestor while no chrome comes in) holds its pager and its catalogue of
sub-columns, which are followed even outside the section's folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.text.normalise import fold_space

DATE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*(?:[-/.月]\s*\d{1,2})?")
SHORT_DATE_RE = re.compile(r"[\[(（【]\s*\d{1,2}[-/.月]\d{1,2}日?\s*[\])）】]|^\s*\d{2}-\d{2}\s*$")
ITEM_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "div", "article", "section"})
# class/id words and headings of page chrome: nav, menus, footers, hot/recommended widgets
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
CHROME_WORDS = re.compile(
    r"(?:^|[\W_])(?:nav|navi|navbar|menu|submenu|foot|footer|header|head|top|topbar|banner|"
    r"crumbs?|breadcrumb|location|position|weizhi|dqwz|side|sidebar|hot|hots|rd|redian|rmdt|"
    r"tj|tuijian|recommend|rank|phb|paihang|yqlj|links?|friendlink|share|copyright|bottom|"
    r"footer_\w+|search|login|tools?|slide|slider|focus|weather)(?:$|[\W_\d])",
    re.I,
)
CHROME_HEADINGS = re.compile(r"热点|热门|推荐|排行|相关(?:文章|阅读|链接|信息)|友情链接|猜你喜欢")
MIN_TITLE = 2  # characters of a link text that can be an item title
MAX_CLIMB = 5  # levels above the main list searched for its pager and catalogue blocks


@dataclass(frozen=True)
class Item:
    element: lxml.html.HtmlElement
    anchor: lxml.html.HtmlElement
    url: str  # absolute
    title: str
    dated: bool


@dataclass(frozen=True)
class MainList:
    items: tuple[Item, ...]
    blocks: tuple[lxml.html.HtmlElement, ...]  # the list, its own pager and catalogue blocks

    @property
    def urls(self) -> list[str]:
        return [item.url for item in self.items]

    def holds(self, element: lxml.html.HtmlElement) -> bool:
        """Whether an element lies in the list or in its own pager or catalogue blocks."""
        chain = (element, *element.iterancestors())
        return any(node is block for node in chain for block in self.blocks)


def _words(element: lxml.html.HtmlElement) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


def is_chrome(element: lxml.html.HtmlElement) -> bool:
    """An element that is (or sits inside) nav, header, footer, side menu or a 热点 widget."""
    for node in (element, *element.iterancestors()):
        if node.tag in CHROME_TAGS or (node.get("role") or "").lower() == "navigation":
            return True
        if node.tag in ("body", "html"):
            return False
        if CHROME_WORDS.search(_words(node)):
            return True
        heading = _heading(node)
        if heading and CHROME_HEADINGS.search(heading):
            return True
    return False


def _heading(node: lxml.html.HtmlElement) -> str:
    """The heading a block carries: its first h1-h6 or a short title element before its list."""
    for child in node.iterchildren():
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("ul", "ol", "table", "dl"):
            return ""
        if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or re.search(
            r"tit|hd|bt", _words(child), re.I
        ):
            return fold_space(child.text_content())[:20]
    return ""


def _signature(element: lxml.html.HtmlElement) -> tuple[str, ...]:
    path = []
    for node in (element, *element.iterancestors()):
        classes = " ".join(sorted((node.get("class") or "").split()))
        path.append(f"{node.tag}.{classes}")
    return tuple(path)


def _item_of(anchor: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    node = anchor
    for _ in range(4):
        node = node.getparent()
        if node is None or node.tag in ("body", "html", "ul", "ol", "table", "tbody"):
            return None
        if node.tag in ITEM_TAGS:
            return node
    return None


def _dated(element: lxml.html.HtmlElement) -> bool:
    text = element.text_content()
    return bool(DATE_RE.search(text) or SHORT_DATE_RE.search(text))


def candidate_items(tree: lxml.html.HtmlElement, page_url: str) -> list[Item]:
    """Every (item element, title link) pair of the page: one link per item, its longest."""
    best: dict[int, Item] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
            continue
        url = urljoin(page_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        title = fold_space(anchor.get("title") or anchor.text_content() or "")
        if len(title) < MIN_TITLE:
            continue
        element = _item_of(anchor)
        if element is None:
            continue
        known = best.get(id(element))
        if known is None or len(title) > len(known.title):
            best[id(element)] = Item(element, anchor, url, title, _dated(element))
    return list(best.values())


def _score(items: list[Item]) -> float:
    dated = sum(i.dated for i in items)
    mean_title = sum(min(len(i.title), 40) for i in items) / len(items)
    return dated * 2 + len(items) + mean_title / 4


def _is_list(items: list[Item]) -> bool:
    dated = sum(i.dated for i in items)
    if len(items) == 1:  # a column with one document so far
        return dated == 1 and items[0].element.tag in ("li", "tr", "dd")
    if dated >= max(2, len(items) / 2):
        return True
    mean_title = sum(len(i.title) for i in items) / len(items)
    return len(items) >= 5 and mean_title >= 10


def main_list(tree: lxml.html.HtmlElement, page_url: str) -> MainList | None:
    """The page's main list of items, or None when it has none (a catalogue page, a shell)."""
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in candidate_items(tree, page_url):
        groups.setdefault(_signature(item.element), []).append(item)
    lists = [
        items for items in groups.values() if _is_list(items) and not is_chrome(items[0].element)
    ]
    if not lists:
        return None
    lists.sort(key=_score, reverse=True)
    best = _score(lists[0])
    # a landing page may carry several boxes of latest documents, each its own dated list
    chosen = [
        items
        for items in lists
        if items is lists[0]
        or (_score(items) >= best / 2 and sum(i.dated for i in items) >= 0.8 * len(items))
    ]
    items = [i for group in chosen for i in group]
    return MainList(tuple(items), _blocks([i.element for i in items]))


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    chains = [[e, *e.iterancestors()][::-1] for e in elements]
    common = chains[0][0]
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def _blocks(elements: list[lxml.html.HtmlElement]) -> tuple[lxml.html.HtmlElement, ...]:
    """The list itself and the pager and catalogue blocks beside it: siblings of the list's
    container and of its ancestors (up to MAX_CLIMB levels) that read as a pager or a menu of
    sub-columns, never the site's nav, header or footer."""
    node = _common_ancestor(elements)
    if node is elements[0] and node.getparent() is not None:
        node = node.getparent()
    found = [node]
    for _ in range(MAX_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        for sibling in parent.iterchildren():
            if sibling is node or not isinstance(sibling.tag, str) or sibling.tag in CHROME_TAGS:
                continue
            for block in (sibling, *sibling.iterdescendants()):
                if isinstance(block.tag, str) and (_is_pager(block) or _is_catalogue(block)):
                    found.append(block)
                    break
        node = parent
    return tuple(found)


PAGER_WORDS = re.compile(r"page|pagin|pager|fenye|fy|pages|pg", re.I)
PAGER_TEXT = re.compile(r"下一?页|尾页|末页|上一?页|共\s*\d+\s*[页条]|Total\s+record", re.I)
CATALOGUE_WORDS = re.compile(r"dropdown|more|lanmu|lm|column|chnl|channel|catalog|sub|tab", re.I)
CATALOGUE_TEXT = re.compile(r"更多栏目|子栏目|栏目导航|栏目列表|下级栏目")


def _is_pager(block: lxml.html.HtmlElement) -> bool:
    words = _words(block)
    text = block.text_content()
    return bool(
        (PAGER_WORDS.search(words) and (PAGER_TEXT.search(text) or len(text.strip()) < 200))
        or (len(text) < 300 and PAGER_TEXT.search(text) and any(True for _ in block.iter("a")))
    )


def _is_catalogue(block: lxml.html.HtmlElement) -> bool:
    if block.tag not in ("ul", "ol", "div", "dl", "table", "span"):
        return False
    if CHROME_WORDS.search(_words(block).replace("menu", "")) and "dropdown" not in _words(block):
        return False
    return bool(
        CATALOGUE_WORDS.search(_words(block)) or CATALOGUE_TEXT.search(block.text_content()[:60])
    )
