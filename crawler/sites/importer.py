"""Seeds from the county portal list (../shared/data/county_portals.csv and its like).

Each row with a 政务公开 URL becomes `seeds/<adcode>-<host label>.toml`. The URLs come from
public data and are unverified: a generated seed says so in a comment.
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


def seed_toml(row: dict[str, str]) -> tuple[str, str]:
    """(site id, TOML text) for one CSV row that has a zwgk_url; validated before returning."""
    adcode, zwgk_url = row["adcode"].strip(), row["zwgk_url"].strip()
    name = "".join(row.get(k, "").strip() for k in ("province", "city", "county")) + "人民政府"
    host = (urlsplit(zwgk_url).hostname or "").lower()
    domain = host[4:] if host.startswith("www.") else host
    site_id = site_id_for(adcode, zwgk_url)
    data = {
        "id": site_id,
        "name": name,
        "adcode": adcode,
        "start_urls": [zwgk_url],
        "allowed_domains": [domain],
    }
    parse_seed(data, f"{site_id}.toml")  # raises SeedError naming the key
    lines = [
        f"# {name} 政务公开 section, from county_portals.csv ({row.get('source_repo', '')}).",
        "# Unverified public data: check the start URL before relying on this seed.",
    ]
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return site_id, "\n".join(lines) + "\n"


def import_rows(csv_path: Path) -> Iterator[tuple[str, str] | SeedError]:
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            if not (row.get("zwgk_url") or "").strip():
                continue
            try:
                yield seed_toml(row)
            except SeedError as exc:
                yield SeedError(f"{csv_path}:{line_no}: {exc}")
