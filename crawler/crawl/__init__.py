"""Running crawls with Scrapy: runner.py (a batch of sites in one process), settings.py (the one
settings system), the spider's plumbing (items.py, middlewares.py, progress.py, challenge.py)
and pipelines.py, the thin adapters that pass each page through extract → normalise → dedup →
archive."""
