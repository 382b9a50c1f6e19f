"""Tonight's work as batches: due seeds, host groups kept together, sizes from a memory budget."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from crawler.crawl.hostgate import HostGate
from crawler.nightly.batches import (
    PROCESS_BASE_MB,
    SITE_MB,
    Sizing,
    due_tonight,
    host_groups,
    plan_batches,
)
from crawler.sites.seeds import Politeness, Schedule, SiteConfig, load_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def site(site_id: str, host: str, delay: float = 2.0, concurrency: int = 1, **kw) -> SiteConfig:
    return SiteConfig(
        id=site_id, name=site_id, adcode="411322", start_urls=(f"http://{host}/zwgk/",),
        allowed_domains=(host,), politeness=Politeness(download_delay=delay, concurrency=concurrency),
        **kw,
    )  # fmt: skip


def test_sites_of_one_host_share_a_batch_and_batches_stay_within_their_size():
    platform = [site(f"county-{i}", "www.jiyue.gov.cn") for i in range(7)]  # one 集约化 host
    alone = [site(f"site-{i}", f"www.s{i}.gov.cn") for i in range(40)]
    batches = plan_batches(alone[:20] + platform + alone[20:], max_sites=10, processes=2)
    ids = [s for b in batches for s in b]
    assert sorted(ids) == sorted(s.id for s in platform + alone)  # every site once
    with_platform = [b for b in batches if "county-0" in b]
    assert len(with_platform) == 1 and {s.id for s in platform} <= set(with_platform[0])
    assert all(len(b) <= 10 for b in batches) and len(batches) == 5


def test_a_host_group_larger_than_a_batch_is_a_batch_of_its_own():
    platform = [site(f"county-{i}", "www.jiyue.gov.cn") for i in range(12)]
    batches = plan_batches(platform + [site("other", "www.other.gov.cn")], max_sites=5)
    assert sorted(map(len, batches)) == [1, 12]


def test_groups_join_through_any_shared_host():
    a = dataclasses.replace(site("a", "x.gov.cn"), allowed_domains=("x.gov.cn", "shared.gov.cn"))
    b = site("b", "shared.gov.cn")
    c = site("c", "c.gov.cn")
    assert sorted(sorted(s.id for s in g) for g in host_groups([a, b, c])) == [["a", "b"], ["c"]]


def test_processes_get_work_even_when_few_sites():
    sites = [site(f"s{i}", f"h{i}.gov.cn") for i in range(3)]
    assert len(plan_batches(sites, max_sites=500, processes=2)) == 2


def test_sizing_follows_the_memory_budget():
    sizing = Sizing.for_budget(3072, 2, max_sites=500)
    assert sizing.sites_at_once == int((3072 / 2 - PROCESS_BASE_MB) // SITE_MB)
    assert Sizing.for_budget(4096, 2).sites_at_once > sizing.sites_at_once
    assert Sizing.for_budget(100_000, 2, max_sites=300).sites_at_once == 300
    with pytest.raises(ValueError, match="cannot carry 2 crawl processes"):
        Sizing.for_budget(200, 2)


def test_due_tonight_is_every_enabled_daily_seed_and_no_weekly_one_on_its_off_day():
    now = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)  # a Monday, 18:00 in Shanghai
    daily = site("daily", "a.gov.cn")
    weekly = site("weekly", "b.gov.cn", schedule=Schedule(cron="0 2 * * sun"))
    tomorrow = site("tomorrow", "c.gov.cn", schedule=Schedule(cron="0 2 * * tue"))  # 02:00 in 8 h
    off = site("off", "d.gov.cn", schedule=Schedule(enabled=False))
    assert [s.id for s in due_tonight([daily, weekly, tomorrow, off], now)] == ["daily", "tomorrow"]
    seeded = load_seeds(SEEDS)
    assert len(due_tonight(seeded, now)) == sum(1 for s in seeded if s.schedule.enabled)


def test_the_host_gate_covers_only_shared_hosts_with_the_strictest_politeness():
    gate = HostGate.for_sites(
        [site("a", "p.gov.cn", 1.0, 2), site("b", "p.gov.cn", 3.0, 1), site("c", "q.gov.cn")]
    )
    assert set(gate.hosts) == {"p.gov.cn"}
    assert (gate.hosts["p.gov.cn"].delay, gate.hosts["p.gov.cn"].concurrency) == (3.0, 1)
    assert not HostGate.for_sites([site("c", "q.gov.cn")])
