"""The images of a document's body: what a 图解 (infographic) page publishes instead of text.

Plain functions over the body element: the images worth keeping (not icons, not QR codes, not
tracking pixels), each with the name a reader is given (alt, title or the caption under it), and
the text an image-only body has (its captions and alt texts) when it has no other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.text.normalise import fold_space

# where lazy-loading templates keep the real address
SRC_ATTRIBUTES = ("data-original", "data-src", "data-lazy-src", "src")
MIN_SIDE_PX = 48  # a declared width or height below this is an icon (附件 icons, bullets)
MAX_IMAGES = 50  # per document
_NOT_CONTENT_RE = re.compile(
    r"(?:^|[/_.-])(?:icon|ico|ewm|erweima|qrcode|qr|spacer|blank|pixel|loading|dot|line|arrow|"
    r"bullet|share|print|close|zoom)(?:$|[/_.\d-])",
    re.IGNORECASE,
)
_NAME_LIKE_FILE_RE = re.compile(r"^[\w.-]+\.(?:jpe?g|png|gif|bmp|webp)$", re.IGNORECASE)
_GENERIC_NAMES = frozenset({"图片", "图", "image", "img", "picture", "photo", "pic"})


@dataclass(frozen=True)
class BodyImage:
    url: str  # absolute URL
    name: str  # alt, title or caption ("" when the page gives none)


def _side(value: str | None) -> int | None:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match[1]) if match else None


def _is_content(img: HtmlElement, src: str) -> bool:
    sides = [_side(img.get("width")), _side(img.get("height"))]
    if any(side is not None and side < MIN_SIDE_PX for side in sides):
        return False
    path = unquote(urlsplit(src).path)
    return not _NOT_CONTENT_RE.search(path.rsplit("/", 1)[-1])


def image_name(img: HtmlElement) -> str:
    """What the page calls an image: alt, else title, else a <figcaption> of its <figure>."""
    for attribute in ("alt", "title"):
        name = fold_space(img.get(attribute) or "")
        if name and name.lower() not in _GENERIC_NAMES and not _NAME_LIKE_FILE_RE.match(name):
            return name
    figure = next(img.iterancestors("figure"), None)
    caption = figure.find(".//figcaption") if figure is not None else None
    return fold_space(caption.text_content()) if caption is not None else ""


def body_images(root: HtmlElement, base: str) -> tuple[BodyImage, ...]:
    """The content images under ``root`` in page order, one per address."""
    found: dict[str, BodyImage] = {}
    for img in root.iter("img"):
        src = next((img.get(a).strip() for a in SRC_ATTRIBUTES if (img.get(a) or "").strip()), "")
        if not src or src.startswith(("data:", "javascript:")) or not _is_content(img, src):
            continue
        url = urljoin(base, src)
        if urlsplit(url).scheme in ("http", "https"):
            found.setdefault(url, BodyImage(url, image_name(img)))
        if len(found) >= MAX_IMAGES:
            break
    return tuple(found.values())


def image_lines(images: tuple[BodyImage, ...]) -> list[str]:
    """The text of an image-only body: the images' names, once each, in page order."""
    return list(dict.fromkeys(image.name for image in images if image.name))
