"""Character bigrams: how the search index reads Chinese, which has no spaces between words.

Every character of a text starts one token: itself and the next character (the last character
stands alone). A query of n >= 2 characters is then the bigrams it is made of, and one
character is a prefix of the bigrams that start with it, so queries of any length are answered
from one index (archive/search.py). Tokens are written out separated by spaces for SQLite's
built-in `ascii` tokenizer, which needs no extension: any SQLite reader can query the index.

The ascii tokenizer splits on ASCII characters other than letters and digits, so those are
escaped: `_` and two lower-case hex digits (a newline is `_0a`). ASCII letters are kept, and
the tokenizer folds their case, as LIKE does. `search.search_sql()` builds the same tokens from
a query in SQL; `query_tokens()` here is its Python twin, for tests.
"""

from __future__ import annotations

import operator
import re

TOKENIZE = "ascii tokenchars '_'"  # the FTS5 tokenizer the tokens are written for
_ESCAPES = {c: f"_{c:02x}" for c in range(128) if not chr(c).isalnum()}
_UNIT_RE = re.compile(r"_[0-9a-f]{2}|.", re.S)


def units(text: str) -> list[str]:
    """The text's characters, ASCII punctuation, spaces and controls escaped."""
    return _UNIT_RE.findall(text.translate(_ESCAPES))


def tokens(text: str) -> str:
    """The space-separated bigram tokens of `text`, one per character, as the index stores them."""
    found = units(text)
    return " ".join(map(operator.add, found, [*found[1:], ""]))


def query_tokens(query: str) -> tuple[list[str], bool]:
    """(tokens a match must contain, whether they are prefixes): one prefix for one character,
    else every bigram of the query."""
    found = units(query)
    if len(found) == 1:
        return found, True
    return list(map(operator.add, found, found[1:])), False
