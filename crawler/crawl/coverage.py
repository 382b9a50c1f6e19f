"""What a crawl could see of each column: the spider's tally, written at the end of the run
(archive/coverage.py counts the items listed and archived, and words the flags)."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.records import ColumnCoverage


@dataclass
class Tally:
    pages: int = 0
    rendered: int = 0
    announced: int | None = None
    render_needed: str | None = None  # a list page that needed a browser that did not run
    failed: int = 0
    subcolumns: set[str] = field(default_factory=set)


class Coverage:
    """Per column (keyed by its first list page's URL) of one run."""

    def __init__(self) -> None:
        self.columns: dict[str, Tally] = {}

    def of(self, column_url: str) -> Tally:
        return self.columns.setdefault(column_url, Tally())

    def page(
        self, column_url: str, records: int | None = None, rendered: bool = False, subs=()
    ) -> None:
        """A list page (or API answer) of the column was read."""
        tally = self.of(column_url)
        tally.pages += 1
        tally.rendered += int(rendered)
        if records is not None:
            tally.announced = max(tally.announced or 0, records)
        tally.subcolumns.update(subs)
        if rendered:
            tally.render_needed = None

    def unrendered(self, column_url: str, reason: str) -> None:
        """A list page whose items scripts draw, and no browser ran for it."""
        self.of(column_url).render_needed = reason

    def failed(self, column_url: str) -> None:
        self.of(column_url).failed += 1

    def records(self) -> list[ColumnCoverage]:
        return [
            ColumnCoverage(
                url=url,
                pages=t.pages,
                rendered=t.rendered,
                announced=t.announced,
                render_needed=t.render_needed,
                failed=t.failed,
                subcolumns=len(t.subcolumns),
            )
            for url, t in self.columns.items()
        ]
