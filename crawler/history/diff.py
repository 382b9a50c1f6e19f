"""Reading history for people: a readable diff between two versions of a document."""

from __future__ import annotations

import difflib

from archive.documents import TRACKED_FIELDS
from archive.read import Version


def changed_fields(old: Version, new: Version) -> list[tuple[str, str | None, str | None]]:
    """(field, old value, new value) for each tracked metadata field and credit that differs."""
    fields = [
        (f, getattr(old, f), getattr(new, f))
        for f in TRACKED_FIELDS
        if getattr(old, f) != getattr(new, f)
    ]
    before, after = old.credits, new.credits
    for label in dict.fromkeys([*before, *after]):
        if before.get(label) != after.get(label):
            fields.append((f"credits.{label}", before.get(label), after.get(label)))
    return fields


def diff_versions(old: Version, new: Version, context: int = 2) -> str:
    """Metadata changes, then a unified line diff of the text (one paragraph per line)."""
    lines = [f"--- v{old.version_no} {old.created_at}", f"+++ v{new.version_no} {new.created_at}"]
    for name, before, after in changed_fields(old, new):
        lines.append(f"  {name}: {before!r} -> {after!r}")
    text_diff = difflib.unified_diff(
        old.text.splitlines(), new.text.splitlines(), lineterm="", n=context
    )
    body = list(text_diff)[2:]  # drop difflib's own ---/+++ header
    lines += body if body else ["  (text unchanged)"]
    return "\n".join(lines)
