"""Seed files: one TOML file per portal, loaded and validated into a frozen SiteConfig.

A seed is data, read with tomllib and checked early: an unknown key or a bad value is a
SeedError that names the file, the key and what was expected.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from crawler.exceptions import SeedError

CMS_FAMILIES = (
    "trs",
    "hanweb",
    "ucap",
    "jiyue",
    "empire",
    "generic",
)  # the strategies in crawler/discovery
SITE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ADCODE_RE = re.compile(r"^\d{6}$")
CRON_FIELDS = 5
RENDER_MODES = ("auto", "lists", "never")


@dataclass(frozen=True)
class Politeness:
    """How gently a portal is crawled. Defaults suit a small county server."""

    download_delay: float = 2.0  # seconds between requests to one host (AutoThrottle's floor)
    concurrency: int = 1  # simultaneous requests per host
    max_pages: int = 5000  # pages fetched per run, then the run stops
    max_depth: int = 8  # link hops from a start URL


@dataclass(frozen=True)
class Schedule:
    """When the nightly scheduler crawls the portal (cron in the given timezone)."""

    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    enabled: bool = True


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name: str
    adcode: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    section_prefixes: tuple[str, ...] = ()  # URL path prefixes that bound list pages
    cms: str | None = None  # force a discovery strategy instead of detecting it per page
    render: str = "auto"  # list pages in a browser: auto (when scripts draw them), lists, never
    detect: bool = False  # start_urls is the home page: the crawl finds the 政务公开 entry first
    politeness: Politeness = field(default_factory=Politeness)
    schedule: Schedule = field(default_factory=Schedule)
    source: str = ""  # path of the seed file, or a description for ad-hoc sites

    def sections(self) -> tuple[str, ...]:
        """Path prefixes of the 政务公开 section: explicit ones, else the start URLs' folders."""
        if self.section_prefixes:
            return self.section_prefixes
        return tuple(dict.fromkeys(section_of(url) for url in self.start_urls))

    def rebased(self, base_url: str) -> SiteConfig:
        """The same site served from another scheme://host:port (used for the local demo)."""
        base = urlsplit(base_url)
        urls = tuple(
            urlsplit(u)._replace(scheme=base.scheme, netloc=base.netloc).geturl()
            for u in self.start_urls
        )
        return dataclasses.replace(self, start_urls=urls)


def section_of(url: str) -> str:
    """The folder of a URL's path: http://h/zwgk/index.html -> /zwgk/."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


@cache
def known_adcodes() -> frozenset[str]:
    """County-level-and-above division codes (2024), bundled from the official list."""
    text = resources.files("crawler.sites").joinpath("data/areacodes-2024.txt").read_text("utf-8")
    return frozenset(line.split()[0] for line in text.splitlines() if line.strip())


def _check_url(where: str, key: str, url: object) -> str:
    if not isinstance(url, str):
        raise SeedError(f"{where}: {key} must hold URL strings, got {url!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeedError(f"{where}: {key} has {url!r}, expected an http(s) URL with a host")
    return url


def _check_keys(where: str, table: dict, allowed: dict[str, type | tuple[type, ...]]) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise SeedError(f"{where}: unknown key {key!r} (expected one of: {', '.join(allowed)})")
        expected = allowed[key] if isinstance(allowed[key], tuple) else (allowed[key],)
        # bool is an int subclass: a number key must not accept true/false
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            raise SeedError(f"{where}: {key} must be {_type_name(expected)}, got {value!r}")


def _type_name(expected: tuple[type, ...]) -> str:
    names = {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "bool": "true or false",
        "list": "a list",
        "dict": "a table",
    }
    return " or ".join(names.get(t.__name__, t.__name__) for t in expected)


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "name": str,
    "adcode": (str, int),
    "start_urls": list,
    "allowed_domains": list,
    "section_prefixes": list,
    "cms": str,
    "render": str,
    "detect": bool,
    "politeness": dict,
    "schedule": dict,
}
_POLITENESS_KEYS: dict[str, type | tuple[type, ...]] = {
    "download_delay": (int, float),
    "concurrency": int,
    "max_pages": int,
    "max_depth": int,
}
_SCHEDULE_KEYS: dict[str, type | tuple[type, ...]] = {"cron": str, "timezone": str, "enabled": bool}
_REQUIRED = ("id", "name", "adcode", "start_urls")


def parse_seed(data: dict, where: str) -> SiteConfig:
    """Validate one seed's parsed TOML; `where` names the file in every error."""
    _check_keys(where, data, _TOP_KEYS)
    for key in _REQUIRED:
        if key not in data:
            raise SeedError(f"{where}: missing required key {key!r}")
    site_id = data["id"]
    if not SITE_ID_RE.match(site_id):
        raise SeedError(f"{where}: id {site_id!r} must be lower-case letters, digits, '-' or '_'")
    name = data["name"].strip()
    if not name:
        raise SeedError(f"{where}: name must not be empty")
    adcode = str(data["adcode"])
    if not ADCODE_RE.match(adcode):
        raise SeedError(f"{where}: adcode {adcode!r} must be a 6-digit 行政区划代码")
    if adcode not in known_adcodes():
        raise SeedError(f"{where}: adcode {adcode!r} is not a known 行政区划代码 (2024 list)")
    start_urls = tuple(_check_url(where, "start_urls", u) for u in data["start_urls"])
    if not start_urls:
        raise SeedError(f"{where}: start_urls must list at least one URL")
    if "allowed_domains" in data and not data["allowed_domains"]:
        raise SeedError(
            f"{where}: allowed_domains is empty: list the hosts the crawl may visit, or leave "
            "the key out to allow the start URLs' hosts"
        )
    domains = data.get("allowed_domains") or [urlsplit(u).hostname for u in start_urls]
    allowed = []
    for domain in domains:
        if not isinstance(domain, str) or not domain or "/" in domain or ":" in domain:
            raise SeedError(f"{where}: allowed_domains has {domain!r}, expected a bare host name")
        allowed.append(domain.lower())
    for url in start_urls:
        if not host_allowed(urlsplit(url).hostname or "", allowed):
            raise SeedError(f"{where}: start_urls has {url!r}, outside allowed_domains")
    prefixes = data.get("section_prefixes", [])
    for prefix in prefixes:
        if not isinstance(prefix, str) or not prefix.startswith("/"):
            raise SeedError(
                f"{where}: section_prefixes has {prefix!r}, expected a path starting with '/'"
            )
    cms = data.get("cms")
    if cms is not None and cms not in CMS_FAMILIES:
        raise SeedError(f"{where}: cms {cms!r} must be one of: {', '.join(CMS_FAMILIES)}")
    render = data.get("render", "auto")
    if render not in RENDER_MODES:
        raise SeedError(f"{where}: render {render!r} must be one of: {', '.join(RENDER_MODES)}")
    politeness = _parse_table(
        where, data.get("politeness", {}), "politeness", _POLITENESS_KEYS, Politeness
    )
    if politeness.concurrency < 1 or politeness.max_pages < 1 or politeness.max_depth < 0:
        raise SeedError(f"{where}: politeness values must be positive")
    if politeness.download_delay < 0:
        raise SeedError(f"{where}: politeness.download_delay must not be negative")
    schedule = _parse_table(where, data.get("schedule", {}), "schedule", _SCHEDULE_KEYS, Schedule)
    _check_schedule(where, schedule)
    return SiteConfig(
        id=site_id,
        name=name,
        adcode=adcode,
        start_urls=start_urls,
        allowed_domains=tuple(allowed),
        section_prefixes=tuple(prefixes),
        cms=cms,
        render=render,
        detect=data.get("detect", False),
        politeness=politeness,
        schedule=schedule,
        source=where,
    )


def _check_schedule(where: str, schedule: Schedule) -> None:
    """The timezone must be a known IANA zone and the cron a valid crontab line, as the
    scheduler will read them (APScheduler's CronTrigger.from_crontab)."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        zone = zoneinfo.ZoneInfo(schedule.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SeedError(
            f"{where}: schedule.timezone {schedule.timezone!r} is not a known time zone "
            "(expected an IANA name such as 'Asia/Shanghai')"
        ) from None
    if len(schedule.cron.split()) != CRON_FIELDS:
        raise SeedError(
            f"{where}: schedule.cron {schedule.cron!r} must have 5 fields (m h dom mon dow)"
        )
    try:
        CronTrigger.from_crontab(schedule.cron, timezone=zone)
    except ValueError as exc:
        raise SeedError(f"{where}: schedule.cron {schedule.cron!r} is not valid ({exc})") from None


def _parse_table(where, table, prefix, keys, cls):
    _check_keys(f"{where}: [{prefix}]", table, keys)
    return cls(**table)


def load_seed(path: Path) -> SiteConfig:
    """Load and validate one seed file; the file stem must equal its id."""
    where = str(path)
    try:
        data = tomllib.loads(path.read_text("utf-8-sig"))  # a UTF-8 BOM (Notepad) is fine
    except OSError as exc:
        raise SeedError(f"{where}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise SeedError(f"{where}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{where}: invalid TOML ({exc})") from exc
    site = parse_seed(data, where)
    if path.stem != site.id:
        raise SeedError(f"{where}: id {site.id!r} must match the file name {path.stem!r}")
    return site


def load_seeds(folder: Path) -> list[SiteConfig]:
    """Every seed in a folder, sorted by id; the first bad file raises SeedError."""
    return [load_seed(p) for p in seed_paths(folder)]


def seed_paths(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise SeedError(f"{folder}: no such seeds folder")
    return sorted(folder.glob("*.toml"))


def find_site(folder: Path, site_id: str) -> SiteConfig:
    path = folder / f"{site_id}.toml"
    if not path.exists():
        raise SeedError(f"no seed for site {site_id!r} in {folder}")
    return load_seed(path)


def host_allowed(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    """Whether `host` is one of `domains` or a subdomain of one (as Scrapy's offsite rule)."""
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def site_for_url(url: str, sites: list[SiteConfig]) -> SiteConfig | None:
    """The seeded site whose allowed domains hold the URL's host, if any."""
    host = urlsplit(url).hostname or ""
    for site in sites:
        if host_allowed(host, site.allowed_domains):
            return site
    return None


def adhoc_site(url: str) -> SiteConfig:
    """A site for a one-off fetch of a URL no seed covers."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    site_id = re.sub(r"[^a-z0-9_-]+", "-", f"adhoc-{host}")[:64]
    return SiteConfig(
        id=site_id,
        name=host,
        adcode="000000",
        start_urls=(url,),
        allowed_domains=(host,),
        section_prefixes=("/",),
        source="zwgk fetch",
    )
