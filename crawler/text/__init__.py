"""Texts as keys: normalise.py (OpenCC t2s only where the text is traditional, whitespace, the
content hash that stores each text once), dedup.py (exact duplicates — which URLs served a text —
and the MinHash sketches that cluster republished copies), and content.py, which makes the
archive's record of a document from what the stages found."""
