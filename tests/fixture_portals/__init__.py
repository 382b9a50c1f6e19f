"""Fixture portals: real CMS families (TRS, Hanweb, Ucap, 集约化, EmpireCMS), a sitemap site, a fault
site, a county portal with the list patterns real ones have (coverage.py), and the
extraction-fidelity documents in real TRS pages (fidelity.py).

Each module's `build()` returns a `FixturePortal` (base.py): the documents a correct crawl must
archive, the pages it must leave alone, and a router that serves the pages. Serve one with

    python tests/fixture_portals/server.py --portal trs      # prints http://127.0.0.1:PORT

or from a test with `FixtureServer("trs")` (server.py).
"""

from __future__ import annotations

from collections.abc import Callable

from . import coverage, empire, faults, fidelity, hanweb, homes, jiyue, jsonlist, sitemap, trs, ucap
from .base import FixtureDocument, FixturePortal

PORTALS: dict[str, Callable[[], FixturePortal]] = {
    "trs": trs.build,
    "hanweb": hanweb.build,
    "ucap": ucap.build,
    "jiyue": jiyue.build,
    "sitemap": sitemap.build,
    "faults": faults.build,
    "coverage": coverage.build,
    "empire": empire.build,
    "jsonlist": jsonlist.build,
    "fidelity": fidelity.build,
    **homes.builders(),  # home pages for section detection: home-nav, home-img, home-guide, home-jyh
}

__all__ = ["PORTALS", "FixtureDocument", "FixturePortal"]
