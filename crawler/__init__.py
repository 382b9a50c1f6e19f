"""zwgk crawler: seeds, spiders' plumbing, extraction and normalisation."""

__version__ = "0.1.0"
