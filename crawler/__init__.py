"""zwgk's crawler: from a seed file to the records the archive stores. One page's path:

    sites/seeds.py         seeds/<id>.toml → SiteConfig (validated)
    crawl/runner.py        one Scrapy process for a batch of sites (crawl/settings.py)
    spiders/portal.py      the section's lists, documents, attachments → PageItem
      discovery/           what a list page lists, per CMS family (TRS, Hanweb, Ucap, 集约化, …)
    crawl/pipelines.py     thin adapters, in order:
      extract/extractor.py   trafilatura + 政务公开 rules → text, metadata, attachment links
      text/normalise.py      OpenCC t2s (only where traditional), whitespace → search/dedup key
      text/dedup.py          exact duplicates, MinHash sketch for near duplicates
    archive/writer.py      one transaction per page (archive/documents.py: versions, tombstones)

Around it: cli/ (the `zwgk` commands), history/ (incremental walks, deletion evidence, diff,
re-extraction, export), extract/attachments/ (PDF, DOCX, XLSX, text), sample_portal/ (the
bundled demo portal and the loopback server the tests use).
"""

__version__ = "0.1.0"
