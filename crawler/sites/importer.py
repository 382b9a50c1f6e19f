"""Seeds from the county portal list (crawler/sites/data/county_portals.csv, bundled, or a file
of the same columns).

Each row with a 政务公开 URL becomes `seeds/<adcode>-<host label>.toml` starting there; a row with
only the portal's home page becomes a seed marked `detect = true`, whose first crawl finds the
section from the home page (crawler/sites/detect.py) and records what it chose. The URLs come
from public data and are unverified: a generated seed says so in a comment.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from crawler.exceptions import SeedError
from crawler.sites.seeds import parse_seed

GENERIC_LABELS = {"www", "gov", "cn", "com", "net", "org", "zwgk", "xxgk"}


def site_id_for(adcode: str, url: str) -> str:
    """'411322' + 'http://www.fangcheng.gov.cn/…' -> '411322-fangcheng'."""
    host = (urlsplit(url).hostname or "").lower()
    labels = [
        label
        for label in host.split(".")
        if label not in GENERIC_LABELS and re.fullmatch(r"[a-z0-9-]+", label)
    ]
    return f"{adcode}-{labels[0]}" if labels else adcode


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def seed_toml(row: dict[str, str]) -> tuple[str, str]:
    """(site id, TOML text) for one CSV row with a zwgk_url or a portal_url; validated."""
    adcode = row["adcode"].strip()
    zwgk_url, home_url = row.get("zwgk_url", "").strip(), row.get("portal_url", "").strip()
    name = "".join(row.get(k, "").strip() for k in ("province", "city", "county")) + "人民政府"
    start = zwgk_url or home_url
    site_id = site_id_for(adcode, start)
    data: dict = {
        "id": site_id,
        "name": name,
        "adcode": adcode,
        "start_urls": [start],
        "allowed_domains": [domain_of(start)],
    }
    if not zwgk_url:
        data["detect"] = True
    parse_seed(data, f"{site_id}.toml")  # raises SeedError naming the key
    source = row.get("source_repo", "")
    if zwgk_url:
        lines = [f"# {name} 政务公开 section, from county_portals.csv ({source})."]
    else:
        lines = [
            f"# {name}: only its home page is known (county_portals.csv, {source}).",
            "# detect = true: the first crawl finds the 政务公开 section from the home page and",
            "# records its choice (zwgk sites --db, zwgk stats); `zwgk sites detect URL` shows it now.",
        ]
    lines += ["# Unverified public data: check the start URL before relying on this seed."]
    lines += [f"{key} = {toml_value(value)}" for key, value in data.items()]
    return site_id, "\n".join(lines) + "\n"


def import_rows(csv_path: Path) -> Iterator[tuple[str, str] | SeedError]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            if not (row.get("zwgk_url") or row.get("portal_url") or "").strip():
                continue
            try:
                yield seed_toml(row)
            except SeedError as exc:
                yield SeedError(f"{csv_path}:{line_no}: {exc}")


def toml_value(value) -> str:
    return "true" if value is True else json.dumps(value, ensure_ascii=False)


def bundled_csv() -> Path:
    """The county portal list bundled with zwgk (crawler/sites/data/README.md says whence)."""
    from importlib import resources

    return Path(str(resources.files("crawler.sites").joinpath("data/county_portals.csv")))


def row_for_url(url: str, csv_path: Path | None = None) -> dict[str, str] | None:
    """The county list's row whose portal (or 政务公开 URL) is on the same host as `url`."""
    host = domain_of(url)
    with (csv_path or bundled_csv()).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if host in (domain_of(row.get("portal_url", "")), domain_of(row.get("zwgk_url", ""))):
                return row
    return None
