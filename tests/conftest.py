"""Shared fixtures: the sample portal served by a real subprocess on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from portal_server import PortalProcess  # tests/ is on sys.path (pytest's rootdir conftest)
from report_archives import fleet_archive, timeline_archive  # noqa: F401 - session fixtures


@pytest.fixture(scope="session")
def portal_server() -> Iterator[PortalProcess]:
    """One sample portal at revision 1 for the whole session: do not switch its revision."""
    server = PortalProcess()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def make_portal_server() -> Iterator[Callable[..., PortalProcess]]:
    """Factory of fresh portals, e.g. make_portal_server(revision=2, portal="synthetic", docs=500).

    Module-scoped so module-scoped fixtures can use it too; each call starts its own server, so
    switching its revision disturbs nobody. All are stopped when the module's tests end.
    """
    started: list[PortalProcess] = []

    def make(revision: int = 1, portal: str = "sample", docs: int = 0) -> PortalProcess:
        server = PortalProcess(revision, portal, docs)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def make_fleet():
    """Factory of fleet-portal servers (tests/fleet_server.py), stopped after the test."""
    from fleet_server import Fleet

    started = []

    def make(sites: int):
        started.append(Fleet(sites))
        return started[-1]

    yield make
    for server in started:
        server.stop()
