"""The 政务公开 cleaning rules, all in one place.

Two kinds of rule: elements removed from the parsed page before the body is read (by tag, by
class/id, by what their text says), and lines of chrome dropped from the body text afterwards
(footer lines with 备案号 / 网站标识码 / 主办, breadcrumbs, print/close widgets, visit counters) —
by position: only at the body's edges, never from inside the document because of a word.
Bump EXTRACTOR_VERSION in crawler/extract/extractor.py when a rule changes.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

# never part of a document's visible text
JUNK_TAGS: tuple[str, ...] = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "canvas",
    "input",
    "select",
    "button",
    "textarea",
    "link",
    "map",
)
# page furniture around the document
FURNITURE_TAGS: tuple[str, ...] = ("nav", "header", "footer", "aside", "menu")

# class or id tokens of page furniture. A token matches when one of these words is the whole
# token or a part of it separated by - or _ ("xxgk-crumb", "footer_txt", "article-share").
_FURNITURE_WORDS = (
    "header",
    "head",
    "top",
    "topbar",
    "toolbar",
    "footer",
    "foot",
    "bottom",
    "copyright",
    "nav",
    "navbar",
    "menu",
    "submenu",
    "crumb",
    "breadcrumb",
    "breadcrumbnav",
    "position",
    "location",
    "currentloc",
    "dqwz",
    "share",
    "bdsharebuttonbox",
    "print",
    "printer",
    "fontsize",
    "zoom-tools",
    "qrcode",
    "ewm",
    "erweima",
    "related",
    "relate",
    "relcontent",
    "reldocuments",
    "relalinks",
    "xglj",
    "xgwz",
    "xgwj",
    "prev",
    "next",
    "prevnext",
    "sxp",
    "pagination",
    "sidebar",
    "aria",
    "ariatiptext",
    "barrier",
    "wza",
    "search",
    "alert",
    "login",
    "quick",
    "links",
    "yqlj",
    "weather",
)
_FURNITURE_RE = re.compile(
    r"(?:^|[-_])(?:" + "|".join(map(re.escape, _FURNITURE_WORDS)) + r")(?:$|[-_\d])",
    re.IGNORECASE,
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_RELATED_HEADINGS = r"(?:相关链接|相关稿件|相关文章|相关新闻|关联稿件|相关阅读|相关文件|相关信息)"
# the whole (short) text of an element that is page furniture
_FURNITURE_TEXT_RE = re.compile(
    r"^\s*(?:"
    r"(?:您|你)?(?:当前|现在)?(?:的)?(?:所在)?(?:位置|所在位置)\s*[:：].*"
    r"|首页\s*(?:>|＞|》|»|→|/)+.*"
    r"|(?:[^>＞»\n]{1,20}(?:>|＞|»)+\s*){2,}[^>＞»\n]{0,30}"
    r"|扫一扫.{0,12}(?:手机|移动端).{0,12}"
    r"|[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏|加入收藏)\s*[】\]]?"
    r"(?:\s*[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏|加入收藏)\s*[】\]]?)*"
    r"|字号\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小.*"
    r"|(?:上一篇|下一篇|上一条|下一条)\s*[:：].*"
    r"|" + _RELATED_HEADINGS + r"\s*[:：]?"
    r")\s*$",
    re.DOTALL,
)
_RELATED_HEADING_RE = re.compile(r"^\s*" + _RELATED_HEADINGS + r"\s*[:：]?\s*$")
# what a list of links may hold besides the links: bullets, separators, dates
_LINK_LIST_NOISE_RE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|[\W_]", re.UNICODE
)
LINK_LIST_LOOSE_CHARS = 12  # text outside the links a related-links block may hold
LINK_LIST_LEVELS = 4  # how far above its heading a related-links block may start
FURNITURE_TEXT_MAX = 300
# a text run this long is prose: an element holding one is not removed for its class or id
PROSE_MIN_CHARS = 120
# lines longer than this are body prose even when they mention 版权所有 or 备案号
BOILERPLATE_LINE_MAX = 160

# Lines of page chrome that reach the body text. They are dropped only at the body's edges (the
# header lines before the document, the footer after it), never from inside it: a notice that
# quotes a 网站标识码 or a guide that lists the office's 联系电话 keeps its lines.
_WIDGET_LINE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"扫一扫.{0,12}(?:手机|移动端)",
        r"^\s*(?:浏览次数|浏览量|访问量|访问次数|阅读次数|点击数|点击量|点击率)\s*[:：]",
        r"(?:浏览次数|访问量|点击数|阅读次数)\s*[:：]\s*\d*\s*$",
        r"^\s*(?:您|你)?(?:当前|现在)?(?:的)?(?:所在)?(?:位置|所在位置)\s*[:：]",
        r"^\s*首页\s*(?:>|＞|》|»|→)",
        r"^\s*(?:[^>＞»]{1,20}(?:>|＞|»)+\s*){2,}[^>＞»]{0,30}$",
        r"^\s*[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部)\s*[】\]]?\s*"
        r"(?:[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|收藏)\s*[】\]]?\s*)*$",
        r"^\s*字号\s*[:：]?\s*[【\[]?\s*大",
        r"^\s*(?:上一篇|下一篇|上一条|下一条)\s*[:：]",
        r"^\s*(?:网站地图|联系我们|网站声明|隐私声明|关于我们)(?:\s*[|｜丨]\s*\S+)*\s*$",
        r"^\s*分享到\s*[:：]?",
        r"最佳浏览效果|分辨率.{0,20}浏览器",
        r"您访问的链接即将离开",
        r"Produced By|大汉版通",
    )
)
# the site's identity in its footer: chrome after the document, unless the line is a sentence
_FOOTER_LINE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"ICP\s*备|ICP\s*证|公网安备|公安备案|备案号|备案序号",
        r"(?:政府)?网站标识码|网站识别码",
        r"^\s*(?:主办单位|主办|承办单位|承办|协办|技术支持|运行维护单位|运维单位|维护单位)\s*[:：]",
        r"版权所有|Copyright|©",
        r"中文域名\s*[:：]",
    )
)
# contact lines: a footer's when they sit with its identity lines, a document's otherwise
_CONTACT_LINE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"^[^。；]{0,40}地址\s*[:：][^。；]{0,60}(?:邮编|电话|邮政编码)\s*[:：][^。；]*$",
        r"^\s*(?:邮编|邮政编码)\s*[:：]\s*\d{6}",
        r"^\s*(?:联系|值班|举报|咨询|服务|监督)?电话\s*[:：][\d\s()（）+-]{7,}",
    )
)
_PROSE_RE = re.compile(r"[。，；！？]")


def _is_furniture_attr(value: str | None) -> bool:
    return bool(value) and any(_FURNITURE_RE.search(token) for token in value.split())


def drop_junk(tree: HtmlElement) -> None:
    """Remove what is never visible text: scripts, styles, frames, form controls, hidden elements,
    custom elements injected by browser extensions, comments."""
    etree.strip_elements(
        tree, etree.Comment, etree.ProcessingInstruction, *JUNK_TAGS, with_tail=False
    )
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if (
            "-" in el.tag  # <deepl-input-controller>, other extension-injected custom elements
            or el.get("hidden") is not None
            or el.get("aria-hidden") == "true"
            or _HIDDEN_STYLE_RE.search(el.get("style") or "")
        ):
            remove(el)


def drop_furniture(tree: HtmlElement, keep: HtmlElement | None = None) -> None:
    """Remove nav, header, footer, breadcrumbs, share and print bars, related links, prev/next.

    ``keep`` (the body container, when known) and its ancestors are never removed.
    """
    protected: set[HtmlElement] = set()
    if keep is not None:
        protected = {keep, *keep.iterancestors()}
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el in protected:
            continue
        if keep is not None and _inside(el, keep):
            # inside the body only unmistakable widgets go
            if _is_furniture_text(el):
                remove(_related_block(el, protected))
            continue
        if _is_furniture_text(el):
            remove(_related_block(el, protected))
        elif (
            el.tag in FURNITURE_TAGS
            or _is_furniture_attr(el.get("class"))
            or _is_furniture_attr(el.get("id"))
        ) and not _holds_prose(el):
            remove(el)


def _related_block(el: HtmlElement, protected: set[HtmlElement]) -> HtmlElement:
    """For a 相关链接 heading, the largest element around it holding nothing but the heading and
    links (with bullets and dates): a related-links list without class hints, e.g. a <table>
    whose first row says 相关链接. Any other element is returned as it is."""
    if not _RELATED_HEADING_RE.match(el.text_content()):
        return el
    block = el
    for level, ancestor in enumerate(el.iterancestors()):
        if level >= LINK_LIST_LEVELS or ancestor in protected or ancestor.tag in ("body", "html"):
            break
        loose = _LINK_LIST_NOISE_RE.sub("", "".join(_text_outside_links(ancestor, el)))
        if len(loose) > LINK_LIST_LOOSE_CHARS:
            break
        block = ancestor
    return block


def _text_outside_links(el: HtmlElement, skip: HtmlElement) -> list[str]:
    if el is skip or el.tag == "a" or not isinstance(el.tag, str):
        return []
    parts = [el.text or ""]
    for child in el:
        parts.extend(_text_outside_links(child, skip))
        parts.append(child.tail or "")
    return parts


def _holds_prose(el: HtmlElement) -> bool:
    """True when ``el`` holds a run of plain text long enough to be body prose, not furniture
    (a page wrapper that happens to carry a furniture class)."""
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        texts = [node.text] if node.tag != "a" else []
        if node is not el:
            texts.append(node.tail)
        if any(text and len(text.strip()) >= PROSE_MIN_CHARS for text in texts):
            return True
    return False


def _inside(el: HtmlElement, container: HtmlElement) -> bool:
    return any(ancestor is container for ancestor in el.iterancestors())


def _is_furniture_text(el: HtmlElement) -> bool:
    if el.tag in ("body", "html"):
        return False
    text = el.text_content()
    return len(text) <= FURNITURE_TEXT_MAX and bool(_FURNITURE_TEXT_RE.match(text))


def remove(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _matches(line: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    return len(line) <= BOILERPLATE_LINE_MAX and any(p.search(line) for p in patterns)


def line_kind(line: str) -> str | None:
    """What a line of page chrome is: "widget" (print/close bar, breadcrumb, counter, QR code),
    "footer" (备案号, 网站标识码, 主办, 版权) or "contact" (地址, 邮编, 电话); None for anything
    else, including any sentence that merely mentions one of those words."""
    if _matches(line, _WIDGET_LINE_RES):
        return "widget"
    if _PROSE_RE.search(line):
        return None
    if _matches(line, _FOOTER_LINE_RES):
        return "footer"
    if _matches(line, _CONTACT_LINE_RES):
        return "contact"
    return None


def is_chrome_line(line: str) -> bool:
    """True for a line that would be page chrome at the edge of a body."""
    return line_kind(line) is not None


def trim_chrome(lines: list[str]) -> list[str]:
    """The body lines without the page chrome at their edges: widget lines before the document;
    after it, the run of chrome lines from its first widget or footer line on (contact lines
    just before that run, with no footer line of their own, are the document's: a guide that
    ends with the office's address)."""
    start = 0
    while start < len(lines) and line_kind(lines[start]) == "widget":
        start += 1
    end = len(lines)
    block = end
    while block > start and line_kind(lines[block - 1]) is not None:
        block -= 1
    for i in range(block, end):
        if line_kind(lines[i]) != "contact":
            end = i
            break
    return lines[start:end]
