"""The schema the migrations build is the one the models describe, and upgrading keeps data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from fairpath.config import Settings
from fairpath.services import log_audit
from fairpath.services.importing import import_paths
from fairpath.services.setup import initialise
from fairpath.storage.db import alembic_config
from fairpath.storage.models import Base, EventRow, LogEntryRow, table_of
from tests.services.data import small_data_set, write_jsonl


def test_the_migrations_build_what_the_models_describe(engine: Engine) -> None:
    # A model changed without a migration (or the other way round) would leave databases
    # set up by `fairpath init` without an index or constraint the code relies on.
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_upgrading_to_lean_indexes_keeps_every_record_and_the_log(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    # Migration 0006 rebuilds log_entries on SQLite (INTEGER key) and changes events' indexes:
    # a data set stored before it must come through whole and its log still verify.
    config = alembic_config(engine)
    initialise(settings, engine)
    command.downgrade(config, "0005")
    try:
        path = write_jsonl(tmp_path / "records.jsonl", small_data_set())
        import_paths(settings, engine, [path], actor="t")
        before = _counts(engine)
        assert before[0] > 0
    finally:
        command.upgrade(config, "head")
    assert _counts(engine) == before
    report = log_audit.verify_log(settings, engine)
    assert report.ok, report
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        events = conn.scalar(select(func.count()).select_from(table_of(EventRow)))
        entries = conn.scalar(select(func.count()).select_from(table_of(LogEntryRow)))
    return int(events or 0), int(entries or 0)
