"""The visible 政务公开 metadata of a page: labels such as 索引号 / 发布机构 / 发布日期, and dates.

Label parsing works on plain values: the page already turned into text lines by
crawler/extract/extractor.py (table cells joined with " | "). Only meta_tags reads the parsed
page. The title is crawler/extract/titles.py's, editorial credits crawler/extract/credits.py's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from lxml.html import HtmlElement

from crawler.extract.credits import CREDIT_LABELS

# field -> labels that fill it, best first. A label may appear on the page with spaces between
# its characters ("索 引 号") and with an ASCII or full-width colon.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号",),
    "category": ("主题分类", "信息分类", "组配分类", "分类"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发文机构",
        "发文单位",
        "制发机关",
        "发布单位",
        "公开责任部门",
        "责任部门",
    ),
    "written_date": ("成文日期", "成文时间"),
    "publish_date": (
        "发布日期",
        "发布时间",
        "公开日期",
        "公开时间",
        "生成日期",
        "发文日期",
        "印发日期",
        "公告时间",
        "时间",
        "日期",
    ),
    "doc_no": ("文号", "发文字号", "发文文号"),
    "validity": ("有效性", "时效性", "效力状态"),
    "source": ("来源", "信息来源", "文章来源", "稿件来源", "内容来源"),
}
# Labels recorded in metadata_raw (and ending the value before them) but not mapped to a field.
OTHER_LABELS: tuple[str, ...] = (
    "公开方式",
    "公开时限",
    "公开范围",
    "公开形式",
    "体裁分类",
    "主题词",
    "关键词",
    *CREDIT_LABELS,
    "浏览次数",
    "浏览量",
    "访问量",
    "阅读次数",
    "点击数",
    "点击量",
    "字号",
    "字体",
    "实施日期",
    "废止日期",
    "更新时间",
)
DATE_FIELDS = frozenset({"publish_date", "written_date"})
# <meta name=…> holding the publication date, best first (compared case-insensitively).
META_DATE_NAMES: tuple[str, ...] = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "dc.date.issued",
    "dc.date",
)
META_TITLE_NAMES: tuple[str, ...] = ("articletitle", "og:title")
META_SOURCE_NAMES: tuple[str, ...] = ("contentsource",)

MAX_VALUE_CHARS = 100
MAX_CELL_CHARS = 200
CELL_SEP = " | "

_ALL_LABELS = sorted(
    {label for labels in FIELD_LABELS.values() for label in labels} | set(OTHER_LABELS),
    key=len,
    reverse=True,
)
_LABEL_ALT = "|".join(r"\s*".join(map(re.escape, label)) for label in _ALL_LABELS)
# a label starts a cell or follows white space / a separator, so 资料来源： is not 来源：
_LABEL_RE = re.compile(rf"(?<![^\s|｜【\[])(?P<label>{_LABEL_ALT})\s*[:：]")
_LABEL_ONLY_RE = re.compile(rf"\s*(?P<label>{_LABEL_ALT})\s*[:：]?\s*")
_VALUE_END_RE = re.compile(r"[【〖|｜]")
# a label we do not know ("文章类型：") also ends a value
_UNKNOWN_LABEL_RE = re.compile(r"\s+[^\s\d:：][^\s:：]{1,7}[:：]")

_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
_COMPACT_DATE_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
_LEADING_DATE_RE = re.compile(r"\s*" + _DATE_RE.pattern)
_DATETIME_ONLY_RE = re.compile(_LEADING_DATE_RE.pattern + r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*")


def normalise_date(raw: str | None) -> str | None:
    """The first calendar date in ``raw`` as ISO YYYY-MM-DD, or None.

    >>> normalise_date("发布日期：2023年05月11日")
    '2023-05-11'
    """
    if not raw:
        return None
    for pattern in (_DATE_RE, _COMPACT_DATE_RE):
        for match in pattern.finditer(raw):
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            return day.isoformat()
    return None


def label_key(label: str) -> str:
    """A label as shown, without spaces or colon: '索 引 号：' -> '索引号'."""
    return re.sub(r"[\s:：]+", "", label)


def _split_cells(lines: Iterable[str]) -> list[str]:
    cells: list[str] = []
    for line in lines:
        cells.extend(cell.strip() for cell in line.split(CELL_SEP) if cell.strip())
    return cells


def parse_labels(lines: Iterable[str]) -> dict[str, str]:
    """Every visible 'label：value' found in ``lines``, first occurrence of each label wins.

    Handles a label and its value in one cell ("发布日期：2024-02-27"), several pairs in one line
    ("来源：弼时镇 发布时间：2023-01-17 10:21"), and a label alone in a cell or line with the
    value in the next one (table rows, <dt>/<dd>, <label> + <div>).
    """
    found: dict[str, str] = {}

    def record(label: str, value: str) -> None:
        key = label_key(label)
        unknown_label = _UNKNOWN_LABEL_RE.search(value)
        if unknown_label:
            value = value[: unknown_label.start()]
        value = re.sub(r"\s+", " ", value).strip(" |｜")
        if _is_date_label(key) and not normalise_date(value):
            return
        if key not in found and value and len(value) <= MAX_VALUE_CHARS:
            found[key] = value

    cells = _split_cells(lines)
    skip_next = False
    for i, cell in enumerate(cells):
        if skip_next:
            skip_next = False
            continue
        if len(cell) > MAX_CELL_CHARS:
            continue
        only = _LABEL_ONLY_RE.fullmatch(cell)
        if only:
            nxt = cells[i + 1] if i + 1 < len(cells) else ""
            if (
                nxt
                and not _LABEL_ONLY_RE.fullmatch(nxt)
                and not _LABEL_RE.match(nxt)
                and (_is_date_label(only["label"]) or not _DATETIME_ONLY_RE.fullmatch(nxt))
            ):
                end = _VALUE_END_RE.search(nxt)
                record(only["label"], nxt[: end.start()] if end else nxt)
                skip_next = True
            continue
        matches = list(_LABEL_RE.finditer(cell))
        for j, match in enumerate(matches):
            stop = matches[j + 1].start() if j + 1 < len(matches) else len(cell)
            value = cell[match.end() : stop]
            end = _VALUE_END_RE.search(value)
            record(match["label"], value[: end.start()] if end else value)
    return found


def _is_date_label(label: str) -> bool:
    return label_key(label).endswith(("日期", "时间"))


def is_metadata_line(line: str) -> bool:
    """True for a short line that is only label/value pairs, e.g. '来源：弼时镇 发布时间：…'."""
    if len(line) > MAX_CELL_CHARS:
        return False
    return bool(_LABEL_ONLY_RE.fullmatch(line) or _LABEL_RE.match(line.strip()))


def fields_from_labels(labels: Mapping[str, str]) -> dict[str, str | None]:
    """Map raw labels to the Extracted fields; date fields come back as raw strings."""
    fields: dict[str, str | None] = {}
    for field, names in FIELD_LABELS.items():
        fields[field] = None
        for name in names:
            value = labels.get(name)
            if value and (field not in DATE_FIELDS or normalise_date(value)):
                fields[field] = value
                break
    return fields


def date_after_title(lines: list[str], title: str | None, window: int = 6) -> str | None:
    """A date printed without a label just under the title ('2023-12-01 14:43'), raw."""
    if not title:
        return None
    target = "".join(title.split())
    for i, line in enumerate(lines):
        if "".join(line.split()) != target:
            continue
        for following in lines[i + 1 : i + 1 + window]:
            match = _LEADING_DATE_RE.match(following)
            if match and len(following) <= 80 and normalise_date(match.group(0)):
                time = re.match(r"\s*\d{1,2}:\d{2}(?::\d{2})?", following[match.end() :])
                return (match.group(0) + (time.group(0) if time else "")).strip()
        return None
    return None


def meta_value(meta: Mapping[str, str], names: Iterable[str]) -> tuple[str, str] | None:
    """(name as on the page, value) of the first non-empty meta tag among ``names``."""
    lowered = {name.lower(): (name, value) for name, value in meta.items()}
    for name in names:
        hit = lowered.get(name)
        if hit and hit[1].strip():
            return hit[0], hit[1].strip()
    return None


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """<meta name|property=… content=…> as a dict, first occurrence of each name."""
    tags: dict[str, str] = {}
    for el in tree.iter("meta"):
        name = el.get("name") or el.get("property")
        if name and name not in tags:
            tags[name] = el.get("content") or ""
    return tags
