"""From what the crawler's stages made of a page (extraction, normalisation, the near-duplicate
sketch) to the archive's plain record of a document (archive/records.py)."""

from __future__ import annotations

import dataclasses

from archive.records import CREDIT_PREFIX, DocumentContent
from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted
from crawler.text.dedup import Sketch
from crawler.text.normalise import Normalised


def document_content(
    url: str, ex: Extracted, norm: Normalised, sketch: Sketch | None
) -> DocumentContent:
    return DocumentContent(
        url=url,
        text=ex.text,
        text_norm=norm.text_norm,
        text_hash=norm.content_hash,
        traditional=norm.traditional,
        extractor_version=EXTRACTOR_VERSION,
        title=ex.title,
        publish_date=ex.publish_date,
        publish_date_raw=ex.publish_date_raw,
        publisher=ex.publisher,
        index_no=ex.index_no,
        doc_no=ex.doc_no,
        category=ex.category,
        written_date=ex.written_date,
        validity=ex.validity,
        source=ex.source,
        metadata={
            **ex.metadata_raw,
            **{CREDIT_PREFIX + label: value for label, value in ex.credits.items()},
        },
        attachments=(
            *(dataclasses.asdict(a) for a in ex.attachments),
            *({**dataclasses.asdict(image), "kind": "image"} for image in ex.images),
        ),
        title_norm=norm.title_norm,
        minhash=sketch.signature if sketch else None,
        minhash_bands=tuple(sketch.band_keys) if sketch else (),
    )
