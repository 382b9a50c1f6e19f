"""The nightly run of the whole fleet on one machine (scheduler.py drives it).

    batches.py   which sites are due, grouped by host, packed into batches sized by a memory budget
    run.py       batches as `zwgk crawl` subprocesses, a few at a time; stop, time limits, summary
    dispatch.py  or, with `zwgk schedule --redis`, the night's sites queued for the fleet's workers

A batch is one Scrapy process crawling many sites concurrently (crawler/crawl/runner.py, a
rolling window of ZWGK_SITES_AT_ONCE), so a crash loses one batch, not the night; each site keeps
its own time budget inside it (ZWGK_SITE_TIME_LIMIT); every site of a host is in one batch,
where one HostGate keeps the host's requests in one polite stream (crawler/crawl/hostgate.py).
"""
