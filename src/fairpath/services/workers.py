"""One worker: looking them up (personal data decrypted, the read audited) and erasing them.

Erasure is crypto-shredding (spec/ledger.md "What goes into a leaf"): the worker's data key,
personal data, content digests, blind indexes and log salts are destroyed; the pseudonymous
structure (events without personal data) and every log leaf stay, so every proof for every
other record still verifies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, text, update

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.privacy.envelope import blind_index, decrypt
from fairpath.services import keys
from fairpath.services.audit import write_audit
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage.models import (
    BlindIndexRow,
    EventRow,
    LogEntryRow,
    WorkerKeyRow,
    WorkerRow,
    table_of,
)

_workers = table_of(WorkerRow)
_events = table_of(EventRow)
_entries = table_of(LogEntryRow)
_blind = table_of(BlindIndexRow)


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with whether a newer version supersedes it."""

    ref: str
    type: str
    date: str
    record: dict[str, Any]
    superseded_by: str | None
    leaf_index: int


def stored_events(rows: Sequence[Any], newer: dict[str, str] | None = None) -> list[StoredEvent]:
    """Event rows (ref, type, date, canonical, leaf_index) as `StoredEvent`s.

    `newer`: which event supersedes which, when not all of them are among `rows` (a page of a
    longer timeline); by default read from the rows' own `supersedes_ref`.
    """
    if newer is None:
        newer = {r.supersedes_ref: r.ref for r in rows if r.supersedes_ref}
    return [
        StoredEvent(
            ref=r.ref,
            type=r.type,
            date=r.date.isoformat(),
            record=json.loads(r.canonical),
            superseded_by=newer.get(r.ref),
            leaf_index=int(r.leaf_index),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class WorkerView:
    """A worker's record and journey; `personal` only when asked for and still held."""

    record: dict[str, Any]
    personal: dict[str, Any] | None
    erased_at: datetime | None
    events: list[StoredEvent]


def show_worker(
    settings: Settings, engine: Engine, ref: str, *, actor: str, include_personal_data: bool
) -> WorkerView:
    """The worker `ref` with their events (oldest first); reading personal data is audited."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        row = conn.execute(select(_workers).where(_workers.c.ref == ref)).one_or_none()
        if row is None:
            raise NotFoundError(f"no worker with reference '{ref}'; check the spelling")
        personal = None
        if include_personal_data and row.pii_ciphertext is not None:
            personal = _decrypt_personal(conn, settings, ref, row.pii_ciphertext, now)
            write_audit(
                conn, at=now, actor=actor, action="read_personal_data", subject=f"worker:{ref}"
            )
        return WorkerView(
            record=json.loads(row.canonical),
            personal=personal,
            erased_at=row.erased_at,
            events=_events_of(conn, ref),
        )


def find_by_personal_field(settings: Settings, engine: Engine, field: str, value: str) -> list[str]:
    """Worker refs whose passport number or phone equals `value` (by blind index)."""
    master_key = keys.load_master_key(settings)
    digest = blind_index(master_key.derive("blind-index"), field, value)
    with engine.connect() as conn:
        rows = conn.scalars(
            select(_blind.c.worker_ref).where(_blind.c.field == field, _blind.c.digest == digest)
        )
        return sorted(set(rows))


def _decrypt_personal(
    conn: Connection, settings: Settings, ref: str, ciphertext: bytes, now: datetime
) -> dict[str, Any]:
    key = WorkerKeys(conn, keys.load_master_key(settings), now).find(ref)
    if key is None:
        raise FairpathError(f"the data key of worker {ref} is gone; their personal data is erased")
    data: dict[str, Any] = json.loads(decrypt(key, ciphertext, f"worker:{ref}:pii".encode()))
    return data


#: A worker's events in journey order (parameter `ref`); built once.
EVENTS_OF = (
    select(
        _events.c.ref,
        _events.c.type,
        _events.c.date,
        _events.c.canonical,
        _events.c.supersedes_ref,
        _events.c.leaf_index,
    )
    .where(_events.c.worker_ref == bindparam("ref"))
    .order_by(_events.c.date, _events.c.leaf_index)
)


def _events_of(conn: Connection, worker_ref: str) -> list[StoredEvent]:
    return stored_events(conn.execute(EVENTS_OF, {"ref": worker_ref}).all())


def erase_worker(settings: Settings, engine: Engine, ref: str, *, actor: str) -> int:
    """Crypto-shred worker `ref`; returns how many log leaves became unopenable."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        row = conn.execute(
            select(_workers.c.ref, _workers.c.erased_at).where(_workers.c.ref == ref)
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no worker with reference '{ref}'; check the spelling")
        if row.erased_at is not None:
            raise FairpathError(f"worker {ref} was already erased on {row.erased_at:%Y-%m-%d}")
        WorkerKeys(conn, keys.load_master_key(settings), now).destroy(ref)
        conn.execute(
            update(_workers)
            .where(_workers.c.ref == ref)
            .values(pii_ciphertext=None, content_digest=None, erased_at=now)
        )
        conn.execute(
            update(_events)
            .where(_events.c.worker_ref == ref)
            .values(pii_ciphertext=None, content_digest=None)
        )
        shredded = conn.execute(
            update(_entries).where(_entries.c.worker_ref == ref).values(salt_ciphertext=None)
        ).rowcount
        conn.execute(delete(_blind).where(_blind.c.worker_ref == ref))
        write_audit(
            conn,
            at=now,
            actor=actor,
            action="erase_worker",
            subject=f"worker:{ref}",
            detail=f"data key destroyed; {shredded} log leaves unopenable",
        )
    _scrub_old_versions(engine)
    return int(shredded)


def _scrub_old_versions(engine: Engine) -> None:
    # Deleted bytes can linger: SQLite keeps old pages in the WAL until a checkpoint (and
    # secure_delete zeroes freed cells); PostgreSQL keeps dead tuples until VACUUM. Flush both
    # so the destroyed key is gone from disk, not just unreachable.
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (WorkerKeyRow, WorkerRow, EventRow, LogEntryRow, BlindIndexRow):
            conn.execute(text(f"VACUUM {table.__tablename__}"))
