"""Fixtures for assessment tests: an initialised data directory holding the known data set."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services.importing import import_paths
from fairpath.services.setup import initialise
from tests.assessment.data import data_set
from tests.services.data import write_jsonl

Loaded = tuple[Settings, Engine]


@pytest.fixture
def loaded(settings: Settings, engine: Engine, tmp_path: Path) -> Loaded:
    """An initialised data directory on the engine under test with `data_set()` imported."""
    initialise(settings, engine)
    import_paths(settings, engine, [write_jsonl(tmp_path / "data.jsonl", data_set())], actor="t")
    return settings, engine
