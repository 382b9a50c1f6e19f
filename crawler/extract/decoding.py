"""Bytes to text, one way everywhere: the crawler's way.

The spider reads a response's text through Scrapy's TextResponse: a BOM, then the HTTP
charset, then <meta charset>, then detection (ASCII, UTF-8, then charset-normalizer), GBK and
GB2312 read as their GB18030 superset. `zwgk extract` of a saved file and `zwgk reextract` of a
stored capture decode through the same class, so a page without any declared charset reads the
same offline as it did when it was crawled.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.http import TextResponse


def decode_response(response: TextResponse) -> tuple[str, str]:
    """(text, encoding) of a response, as the spider reads it."""
    return response.text, codecs.lookup(response.encoding).name


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding name such as 'utf-8' or 'gb18030') of an HTML body received with
    `content_type` (None: no header), decoded exactly as the crawler decodes a response."""
    from scrapy.http import HtmlResponse

    headers = {"Content-Type": content_type} if content_type else {}
    return decode_response(HtmlResponse(url="file:///page.html", body=body, headers=headers))
