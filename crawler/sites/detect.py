"""Finding a portal's 政务公开 section from its home page: plain functions over HTML.

The entry is a link whose text (or title, or the alt text of its image) names the section:
政务公开, 政府信息公开, 信息公开 and their variants (政务公开专栏, 政府信息公开平台, 区政府信息公开,
政务 公开 with a space, …). Links in the site's nav count more than links in the page body;
links about the section (满意度调查, 意见箱, 政务公开日 专题) are not entries. An entry may sit on
another host: a county's own subdomain (info., xxgk., public.) or a city or provincial 集约化
platform. With no such link, the section's own pages linked from the home page tell where it is:
信息公开目录, 信息公开指南, 信息公开年报.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.discovery import canonical_url, parse_html
from crawler.discovery.regions import is_chrome
from crawler.sites.seeds import section_of
from crawler.text.normalise import fold_space

# the section's names, best first: (label, weight)
ENTRY_LABELS = (
    ("政府信息公开", 10),
    ("政务公开", 10),
    ("政务信息公开", 9),
    ("政府信息公开平台", 9),
    ("政府信息公开专栏", 9),
    ("政务公开专栏", 9),
    ("政务公开专区", 9),
    ("信息公开", 8),
    ("信息公开平台", 8),
    ("政府公开", 7),
    ("政府信息公开目录", 7),
    ("法定主动公开内容", 6),
    ("信息公开目录", 6),
    ("基层政务公开", 5),
)
PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}?[县区市旗])?(?:人民)?")
NOT_ENTRY_RE = re.compile(
    r"满意度|调查|问卷|意见箱|信箱|公开日|专题|活动|申请|条例|下载|查阅|受理|审查|制度"
)
GUIDE_RE = re.compile(r"信息公开(?:指南|年报|年度报告|工作年度报告|目录)|政务公开目录")
MAX_LABEL = 14


@dataclass(frozen=True)
class Candidate:
    url: str
    label: str
    where: str  # nav, page, guide
    score: float


@dataclass(frozen=True)
class Entry:
    """What detection chose: the entry URL (None if nothing was found), why, and the folders
    the crawl stays inside."""

    url: str | None
    reason: str
    section_prefixes: tuple[str, ...] = ()
    other_host: bool = False  # on a host outside the home page's domain (a 集约化 platform)


def link_label(anchor: lxml.html.HtmlElement) -> str:
    """A link's words: its text, else its title, else the alt text of its image."""
    text = fold_space(anchor.text_content())
    if not text:
        text = anchor.get("title") or ""
        text = text or " ".join(img.get("alt") or "" for img in anchor.iter("img"))
    return re.sub(r"\s+|[>»›︾∨▼]+$", "", text.strip())


def _weight(label: str) -> tuple[float, str] | None:
    if not label or len(label) > MAX_LABEL or NOT_ENTRY_RE.search(label):
        return None
    bare = PREFIX_RE.sub("", label, count=1) or label
    for name, weight in ENTRY_LABELS:
        if label == name:
            return weight + 1.0, name
        if bare == name:
            return float(weight), name
    return None


def candidates(html: str, home_url: str) -> list[Candidate]:
    """Links of a home page that may be its 政务公开 entry, best first."""
    tree = parse_html(html)
    if tree is None:
        return []
    found: dict[str, Candidate] = {}
    for order, anchor in enumerate(tree.iter("a")):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "#", "mailto:")):
            continue
        url = canonical_url(urljoin(home_url, href))
        if urlsplit(url).scheme not in ("http", "https") or url == canonical_url(home_url):
            continue
        label = link_label(anchor)
        if weighed := _weight(label):
            weight, _ = weighed
            where = "nav" if is_chrome(anchor) else "page"
            score = weight + (3 if where == "nav" else 0) - order / 10_000
        elif GUIDE_RE.search(label) and len(label) <= 16:
            where, score = "guide", 2 + (1 if "目录" in label else 0) - order / 10_000
        else:
            continue
        if url not in found or found[url].score < score:
            found[url] = Candidate(url, label, where, score)
    return sorted(found.values(), key=lambda c: -c.score)


def _registrable(host: str) -> str:
    """www.fangcheng.gov.cn -> fangcheng.gov.cn (the county's own domain and its subdomains)."""
    labels = host.lower().split(".")
    if (
        len(labels) >= 3
        and labels[-2] in ("gov", "com", "org", "net", "edu")
        and labels[-1] == "cn"
    ):
        return ".".join(labels[-3:])
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, home_url: str) -> bool:
    host, home = urlsplit(url).hostname or "", urlsplit(home_url).hostname or ""
    return host == home or _registrable(host) == _registrable(home)


def choose(found: list[Candidate], home_url: str) -> Entry:
    """The entry among a home page's candidates, and why."""
    if not found:
        return Entry(
            None,
            "no 政务公开/政府信息公开 link and no 信息公开目录/指南/年报 link on the home page",
        )
    best = found[0]
    where = {"nav": "in the site's nav", "page": "on the home page"}.get(best.where, "")
    if best.where == "guide":
        url, reason = _from_guide(found, home_url)
    else:
        url, reason = best.url, f"link “{best.label}” {where}"
    other = not same_site(url, home_url)
    if other:
        reason += f", hosted on another site ({urlsplit(url).hostname}: a 集约化 platform)"
    return Entry(url, reason, (section_of(url),), other)


def _from_guide(found: list[Candidate], home_url: str) -> tuple[str, str]:
    guides = [c for c in found if c.where == "guide"]
    catalogue = next((c for c in guides if "目录" in c.label), None)
    if catalogue is not None:
        return catalogue.url, f"no entry link; the section's catalogue “{catalogue.label}”"
    guide = guides[0]
    folder = section_of(guide.url).rstrip("/")
    parent = folder.rsplit("/", 1)[0] + "/"
    if parent != "/":  # /zfxxgk/xxgkzn/index.html -> /zfxxgk/
        url = urlsplit(guide.url)._replace(path=parent, query="", fragment="").geturl()
        return url, f"no entry link; the folder of the section's “{guide.label}” page"
    return guide.url, f"no entry link; the section's “{guide.label}” page"


def detected_seed(
    home_url: str, entry: Entry, cms: str | None, site_id: str, name: str, adcode: str, at: str
) -> str:
    """The seed `zwgk sites detect` prints: the entry as start URL, the home page's domain (and
    the entry's host when it lives elsewhere) as allowed domains; validated before returning."""
    from crawler.sites.importer import domain_of, toml_value
    from crawler.sites.seeds import parse_seed

    if entry.url is None:
        raise ValueError(entry.reason)
    domains = [domain_of(home_url)]
    if entry.other_host:
        domains.append((urlsplit(entry.url).hostname or "").lower())
    data: dict = {
        "id": site_id,
        "name": name,
        "adcode": adcode,
        "start_urls": [entry.url],
        "allowed_domains": domains,
    }
    if cms and cms != "generic":
        data["cms"] = cms
    parse_seed(data, f"{site_id}.toml")
    lines = [
        f"# {name} 政务公开 section, detected from {home_url} on {at}:",
        f"# {entry.reason}.",
    ]
    lines += [f"{key} = {toml_value(value)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"
