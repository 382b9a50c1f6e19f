"""Pages nested deeper than an HTML parser goes.

Unclosed <font> and <span> tags, and templates that wrap every block in another <div>, nest
real pages hundreds of levels deep. libxml2 stops building the tree at 256 levels (at 2,048
with XML_PARSE_HUGE, lxml's `huge_tree`) and drops the rest of the page, and Python code that
walks a tree recursively fails long before 2,048. So a page is parsed with `huge_tree`, and:

- when the parser still gives up, the presentational wrappers (<font>, <span>, <b>, …) are taken
  out of the source, then the block wrappers (<div>, <section>, <center>) become line breaks,
  and the page is parsed again;
- when the tree is deeper than MAX_DEPTH, the elements below that depth are unwrapped: their
  text, tails and links stay where they were, a block's end stays a line break.

Pages no deeper than MAX_DEPTH are parsed exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

MAX_DEPTH = 250  # what the default parser reads (it stops at 255); deeper trees are flattened
PARSER_LIMIT = 2048  # libxml2's depth limit with XML_PARSE_HUGE
KEEP = frozenset({"a", "img", "br", "hr", "html", "head", "body", "title", "meta"})
BLOCKS = frozenset(
    [
        "div",
        "p",
        "section",
        "article",
        "center",
        "blockquote",
        "table",
        "tbody",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "form",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
    ]
)
_INLINE_TAGS_RE = re.compile(
    r"</?(?:font|span|b|i|u|em|strong|small|big|sup|sub|strike|s|ins|del|label)\b[^>]*>", re.I
)
_BLOCK_TAGS_RE = re.compile(
    r"</?(?:div|section|article|center|blockquote|header|footer|main|aside|nav)\b[^>]*>", re.I
)


def parser(**options) -> lxml.html.HTMLParser:
    """An HTML parser that reads 2,048 levels deep instead of 256 (a new one per caller:
    lxml's parsers are not thread-safe)."""
    return lxml.html.HTMLParser(huge_tree=True, **options)


def gave_up(used: lxml.html.HTMLParser) -> bool:
    """Whether the last parse with `used` stopped at the depth limit (the rest was dropped)."""
    return any("Excessive depth" in entry.message for entry in used.error_log)


def shallower_sources(html: str) -> list[str]:
    """The page with fewer nesting tags: without inline wrappers; then also without block
    wrappers (each one a line break)."""
    inline_gone = _INLINE_TAGS_RE.sub("", html)
    return [inline_gone, _BLOCK_TAGS_RE.sub("<br>", inline_gone)]


def parse_nested(
    html: str, build: Callable[[str], HtmlElement], used: lxml.html.HTMLParser
) -> HtmlElement | None:
    """`build(html)` (a parse with the `used` parser), retried on shallower sources while the
    parser gives up; the tree flattened to MAX_DEPTH. None when even the shallowest source is
    too deep to read."""
    tree = build(html)
    if gave_up(used):
        for source in shallower_sources(html):
            tree = build(source)
            if not gave_up(used):
                break
        else:
            return None
    if tree is not None:
        flatten(tree)
    return tree


def flatten(tree: HtmlElement, max_depth: int = MAX_DEPTH) -> int:
    """Unwrap the elements deeper than `max_depth` (except links, images, breaks); the number
    unwrapped. A tree no deeper than `max_depth` is left as it is."""
    deep: list[HtmlElement] = []
    depth = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth and isinstance(element.tag, str) and element.tag not in KEEP:
                deep.append(element)
        else:
            depth -= 1
    for element in deep:
        if element.tag in BLOCKS:
            element.append(element.makeelement("br", {}))
        if element.getparent() is None:
            continue
        element.drop_tag()
    return len(deep)
