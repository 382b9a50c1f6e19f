"""Extraction and normalisation off the reactor, in worker processes (ZWGK_EXTRACT_WORKERS).

A document page costs ~10 ms of CPU in trafilatura, our 政务公开 rules and OpenCC: in the crawl
process that holds the reactor, the second core of a small machine sits idle while Scrapy
waits. The runner starts one pool per crawl process, shared by every crawler (site) of the batch;
each worker builds its Extractor and Normaliser once. The work is a pure function of (HTML,
URL), so a page extracts the same in a worker as in the crawl process. A worker that dies is
replaced and the page is extracted in the crawl process instead: a page is never lost to it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.exceptions import ExtractionError
from crawler.extract.extractor import Extracted, Extractor
from crawler.text.normalise import Normalised, Normaliser

logger = logging.getLogger(__name__)
_WORKER: tuple[Extractor, Normaliser] | None = None
PARENT_CHECK_SECONDS = 0.5


def _start_worker(parent: int) -> None:
    global _WORKER  # one per worker process, built once (it loads trafilatura, OpenCC)
    _WORKER = (Extractor(), Normaliser())
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A crawl process killed outright (SIGKILL) cannot stop its pool: the worker ends itself
    once its parent is gone, so that nothing outlives the crawl (or holds its pipes open)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def extract_page(html: str, url: str, tools: tuple[Extractor, Normaliser] | None = None):
    """(Extracted, Normalised) of a document page; ExtractionError when it has no document."""
    extractor, normaliser = tools or _WORKER
    extracted = extractor.extract(html, url)
    return extracted, normaliser.normalise(extracted.text, extracted.title)


class ExtractionPool:
    """A process pool for extract_page, shared by the crawlers of one process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor = self._executor()
        self.local: tuple[Extractor, Normaliser] | None = None
        self.warming = self.executor.submit(int)  # the worker starts while Scrapy does

    def ready(self, timeout: float = 120) -> None:
        """Wait for the worker to be up, so that the first pages do not pile up behind it."""
        self.warming.result(timeout=timeout)

    def _executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            # spawned: never a fork of a running reactor, and a child of this process
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),  # the crawl process, which may be gone before this runs
        )

    def __deepcopy__(self, memo) -> ExtractionPool:
        return self  # Scrapy deep-copies each crawler's settings: the pool stays shared

    async def extract(self, html: str, url: str) -> tuple[Extracted, Normalised]:
        try:
            return await asyncio.wrap_future(self.executor.submit(extract_page, html, url))
        except ExtractionError:
            raise
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            logger.error(
                "extraction worker failed (%s): %s extracted in the crawl process", exc, url
            )
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._executor()
            if self.local is None:
                self.local = (Extractor(), Normaliser())
            return extract_page(html, url, self.local)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
