"""Deduplication keys of a normalised text: exact (which URLs already served this text) and near
(a MinHash sketch by which the archive clusters republished copies).

Exact: the archive stores texts keyed by the hash of their normalised form, so storage is
deduplicated by construction; `ExactDeduper` answers "which other URLs already served this
text?" so a crawl can report republished documents.

Near: near-duplicate signatures: MinHash over character shingles, with LSH band keys.

A text is signed in its archive form (`texts.text_norm`: simplified, NFC, whitespace folded),
further folded here: NFKC (full-width letters and digits to ASCII), case-folded, and every
character that is not a letter or a digit removed, so punctuation width, spacing and line
breaks never count. Chinese has no spaces, so the set is of character K-shingles, not words.
The archive side (archive/clusters.py) stores the signature and band keys and assigns clusters.

Choices, measured on the labelled set of tests/test_neardup.py (7 reports from the seed texts,
8 republished copies of each with realistic edits; 5,114 folded characters on average) with
`python benchmarks/dedup.py --compare` on 2 cores (Python 3.11, 128 permutations, k=5):

    per signature (shingle + MinHash)                          median     p95
    rensa 0.5.0 RMinHash                                        0.74 ms   1.02 ms
    rensa 0.5.0 CMinHash                                        1.60 ms   3.24 ms
    datasketch 2.0.0 MinHash (update_batch, sha1 hash)          5.77 ms  12.68 ms
    numpy (own: rolling shingle hash, multiply-shift hashing)   4.47 ms   6.26 ms

    estimate - exact Jaccard, each copy against its original, 56 pairs x 20 seeds
    rensa RMinHash   RMSE 0.0123  bias +0.0005  max 0.081  copies estimated < 0.8:  0/1120
    rensa CMinHash   RMSE 0.0127  bias -0.0008  max 0.070  copies estimated < 0.8:  4/1120
    datasketch       RMSE 0.0128  bias -0.0006  max 0.086  copies estimated < 0.8: 10/1120
    numpy (own)      RMSE 0.0124  bias -0.0005  max 0.065  copies estimated < 0.8:  5/1120

The estimates are equally good (the spread is MinHash's own, sqrt(J(1-J)/128)); rensa's
RMinHash is 8x faster than datasketch and 6x faster than a numpy version, so it is used.
Its digests are deterministic across processes and restarts (fixed seed; token hashing does
not use Python's randomised `hash`), but they depend on rensa's algorithm version (0.5.0
changed it): `SCHEME` names it, and the archive refuses signatures of another scheme. With
100,000 texts in the archive a new document costs 1.0 ms median, 2.3 ms p95 (signature 0.7,
band lookup + verify + insert 0.3) and the near-duplicate tables add 1.2 kB per signed text
(benchmarks/dedup.py).

- K = 5: exact Jaccard between the 7 different reports is at most 0.057 at k=3, 0.031 at k=4,
  0.017 at k=5, 0.013 at k=6, while the edited copies lose almost nothing (lowest copy 0.843 at
  k=3, 0.836 at k=5); the gap stops widening after 5.
- NUM_PERM = 128: 512 bytes a signature; the estimate's standard error at J=0.8 is 0.035.
- BANDS x ROWS = 20 x 6 (120 of the 128 values): a pair becomes a candidate with probability
  0.92 at J=0.7, 0.998 at J=0.8, 1.0 at 0.85, and only 0.27 at J=0.5 and 0.015 at J=0.3. A pair
  whose signatures agree on at least 80% of values is missed with probability about 1e-4
  (simulated), so the verify step (estimated Jaccard >= threshold) decides, not the bands.
  The bands suit thresholds from about 0.75 up; below that recall falls (0.92 at 0.7).
- THRESHOLD = 0.8 (setting ZWGK_NEARDUP_THRESHOLD): the lowest edited copy is 0.836 exact,
  the highest pair of different reports 0.017.
- MIN_CHARS = 200 folded characters (about two lines of a portal page): shorter texts are
  never signed, so a one-line notice never clusters. Under K characters the shingle set is
  empty and every such text would get the same signature; above that, a short notice is mostly
  template: two notices differing only in the month and a name have Jaccard 0.69 at 77
  characters, 0.79 at 117, 0.84 at 157, so any lower bound under ~150 lets them cluster by
  chance. Longer template documents differing in a date (0.87 at 200, 0.95 at 500) are
  near-duplicates by this measure and do cluster; their recorded similarity shows it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rensa import RMinHash

from archive.clusters import pack
from archive.clusters import similarity as estimated_jaccard
from archive.records import CREDIT_PREFIX, DocumentContent
from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted
from crawler.text.normalise import Normalised

__all__ = [
    "ExactDeduper",
    "Sketch",
    "band_keys",
    "estimated_jaccard",
    "letters_and_digits",
    "pack",
    "shingles",
    "signature",
    "sketch",
]

K = 5
NUM_PERM = 128
SEED = 1  # fixed: signatures must match across processes and restarts
BANDS, ROWS = 20, 6
THRESHOLD = 0.8
MIN_CHARS = 200
SCHEME = f"rensa-rminhash-v{RMinHash.ALGORITHM_VERSION}/k{K}/p{NUM_PERM}/s{SEED}/b{BANDS}x{ROWS}"

_NOT_ALNUM_RE = re.compile(r"[\W_]+")  # str patterns: \w is Unicode letters and digits


@dataclass(frozen=True)
class Sketch:
    """What the archive stores for a text: the packed signature and its LSH band keys."""

    signature: bytes  # NUM_PERM little-endian uint32
    band_keys: tuple[int, ...]  # BANDS signed 64-bit keys, band i at position i


def letters_and_digits(text_norm: str) -> str:
    """Letters and digits only: NFKC, case-folded, punctuation and whitespace removed."""
    return _NOT_ALNUM_RE.sub("", unicodedata.normalize("NFKC", text_norm).casefold())


def shingles(folded: str, k: int = K) -> set[str]:
    """The set of character k-shingles of a folded text (empty when shorter than k)."""
    return {folded[i : i + k] for i in range(len(folded) - k + 1)}


def signature(text_norm: str) -> list[int] | None:
    """MinHash of the text's shingles (NUM_PERM uint32 values), or None for a short text."""
    folded = letters_and_digits(text_norm)
    if len(folded) < MIN_CHARS:
        return None
    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update([folded[i : i + K] for i in range(len(folded) - K + 1)])
    return minhash.digest()


def band_keys(sig: Sequence[int], bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One key per band: a 64-bit BLAKE2b of the band's `rows` values, as a signed integer."""
    packed = pack(sig)
    width = 4 * rows
    return [
        int.from_bytes(
            hashlib.blake2b(packed[b * width : (b + 1) * width], digest_size=8).digest(),
            "little",
            signed=True,
        )
        for b in range(bands)
    ]


def sketch(text_norm: str) -> Sketch | None:
    """Signature and band keys of a normalised text, or None when it is too short to cluster."""
    sig = signature(text_norm)
    if sig is None:
        return None
    return Sketch(pack(sig), tuple(band_keys(sig)))


class ExactDeduper:
    """Looks up a content hash among texts already archived, and among this run's."""

    def __init__(self, lookup: Callable[[str], list[str]]) -> None:
        self._lookup = lookup  # content hash -> URLs already archived with that text
        self._seen: dict[str, list[str]] = {}

    def other_urls(self, content_hash: str, url: str) -> tuple[str, ...]:
        urls = self._seen.get(content_hash)
        if urls is None:
            urls = self._seen[content_hash] = list(self._lookup(content_hash))
        others = tuple(u for u in urls if u != url)
        if url not in urls:
            urls.append(url)
        return others


# ---------------------------------------------------------------- the dedup stage's output


def document_content(
    url: str, ex: Extracted, norm: Normalised, sketch: Sketch | None
) -> DocumentContent:
    """The archive's plain record of a document (archive/records.py) from what the stages made
    of the page: extraction, normalisation and this stage's near-duplicate sketch."""
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
