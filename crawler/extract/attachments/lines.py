"""Text as the attachment readers give it: one paragraph or table row per line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.text.normalise import fold_space, fold_whitespace

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold_lines(lines: Iterable[str]) -> str:
    """The lines as one text: control characters dropped, each line's white space folded,
    empty lines dropped (crawler/text/normalise.py's fold_whitespace)."""
    return fold_whitespace(_CONTROL.sub(" ", "\n".join(lines)))


def table_row(cells: list[str]) -> str:
    """A table row as "a | b | c", trailing empty cells dropped."""
    cells = [fold_space(cell) for cell in cells]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and message."""
    message = fold_space(str(exc))
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
