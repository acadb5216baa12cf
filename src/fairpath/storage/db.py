"""The database engine and schema migrations, for SQLite (embedded) and PostgreSQL.

`make_engine` is called by entry points with the settings they built; nothing connects at
import time. `migrate` brings a database to the newest schema with Alembic.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect

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


@contextmanager
def checkpoints_deferred(conn: Connection) -> Iterator[None]:
    """On SQLite, commits on `conn` inside the block leave the write-ahead log to be copied
    later (by `checkpoint_beside`, or the next commit elsewhere).

    A million-event import writes about a gigabyte of log in one transaction; copying it
    into the database costs seconds of the committing process on one core (SQLite's
    "automatic checkpoint", by default once the log passes 1,000 pages). The connection's
    setting is put back after. Other engines: nothing changes.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: through SQLAlchemy the pragma would begin a transaction.
    driver = conn.connection.driver_connection
    assert driver is not None
    (pages,) = driver.execute("PRAGMA wal_autocheckpoint").fetchone()
    driver.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")


@contextmanager
def checkpoint_beside(engine: Engine) -> Iterator[None]:
    """On SQLite, copy the write-ahead log into the database in a thread while the block runs.

    The import runs its publishing (writing thousands of tile files) in the block: the two
    keep both cores busy instead of one after the other. A passive checkpoint never blocks
    readers or writers; one left undone is done by the next commit.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    thread = threading.Thread(target=_checkpoint, args=(engine,), name="wal-checkpoint")
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _checkpoint(engine: Engine) -> None:
    # Its own connection, outside the pool: the block goes on with the pooled one, whose page
    # cache is warm; a second pooled connection would fill a cache of its own (64 MiB).
    path = engine.url.database
    if not path or path == ":memory:":
        return
    try:
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # busy or closing: the next commit's automatic checkpoint does it instead


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
