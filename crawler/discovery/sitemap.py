"""Sitemaps: robots.txt `Sitemap:` lines, sitemap indexes and urlsets (plain or gzipped)."""

from __future__ import annotations

import gzip
import re
import zlib

import lxml.etree

SITEMAP_LINE_RE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


def sitemaps_in_robots(robots_txt: str) -> list[str]:
    return SITEMAP_LINE_RE.findall(robots_txt)


def parse_sitemap(body: bytes) -> tuple[list[str], list[str]]:
    """(child sitemap URLs, page URLs) of a sitemap index or urlset; ([], []) if unreadable."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)[:MAX_SITEMAP_BYTES]
        except (OSError, EOFError, zlib.error):
            return [], []
    try:
        root = lxml.etree.fromstring(
            body, parser=lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        )
    except lxml.etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    locs = [
        (el.getparent().tag if el.getparent() is not None else "", (el.text or "").strip())
        for el in root.iter("{*}loc", "loc")
    ]
    children = [loc for parent, loc in locs if parent.endswith("sitemap") and loc]
    pages = [loc for parent, loc in locs if parent.endswith("url") and loc]
    return children, pages
