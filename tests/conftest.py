"""Test fixtures shared by the whole suite: settings, a real database on either engine.

Run with `--db=sqlite` (default) or `--db=postgresql`. Tests that touch a database use the
`engine`/`settings` fixtures and are marked `db` automatically, so the PostgreSQL run can pick
exactly those (`-m db`). PostgreSQL is reached at FAIRPATH_TEST_PG_URL (default: the local
server with trust auth); each xdist worker gets its own database, emptied before every test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from fairpath.config import Settings
from fairpath.storage.db import make_engine, migrate
from fairpath.storage.models import Base

PG_ADMIN_URL = os.environ.get(
    "FAIRPATH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database engine for tests that need one",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if {"engine", "settings", "db_url", "db_engine_name"} & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses a real database (runs on both engines)")


@pytest.fixture(scope="session")
def db_engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def _pg_database(db_engine_name: str, worker_id: str) -> Iterator[str | None]:
    if db_engine_name != "postgresql":
        yield None
        return
    # Unique per run, so that two test runs on one server (two developers, CI) never collide.
    name = f"fairpath_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "fairpath.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_url(
    db_engine_name: str, _pg_database: str | None, _sqlite_template: Path, tmp_path: Path
) -> str:
    """A URL to an empty, migrated database of the engine under test."""
    if db_engine_name == "postgresql":
        assert _pg_database is not None
        engine = make_engine(_pg_database)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            # The migration's one row of log state (an empty log), as a fresh database has it.
            conn.execute(text("INSERT INTO log_state (id, size) VALUES (1, 0)"))
        engine.dispose()
        return _pg_database
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(_sqlite_template, data_dir / "fairpath.sqlite3")
    return f"sqlite:///{data_dir / 'fairpath.sqlite3'}"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at a fresh data directory and the database under test."""
    return Settings(data_dir=tmp_path / "data", database_url=db_url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
