"""Fixtures: an initialised data directory on the engine under test."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services.setup import initialise


@pytest.fixture
def ready(settings: Settings, engine: Engine) -> tuple[Settings, Engine]:
    """An initialised data directory (master key, log key, schema) on the engine under test."""
    initialise(settings, engine)
    return settings, engine


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """A PostgreSQL database name of this run's own (the root conftest names it after this).

    Several people run the suite at once on one PostgreSQL server; a per-process name keeps
    these tests (which kill writers and run witnesses) from sharing a database with another run.
    """
    xdist = getattr(request.config, "workerinput", {}).get("workerid", "master")
    return f"ledger_{xdist}_{os.getpid()}"
