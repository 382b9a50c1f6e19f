"""Fixtures of the fleet tests: a real Valkey server, the loopback portal fleet, a fleet
installation in the test's folder (fleet_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fleet_helpers import Fleetwork, Valkey


@pytest.fixture
def valkey(tmp_path) -> Iterator[Valkey]:
    server = Valkey(tmp_path / "valkey")
    yield server
    server.stop()


@pytest.fixture
def fleetwork(tmp_path, valkey) -> Iterator[Fleetwork]:
    work = Fleetwork(tmp_path, valkey.url, tmp_path / "seeds")
    yield work
    work.stop()
