"""Fixtures for service tests: an initialised data directory on the engine under test."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services.setup import initialise


@pytest.fixture
def ready(settings: Settings, engine: Engine) -> tuple[Settings, Engine]:
    """An initialised data directory (keys, schema) on the engine under test."""
    initialise(settings, engine)
    return settings, engine
