"""Durable journey-log appends on SQLite and PostgreSQL, against in-memory appends.

Run: .venv/bin/python benchmarks/bench_log_durable.py [--quick] [--no-postgresql]
Writes benchmarks/results/log_durable.json and prints a table.

Each batch is one committed transaction doing what an import does for its leaves: take the
log's lock (`SqlLogStore.locked`), append the batch (every new perfect-subtree hash into
`log_hashes`, the size into `log_state`) and insert the entries into `log_entries`. SQLite runs
in WAL mode with synchronous=NORMAL (storage/db.py: durable across application crashes);
PostgreSQL with its defaults (fsync on commit). PostgreSQL is reached at FAIRPATH_TEST_PG_URL
(default the local server, trust auth); a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ledger import bench_appends

from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.storage.db import make_engine, migrate
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import LogEntryRow, table_of

RESULTS = Path(__file__).resolve().parent / "results" / "log_durable.json"
PG_ADMIN_URL = os.environ.get(
    "FAIRPATH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ORIGIN = "bench.example/log"
_entries = table_of(LogEntryRow)


def leaves(n: int) -> list[bytes]:
    """Leaves shaped like fairpath's: version byte and a 32-byte commitment."""
    return [b"\x01" + hashlib.sha256(b"record %d" % i).digest() for i in range(n)]


ENTRY_COLUMNS = "leaf_index, leaf, record_kind, record_ref, recorded_at"


def durable_appends(engine: Engine, n: int, batch: int, *, entries: str = "core") -> float:
    """Entries/s appending `n` leaves, one committed transaction per `batch`.

    `entries`: "core" inserts the entry rows as the Recorder does (SQLAlchemy Core
    executemany), "driver" hands plain tuples to the database driver, "none" skips them.
    """
    data = leaves(n)
    now = datetime.now(UTC)
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    raw = f"INSERT INTO log_entries ({ENTRY_COLUMNS}) VALUES ({', '.join([mark] * 5)})"
    stamp = now.isoformat(sep=" ") if engine.dialect.name == "sqlite" else now
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        chunk = data[start : start + batch]
        with engine.begin() as conn:
            store = SqlLogStore.locked(conn)
            first = Log(store, ORIGIN).append(chunk)
            if entries == "driver":
                rows = [
                    (first + i, leaf, "bench", str(first + i), stamp)
                    for i, leaf in enumerate(chunk)
                ]
                conn.exec_driver_sql(raw, rows)
            elif entries == "core":
                conn.execute(
                    _entries.insert(),
                    [
                        {
                            "leaf_index": first + i,
                            "leaf": leaf,
                            "record_kind": "bench",
                            "record_ref": str(first + i),
                            "worker_ref": None,
                            "salt": None,
                            "salt_ciphertext": None,
                            "recorded_at": now,
                        }
                        for i, leaf in enumerate(chunk)
                    ],
                )
    return n / (time.perf_counter() - t0)


def fresh_sqlite(tmp: Path, name: str) -> Engine:
    """A migrated SQLite database in `tmp`."""
    engine = make_engine(f"sqlite:///{tmp / name}.sqlite3")
    migrate(engine)
    return engine


def fresh_postgresql(name: str) -> tuple[Engine, Callable[[], None]]:
    """A migrated scratch PostgreSQL database and the function that drops it."""
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


WHAT = {
    "core": "hashes + entries (Core)",
    "driver": "hashes + entries (driver)",
    "none": "hashes only",
}


def run_engine(
    label: str, factory: Callable[[str], tuple[Engine, Callable[[], None]]], n: int
) -> list[dict[str, Any]]:
    """Rows of results for one engine: batch sizes, with and without the entry rows."""
    rows = []
    for batch in (1_000, 10_000):
        for entries in ("core", "driver", "none"):
            name = f"bench_{os.getpid()}_{batch}_{entries}"
            engine, done = factory(name)
            try:
                rate = durable_appends(engine, n, batch, entries=entries)
                with engine.connect() as conn:
                    size = conn.scalar(text("SELECT size FROM log_state WHERE id = 1"))
                assert size == n, f"{label}: the log holds {size}, expected {n}"
            finally:
                done()
            rows.append(
                {
                    "engine": label,
                    "batch": batch,
                    "what": WHAT[entries],
                    "entries": n,
                    "entries_per_s": round(rate),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="50k entries instead of 200k")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    args = parser.parse_args()
    n = 50_000 if args.quick else 200_000
    memory, _ = bench_appends(MemoryLogStore, n, 1_000)
    rows: list[dict[str, Any]] = [
        {
            "engine": "memory",
            "batch": 1_000,
            "what": "hashes + entries",
            "entries": n,
            "entries_per_s": round(memory),
        }
    ]
    with tempfile.TemporaryDirectory() as tmp:

        def sqlite(name: str) -> tuple[Engine, Callable[[], None]]:
            engine = fresh_sqlite(Path(tmp), name)
            return engine, engine.dispose

        rows += run_engine("sqlite", sqlite, n)
    if not args.no_postgresql:
        rows += run_engine("postgresql", fresh_postgresql, n)
    for row in rows:
        row["vs_memory"] = round(row["entries_per_s"] / memory, 3)
    print(f"{'engine':<11} {'batch':>6}  {'what':<26} {'entries/s':>11} {'vs memory':>9}")
    for row in rows:
        print(
            f"{row['engine']:<11} {row['batch']:>6}  {row['what']:<26} "
            f"{row['entries_per_s']:>11,} {row['vs_memory']:>9.3f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "durable journey-log appends",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "results": rows,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
