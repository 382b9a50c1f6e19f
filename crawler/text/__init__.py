"""Texts as keys: normalise.py (OpenCC t2s only where the text is traditional, whitespace, the
content hash that stores each text once) and dedup.py (exact duplicates — which URLs served a
text — the MinHash sketches that cluster republished copies, and `document_content`, the
archive's record of a document made from what the stages found)."""
