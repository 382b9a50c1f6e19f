"""Where the test data lives: tests/data, inside the repository (PROVENANCE.md there says where
each file came from). Every test, fixture and benchmark takes its paths from here.

- ``PAGES``: saved pages of real portals, byte for byte (``CORPUS / "pages"``, NNN.html);
- ``GOLD``: hand annotations of the article pages (``CORPUS / "gold"``, NNN.json);
- ``MANIFEST``: each page's origin and sha256 (``CORPUS / "manifest.json"``);
- ``SEED_TEXTS``: the five real 政务公开 report texts the project was created from;
- ``FIDELITY_TEXTS``: texts written for the extraction-fidelity pages (tests/fidelity_pages.py).
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus"
PAGES = CORPUS / "pages"
GOLD = CORPUS / "gold"
MANIFEST = CORPUS / "manifest.json"
SEED_TEXTS = DATA / "seed-texts"
FIDELITY_TEXTS = DATA / "fidelity"
PROVENANCE = DATA / "PROVENANCE.md"
