"""Normalisation: the search and dedup key of a text, with the original kept elsewhere.

OpenCC's t2s conversion runs only where the text is traditional: applied to simplified text
it damages proper nouns (乾安县 -> 干安县).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from opencc import OpenCC

# Characters that exist only in traditional script (their simplified forms differ) and are
# common in government prose. Counting them is a cheap, conversion-free script test.
_TRADITIONAL_ONLY = frozenset(
    "國會時對發經當與們個來這說後動進體現機關開實問題務區門義長見點過還從"
    "產黨員幹報導層議組織設應總統計劃劃樣濟農業縣鄉鎮領導構屬於據據場財稅費"
    "價區歷質風險監環護衛醫療養險職檢驗聯網絡資訊證書電腦術學習貫徹黨團"
    "積極規範聽題們為廣東華東鐵絲壓製麵係範圍讓專項藝傳統戰爭廳辦處"
)
_WS_RE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_BLANK_LINES_RE = re.compile(r"\n{2,}")
TRADITIONAL_SHARE = 0.02  # share of CJK characters that are traditional-only


@dataclass(frozen=True)
class Normalised:
    text_norm: str  # simplified (if needed), NFC, whitespace folded: the search/dedup key
    content_hash: str  # sha256 hex of text_norm
    traditional: bool  # the original was judged traditional and converted
    title_norm: str | None = (
        None  # the title's search key (title_key, simplified), if not the title
    )


def fold_whitespace(text: str) -> str:
    """NFC, runs of spaces (incl. full-width and nbsp) to one space, no blank lines, trimmed lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_WS_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def fold_space(text: str) -> str:
    """One line: every run of white space (ideographic space and nbsp too) one space, trimmed.
    For titles, link texts and table cells; texts keep their lines (fold_whitespace)."""
    return " ".join(text.split())


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK_RE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def title_key(title: str) -> str:
    """A title's search key: spaces collapsed, and removed next to Chinese characters
    ('实施意见 “多证合一”' -> '实施意见“多证合一”'); the displayed title keeps them."""
    return _SPACE_NEAR_CJK_RE.sub("", fold_space(title))


def is_traditional(text: str) -> bool:
    """True when enough of the CJK characters exist only in traditional script."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk == 0:
        return False
    trad = sum(1 for ch in text if ch in _TRADITIONAL_ONLY)
    return trad / cjk >= TRADITIONAL_SHARE and trad >= 3


class Normaliser:
    """Holds the OpenCC converter, built once (it loads dictionaries)."""

    def __init__(self) -> None:
        self._t2s = OpenCC("t2s")

    def to_simplified(self, text: str) -> str:
        return self._t2s.convert(text) if is_traditional(text) else text

    def normalise(self, text: str, title: str | None = None) -> Normalised:
        traditional = is_traditional(text)
        folded = fold_whitespace(text)
        title_norm = title_key(title) if title else None
        if traditional:
            folded = self._t2s.convert(folded)
            title_norm = self._t2s.convert(title_norm) if title_norm else None
        if title_norm == title:
            title_norm = None
        return Normalised(folded, content_hash(folded), traditional, title_norm)

    def normalise_query(self, query: str) -> str:
        """A search query in simplified script: converted when it holds any traditional-only
        character (queries are too short for the share test; simplified ones are left alone)."""
        return self._t2s.convert(query) if any(ch in _TRADITIONAL_ONLY for ch in query) else query


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
