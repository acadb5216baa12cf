"""The database engine and schema migrations, for SQLite (embedded) and PostgreSQL.

`make_engine` is called by entry points with the settings they built; nothing connects at
import time. `migrate` brings a database to the newest schema with Alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`, with SQLite tuned for a single-node, crash-safe store."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the web app) run beside the importer; synchronous=NORMAL in WAL mode
    # is durable across application crashes (SQLite docs, "WAL mode"), and a busy timeout
    # makes a second writer wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # erased keys are zeroed, not just unlinked
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB of page cache (the default is 2 MiB): a large import inserts into several
    # indexes at once and otherwise rereads their pages from the OS on every batch.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """Alembic configured for this engine, with the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(alembic_config(engine), "head")


def is_initialised(engine: Engine) -> bool:
    """True when the schema exists (the database was set up with `fairpath init`)."""
    return inspect(engine).has_table("log_state")
