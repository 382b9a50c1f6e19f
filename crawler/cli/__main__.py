"""`python -m crawler.cli` = `zwgk` (the scheduler starts crawls this way)."""

from crawler.cli import main

main()
