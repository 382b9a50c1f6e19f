"""One host, one polite stream of requests, however many seeds of a batch crawl it.

Scrapy keeps politeness per downloader slot, and every crawler (one per site) has its own
downloader: two seeds on one host (a 集约化 platform hosts many counties under one name) would
each keep their own delay and together hit the host twice as often. The runner finds the hosts
that more than one site of a batch names (start URLs, allowed domains) and hands the crawlers
one HostGate; this middleware makes a request to such a host wait until the host is free: at
most the strictest concurrency of its seeds in flight, and the longest of their delays between
one answer and the next request. Hosts only one site uses are left to Scrapy's own slot.

The scheduler puts every site of a host into the same batch (crawler/nightly/batches.py), so no
two batches ever crawl one host at the same time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from crawler.crawl.timelimit import SiteTimeUp
from crawler.sites.seeds import SiteConfig

GATE_META = "zwgk_host_gate"  # set on a request that holds a place at its host


def site_hosts(site: SiteConfig) -> set[str]:
    """The host names a site's crawl is bound to: its start URLs' hosts and allowed domains."""
    hosts = {urlsplit(u).hostname or "" for u in site.start_urls} | set(site.allowed_domains)
    return {h.lower() for h in hosts if h}


@dataclass
class _Host:
    delay: float
    concurrency: int
    active: int = 0
    free_at: float = 0.0  # monotonic time the next request may start
    waiters: list[Deferred] = field(default_factory=list)


class HostGate:
    """Per-host admission shared by the crawlers of one process."""

    def __init__(self, limits: dict[str, tuple[float, int]]) -> None:
        self.hosts = {host: _Host(delay, max(1, c)) for host, (delay, c) in limits.items()}

    @classmethod
    def for_sites(cls, sites: Iterable[SiteConfig], every_host: bool = False) -> HostGate:
        """A gate for the hosts more than one of `sites` uses (or, with `every_host`, all of
        them): the longest delay, the least concurrency of the seeds that share each."""
        seen: dict[str, list[SiteConfig]] = {}
        for site in sites:
            for host in site_hosts(site):
                seen.setdefault(host, []).append(site)
        return cls(
            {
                host: (
                    max(s.politeness.download_delay for s in shared),
                    min(s.politeness.concurrency for s in shared),
                )
                for host, shared in seen.items()
                if len(shared) > 1 or every_host
            }
        )

    def __deepcopy__(self, memo) -> HostGate:
        return self  # Scrapy deep-copies each crawler's settings: the gate must stay shared

    def __bool__(self) -> bool:
        return bool(self.hosts)

    async def enter(self, host: str) -> bool:
        """Wait for a place at `host`; False when the host is not gated."""
        state = self.hosts.get(host)
        if state is None:
            return False
        while state.active >= state.concurrency or time.monotonic() < state.free_at:
            waiter: Deferred = Deferred()
            state.waiters.append(waiter)
            if state.active < state.concurrency:
                from twisted.internet import reactor  # imported late: Scrapy installs it

                reactor.callLater(state.free_at - time.monotonic(), self._wake, state)
            await maybe_deferred_to_future(waiter)
        state.active += 1
        return True

    def leave(self, host: str) -> None:
        state = self.hosts[host]
        state.active -= 1
        state.free_at = max(state.free_at, time.monotonic() + state.delay)
        from twisted.internet import reactor

        reactor.callLater(state.delay, self._wake, state)

    @staticmethod
    def _wake(state: _Host) -> None:
        waiters, state.waiters = state.waiters, []
        for waiter in waiters:
            if not waiter.called:
                waiter.callback(None)


class HostGateMiddleware:
    """Downloader middleware: requests to a gated host wait for their turn (see HostGate)."""

    def __init__(self, gate: HostGate, crawler) -> None:
        self.gate = gate
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> HostGateMiddleware:
        gate = crawler.settings.get("ZWGK_HOST_GATE")
        if not gate:
            raise NotConfigured("no host shared with another site of this batch")
        return cls(gate, crawler)

    async def process_request(self, request, spider=None):
        host = (urlsplit(request.url).hostname or "").lower()
        if await self.gate.enter(host):
            request.meta[GATE_META] = host
            if getattr(self.crawler.spider, "zwgk_time_up", False):  # the wait outlasted the site
                self._release(request)
                raise SiteTimeUp("the site's time limit ran out")
        return None

    def _release(self, request) -> None:
        host = request.meta.pop(GATE_META, None)
        if host is not None:
            self.gate.leave(host)

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None
