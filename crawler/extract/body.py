"""Where a page's document is: the element that holds its body.

The content container of a known CMS (Ucap <ucapcontent>, TRS_Editor, Hanweb ContentStart, …) is
taken directly, even when it holds only images or attachment links (a 图解 page). On other
templates trafilatura finds the body paragraphs and the smallest element holding them all is the
body; a page whose body has no paragraphs at all (only images) has the element its images sit in
after the title.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.discovery.urls import is_attachment_url
from crawler.extract import images
from crawler.extract.lines import BLOCK_TAGS

# content containers of the CMS families seen on county portals, most specific first
CONTAINER_XPATHS = (
    "//ucapcontent",
    "//*[@id='UCAP-CONTENT']",
    "//meta[@name='ContentStart']/..",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
    "//*[@id='zoom' or @id='Zoom' or @id='zoomcon' or @id='fontzoom']",
)
MIN_CONTAINER_CHARS = 20
_NO_SPACE_RE = re.compile(r"[\s\u00a0\u3000\\]+")


def holds_media(el: HtmlElement, base: str) -> bool:
    """True when ``el`` holds content images or attachment links (a body without text)."""
    if images.body_images(el, base):
        return True
    return any(is_attachment_url((a.get("href") or "").strip()) for a in el.iter("a"))


def find_container(tree: HtmlElement, base: str) -> HtmlElement | None:
    """The body container of a known CMS template, if the page has one with text, images or
    attachment links in it."""
    for xpath in CONTAINER_XPATHS:
        candidates = [(len(el.text_content().strip()), el) for el in tree.xpath(xpath)]
        if not candidates:
            continue
        size, best = max(candidates, key=lambda pair: pair[0])
        if size >= MIN_CONTAINER_CHARS:
            return best
        with_media = [el for _, el in candidates if holds_media(el, base)]
        if with_media:
            return with_media[0]
    return None


def common_holder(tree: HtmlElement, anchors: list[str]) -> HtmlElement | None:
    """The deepest element that holds every anchor paragraph."""
    blocks = [
        (el, _NO_SPACE_RE.sub("", own_text(el)))
        for el in tree.iter()
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS
    ]
    paths: list[list[HtmlElement]] = []
    cursor = 0
    for anchor in anchors:
        snippet = _NO_SPACE_RE.sub("", anchor)[:60]
        order = list(range(cursor, len(blocks))) + list(range(cursor))
        for index in order:
            if snippet in blocks[index][1]:
                cursor = index
                el = blocks[index][0]
                paths.append([*reversed(list(el.iterancestors())), el])
                break
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        depth = 0
        while depth < min(len(common), len(path)) and common[depth] is path[depth]:
            depth += 1
        common = common[:depth]
    return common[-1] if common else None


def own_text(el: HtmlElement) -> str:
    """The text of a block element that is not inside a block element under it (a <td> of
    <br>-separated lines followed by a <p> 落款 owns the lines, not the 落款)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS:
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def media_holder(heading: HtmlElement | None, base: str) -> HtmlElement | None:
    """For a body of images or attachment links only: the largest element after the title
    ``heading`` that holds the first content image (or attachment link) following it, without
    holding the heading itself."""
    if heading is None:
        return None
    above_heading = set(heading.iterancestors())
    after = False
    for el in heading.getroottree().iter():
        if el is heading:
            after = True
            continue
        if not after or el.tag not in ("img", "a") or heading in el.iterancestors():
            continue
        if el.tag == "img" and not images.body_images(el, base):
            continue
        if el.tag == "a" and not is_attachment_url((el.get("href") or "").strip()):
            continue
        holder = el
        for ancestor in el.iterancestors():
            if ancestor.tag in ("body", "html") or ancestor in above_heading:
                break
            holder = ancestor
        return holder
    return None
