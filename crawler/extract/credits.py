"""Editorial credits (责任编辑, 编辑, 校对, 审核, 作者, …): moved out of the text into metadata.

A credit is a label and a name-like value ("审核：赵建国", "（作者：县农业农村局 王文静）"). Credits are
taken where pages print them: on the short lines before the first paragraph of the body and after
its last one (and at the end of that last paragraph), never from the middle of a document, where
a line such as "作者：…" belongs to what the document says. A credit sharing a line with the 落款
("方城县农业农村局 2024年3月15日 审核：赵建国") is cut off; the issuing body and date stay in the text.
Plain functions over lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# the labels, longest first where one contains another (责任编辑 before 编辑)
CREDIT_LABELS: tuple[str, ...] = (
    "责任编辑",
    "责编",
    "编辑",
    "校对",
    "审核",
    "初审",
    "复审",
    "终审",
    "审签",
    "审稿",
    "作者",
    "撰稿",
    "撰文",
    "摄影",
)
LONG_LINE_CHARS = 60  # a line this long is a paragraph of the body, not a credit or a 落款
MAX_TOKEN_CHARS = 16
MAX_VALUE_CHARS = 30

_LABEL = "|".join(r"\s*".join(map(re.escape, label)) for label in CREDIT_LABELS)
_TOKEN = rf"[^\s:：()（）\[\]【】|｜;；。，,！？!?]{{1,{MAX_TOKEN_CHARS}}}"
_VALUE = rf"{_TOKEN}(?:[ \u3000](?!\s*(?:{_LABEL})\s*[:：]){_TOKEN}){{0,2}}"
_PAIR = rf"(?P<label>{_LABEL})\s*[:：]\s*(?P<value>{_VALUE})"
_PAIR_RE = re.compile(_PAIR)
_BARE_PAIR = _PAIR.replace("?P<label>", "?:").replace("?P<value>", "?:")
_GROUP = rf"(?:[（(【\[]\s*{_BARE_PAIR}(?:[\s,，;；、|｜/]*{_BARE_PAIR})*\s*[）)】\]]|{_BARE_PAIR})"
_TAIL_RE = re.compile(rf"{_GROUP}(?:[\s,，;；、|｜/]*{_GROUP})*\s*")
_LABEL_START_RE = re.compile(rf"(?:[（(【\[]\s*)?(?:{_LABEL})\s*[:：]")
_SENTENCE_END = "。！？!?）)」”；;"


def label_key(label: str) -> str:
    return re.sub(r"\s+", "", label)


def split_credit_tail(line: str, after_sentence: bool = False) -> tuple[str, dict[str, str]]:
    """(the line without its trailing credits, the credits). With ``after_sentence`` (the end of
    a paragraph) unbracketed credits must follow the end of a sentence or a space."""
    for match in _LABEL_START_RE.finditer(line):
        start = match.start()
        before = line[:start].rstrip()
        bracketed = line[start] in "（(【["
        glued = bool(before) and start == len(before) and before[-1] not in _SENTENCE_END
        if after_sentence and not bracketed and glued:  # "…落到实处编辑：" is prose
            continue
        if not _TAIL_RE.fullmatch(line, start):
            continue
        found: dict[str, str] = {}
        for pair in _PAIR_RE.finditer(line, start):
            add(found, label_key(pair["label"]), pair["value"])
        if found:
            return before, found
    return line, {}


def add(credits: dict[str, str], label: str, value: str) -> None:
    """Record a credit; a label seen again with another value keeps both ("张三；李四")."""
    value = " ".join(value.split())
    if not value or len(value) > MAX_VALUE_CHARS:
        return
    if label not in credits:
        credits[label] = value
    elif value not in credits[label].split("；"):
        credits[label] += "；" + value


def take_credits(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """The body lines without the credits at their edges, and the credits (label -> value)."""
    long_lines = [i for i, line in enumerate(lines) if len(line) > LONG_LINE_CHARS]
    first = long_lines[0] if long_lines else len(lines)
    last = long_lines[-1] if long_lines else -1
    credits: dict[str, str] = {}
    kept: list[str] = []
    for i, line in enumerate(lines):
        if first <= i < last:  # between the first and the last paragraph: what the text says
            kept.append(line)
            continue
        rest, found = split_credit_tail(line, after_sentence=i == last)
        for label, value in found.items():
            add(credits, label, value)
        if rest:
            kept.append(rest)
    return kept, credits


def credits_in_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """The credits among the label/value pairs read around the body (a 责任编辑 line under it)."""
    found: dict[str, str] = {}
    for label, value in labels.items():
        if label in CREDIT_LABELS and re.fullmatch(_VALUE, value.strip()):
            add(found, label, value)
    return found


def merge(*sources: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for source in sources:
        items = source.items() if isinstance(source, Mapping) else source
        for label, value in items:
            for part in value.split("；"):
                add(merged, label, part)
    return merged
