"""tests/data is complete and is what tests/data/PROVENANCE.md says it is.

Every corpus page is in manifest.json and in the provenance table with its repository, path,
commit and sha256, and its bytes still hash to that sha256; every gold file annotates a page the
manifest marks as gold and lists paragraphs; every seed text and every fidelity text is listed
with its sha256.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from testdata import FIDELITY_TEXTS, GOLD, MANIFEST, PAGES, PROVENANCE, SEED_TEXTS

ENTRIES = {entry["file"]: entry for entry in json.loads(MANIFEST.read_text(encoding="utf-8"))}
PAGE_FILES = sorted(PAGES.glob("*.html"))
SEED_FILES = sorted(SEED_TEXTS.glob("*.txt"))
TEXT_FILES = SEED_FILES + sorted(FIDELITY_TEXTS.glob("*.txt"))
# parametrizing over an empty list would collect no case and pass: fail at collection instead
assert PAGE_FILES, f"no corpus pages in {PAGES}"
assert SEED_FILES, f"no seed texts in {SEED_TEXTS}"
assert TEXT_FILES != SEED_FILES, f"no fidelity texts in {FIDELITY_TEXTS}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def provenance_rows() -> dict[str, list[str]]:
    """The rows of PROVENANCE.md's tables by their first cell, backticks dropped."""
    rows = {}
    for line in PROVENANCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith(("| file ", "| ---")):
            cells = [cell.strip().strip("`") for cell in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def test_pages_and_manifest_list_the_same_files():
    assert {page.name for page in PAGE_FILES} == set(ENTRIES)


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda page: page.stem)
def test_page_matches_its_manifest_sha256(page):
    entry = ENTRIES[page.name]
    assert entry.get("sha256"), f"{page.name}: the manifest gives no sha256"
    assert sha256(page.read_bytes()) == entry["sha256"], f"{page.name} differs from its manifest"


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda page: page.stem)
def test_page_has_its_origin_in_provenance(page):
    entry = ENTRIES[page.name]
    row = provenance_rows().get(page.name)
    assert row is not None, f"{page.name} is not in {PROVENANCE.name}"
    assert row[1:4] == [entry["repo"], entry["path"], entry["commit"]]
    assert row[-1] == entry["sha256"]


def test_provenance_lists_no_page_that_is_missing():
    listed = {name for name in provenance_rows() if name.endswith(".html")}
    assert listed == {page.name for page in PAGE_FILES}


def test_gold_files_annotate_the_pages_marked_gold():
    gold = {path.stem + ".html" for path in GOLD.glob("*.json")}
    assert gold, f"no gold files in {GOLD}"
    assert gold == {name for name, entry in ENTRIES.items() if entry.get("gold")}


def test_gold_files_list_the_main_content_paragraphs():
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = gold.get("paragraphs")
        assert paragraphs and all(isinstance(p, str) and p.strip() for p in paragraphs), path.name
        assert gold["body_first"] in paragraphs[0], f"{path.name}: not from body_first on"


def test_texts_match_their_provenance_sha256():
    rows = provenance_rows()
    for path in TEXT_FILES:
        row = rows.get(path.name)
        assert row is not None, f"{path.name} is not in {PROVENANCE.name}"
        assert row[-1] == sha256(path.read_bytes()), f"{path.name} differs from {PROVENANCE.name}"
    assert {name for name in rows if name.endswith(".txt")} == {path.name for path in TEXT_FILES}
