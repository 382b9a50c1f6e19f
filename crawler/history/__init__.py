"""History: walk.py (what an incremental or full walk must fetch, given the archive), deletion.py
(evidence that a known document is gone), diff.py (what changed between versions), reextract.py
(re-reading stored captures with the current extractor) and export.py (WARC, JSON Lines, CSV).
The document state machine itself is the archive's (archive/documents.py)."""
