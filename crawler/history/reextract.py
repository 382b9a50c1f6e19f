"""Re-extraction: run the current extractor over stored raw captures, fetching nothing.

For each document, its latest successful capture is decoded and extracted again; a new version
(change "reextract", with the extractor version) is recorded only where the text, a tracked
metadata field or a credit differs from the current version. A page captured as a document whose
text could not be read then (an image-only 图解 page before zwgk-extract/3) becomes a document
when the current extractor reads it. Nothing is fetched: body images of such a page are
downloaded by the next crawl that fetches it.
"""

from __future__ import annotations

from collections import Counter

from archive.read import Archive
from archive.writer import ArchiveWriter
from crawler import __version__
from crawler.exceptions import ExtractionError
from crawler.extract.decoding import decode_html
from crawler.extract.extractor import Extractor
from crawler.text import dedup
from crawler.text.dedup import document_content
from crawler.text.normalise import Normaliser


def reextract(db_path: str, site_id: str | None = None) -> Counter:
    """Re-read every document's latest capture; returns counts by outcome (and per-site runs)."""
    extractor, normaliser = Extractor(), Normaliser()
    counts: Counter = Counter()
    writer = ArchiveWriter(db_path)
    runs: dict[str, int] = {}
    try:
        with Archive(db_path) as arc:
            captures = arc.latest_document_captures(site_id)
            captures += arc.unarchived_document_captures(site_id)
            for row in captures:
                body = arc.raw_body(row["fetch_id"]) or b""
                html, _ = decode_html(body, row["content_type"])
                try:
                    extracted = extractor.extract(html, row["url"])
                except ExtractionError:
                    counts["failed"] += 1
                    continue
                normalised = normaliser.normalise(extracted.text, extracted.title)
                if not normalised.text_norm:
                    counts["failed"] += 1
                    continue
                if row["site_id"] not in runs:
                    runs[row["site_id"]] = writer.start_run(
                        row["site_id"], "reextract", __version__, False
                    )
                doc = document_content(
                    row["url"], extracted, normalised, dedup.sketch(normalised.text_norm)
                )
                counts[writer.record_reextraction(runs[row["site_id"]], row["fetch_id"], doc)] += 1
        for run_id in runs.values():
            writer.finish_run(run_id, "finished", "reextracted")
    finally:
        writer.close()
    return counts
