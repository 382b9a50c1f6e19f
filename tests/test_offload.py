"""Extraction in worker processes: the same result as in the crawl process, and a dead worker
loses no page."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from testdata import PAGES

from crawler.crawl.offload import ExtractionPool, extract_page
from crawler.exceptions import ExtractionError
from crawler.extract.decoding import decode_html
from crawler.extract.extractor import Extractor
from crawler.text.normalise import Normaliser

ARTICLES = sorted(PAGES.glob("*.html"))  # articles and lists: a list page is no document


@pytest.fixture(scope="module")
def pool():
    pool = ExtractionPool(1)
    yield pool
    pool.close()


def test_a_worker_extracts_every_article_as_the_crawl_process_does(pool):
    assert len(ARTICLES) >= 15  # the corpus is there
    here = (Extractor(), Normaliser())

    async def both():
        results = []
        for path in ARTICLES:
            html = decode_html(path.read_bytes())[0]
            url = f"http://example.gov.cn/{path.name}"
            try:
                expected = extract_page(html, url, here)
            except ExtractionError:
                with pytest.raises(ExtractionError):
                    await pool.extract(html, url)
                continue
            results.append((await pool.extract(html, url), expected))
        return results

    results = asyncio.run(both())
    assert len(results) >= 9 and all(got == expected for got, expected in results)


def test_a_worker_killed_mid_crawl_is_replaced_and_the_page_still_extracted(pool):
    html = decode_html(ARTICLES[0].read_bytes())[0]
    url = "http://example.gov.cn/a.html"

    async def kill_then_extract():
        await pool.extract(html, url)  # the worker is up
        for pid in list(pool.executor._processes):
            os.kill(pid, signal.SIGKILL)
        return await pool.extract(html, url)

    extracted, normalised = asyncio.run(kill_then_extract())
    assert extracted.text and normalised.text_norm
    after = asyncio.run(pool.extract(html, url))  # the replacement pool works
    assert after == (extracted, normalised)
