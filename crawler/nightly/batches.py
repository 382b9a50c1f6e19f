"""Tonight's work as batches: which seeds are due, grouped by host, packed to a memory budget.

One crawl process costs a base (Python, Scrapy, trafilatura, OpenCC: ~120 MB) plus a few MB for
every site it crawls at the same time (benchmarks/fleet.py measures both). The budget is split
between the processes that run at once; each crawls `sites_at_once` sites at a time, and a
batch holds at most `max_sites` sites — the work a crash of one process can lose.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger

from crawler.crawl.hostgate import site_hosts
from crawler.sites.seeds import SiteConfig

PROCESS_BASE_MB = 160  # one crawl process before its first site (measured ~120 MB, with margin)
SITE_MB = 4.0  # each site crawling at the same time (measured ~2.8 MB, with margin)


@dataclass(frozen=True)
class Sizing:
    processes: int  # batch processes running at once
    sites_at_once: int  # sites each process crawls at the same time (ZWGK_SITES_AT_ONCE)
    max_sites: int  # sites per batch

    @classmethod
    def for_budget(cls, memory_mb: float, processes: int, max_sites: int = 500) -> Sizing:
        """As many sites at once as `memory_mb` (all crawl processes together) allows."""
        processes = max(1, processes)
        share = memory_mb / processes - PROCESS_BASE_MB
        if share < SITE_MB:
            raise ValueError(
                f"a memory budget of {memory_mb:.0f} MB cannot carry {processes} crawl processes "
                f"(each needs {PROCESS_BASE_MB + SITE_MB:.0f} MB or more)"
            )
        at_once = int(share // SITE_MB)
        return cls(processes, min(at_once, max_sites), max(1, max_sites))


def cron_trigger(site: SiteConfig) -> CronTrigger:
    return CronTrigger.from_crontab(site.schedule.cron, timezone=site.schedule.timezone)


def due_tonight(sites: list[SiteConfig], now: datetime.datetime) -> list[SiteConfig]:
    """The enabled sites whose cron (without jitter) fires within the 24 hours from `now`:
    tonight's job, for `zwgk schedule --once`."""
    horizon = now + datetime.timedelta(hours=24)
    due = []
    for site in sites:
        if not site.schedule.enabled:
            continue
        fire = cron_trigger(site).get_next_fire_time(None, now)
        if fire is not None and fire < horizon:
            due.append(site)
    return due


def host_groups(sites: list[SiteConfig]) -> list[list[SiteConfig]]:
    """Sites that share a host (start URL hosts, allowed domains), transitively, in one group:
    a 集约化 platform's counties crawl together, behind one HostGate."""
    parent = list(range(len(sites)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, site in enumerate(sites):
        for host in site_hosts(site):
            if host in owner:
                parent[root(i)] = root(owner[host])
            else:
                owner[host] = i
    groups: dict[int, list[SiteConfig]] = {}
    for i, site in enumerate(sites):
        groups.setdefault(root(i), []).append(site)
    return list(groups.values())


def plan_batches(sites: list[SiteConfig], max_sites: int, processes: int = 1) -> list[list[str]]:
    """Site ids in batches of at most `max_sites` (a host group larger than that is one batch of
    its own), never fewer batches than `processes` when there are enough groups, the largest
    groups placed first, each into the batch with fewest sites."""
    groups = sorted(host_groups(sites), key=len, reverse=True)
    total = sum(len(g) for g in groups)
    count = max(min(processes, len(groups)), -(-total // max(1, max_sites)))
    batches: list[list[str]] = [[] for _ in range(count)]
    for group in groups:
        fits = [b for b in batches if not b or len(b) + len(group) <= max_sites]
        if fits:
            target = min(fits, key=len)
        else:
            target = []
            batches.append(target)
        target.extend(site.id for site in group)
    return [b for b in batches if b]
