"""Exporting the stored data set in the journey format (spec/journey-format.md §4).

Records stream from the database in the export order of `interchange.writers` (organizations,
sites, links, workers, then each worker's events by date) straight into a writer, so an export
of millions of events stays flat in memory. Every version of every event is exported —
superseded ones too — so importing the export into an empty installation reproduces the data
set exactly. Personal data is included only when asked for; that read is audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Table, select

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.interchange.canonical import with_pii
from fairpath.interchange.writers import write_csv, write_jsonl, write_xlsx
from fairpath.privacy.envelope import decrypt
from fairpath.services import keys
from fairpath.services.audit import write_audit
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage.models import (
    EventRow,
    LinkRow,
    OrganizationRow,
    SiteRow,
    WorkerRow,
    table_of,
)

ExportFormat = Literal["jsonl", "csv", "xlsx"]
_STREAM = 5000


@dataclass(frozen=True)
class ExportReport:
    """Where the export went and how many records it holds."""

    path: Path
    records: int
    personal_data: bool


def export_data_set(
    settings: Settings,
    engine: Engine,
    out: Path,
    *,
    form: ExportFormat,
    include_personal_data: bool,
    actor: str,
) -> ExportReport:
    """Write every stored record to `out` (a file, or a directory for CSV)."""
    if form != "csv" and out.is_dir():
        raise FairpathError(f"{out} is a directory; give a file name such as export.{form}")
    now = datetime.now(UTC)
    with engine.connect() as conn:
        reader = _Reader(conn, settings, now) if include_personal_data else None
        counter = _Counter(_records(conn, reader))
        if form == "jsonl":
            write_jsonl(counter, out, include_personal_data=include_personal_data)
        elif form == "csv":
            write_csv(counter, out, include_personal_data=include_personal_data)
        else:
            write_xlsx(counter, out, include_personal_data=include_personal_data)
        write_audit(
            conn,
            at=now,
            actor=actor,
            action="export_with_personal_data" if include_personal_data else "export",
            subject=str(out.name),
            detail=f"{counter.count} records",
        )
        conn.commit()
    return ExportReport(out, counter.count, include_personal_data)


class _Counter:
    """Counts records as a writer consumes them."""

    def __init__(self, records: Iterator[dict[str, Any]]) -> None:
        self._records = records
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in self._records:
            self.count += 1
            yield record


class _Reader:
    """Decrypts personal data of the records being exported."""

    def __init__(self, conn: Connection, settings: Settings, now: datetime) -> None:
        self.keys = WorkerKeys(conn, keys.load_master_key(settings), now)

    def personal(self, worker_ref: str, place: str, ciphertext: bytes | None) -> Any:
        if ciphertext is None:
            return None
        key = self.keys.find(worker_ref)
        if key is None:
            return None  # erased: nothing to export
        return json.loads(decrypt(key, ciphertext, place.encode()))


def _records(conn: Connection, reader: _Reader | None) -> Iterator[dict[str, Any]]:
    yield from _plain(conn, table_of(OrganizationRow), ["ref"])
    yield from _plain(conn, table_of(SiteRow), ["ref"])
    yield from _plain(conn, table_of(LinkRow), ["from_ref", "to_ref", "type"])
    workers = table_of(WorkerRow)
    for row in _stream(conn, workers, ["ref"]):
        record = json.loads(row.canonical)
        if reader is not None:
            record = with_pii(
                record, reader.personal(row.ref, f"worker:{row.ref}:pii", row.pii_ciphertext)
            )
        yield record
    events = table_of(EventRow)
    for row in _stream(conn, events, ["worker_ref", "date", "ref"]):
        record = json.loads(row.canonical)
        if reader is not None:
            place = f"event:{row.ref}:pii"
            record = with_pii(record, reader.personal(row.worker_ref, place, row.pii_ciphertext))
        yield record


def _plain(conn: Connection, table: Table, order: list[str]) -> Iterator[dict[str, Any]]:
    for row in _stream(conn, table, order):
        yield json.loads(row.canonical)


def _stream(conn: Connection, table: Table, order: list[str]) -> Iterator[Any]:
    statement = (
        select(table)
        .order_by(*(table.c[name] for name in order))
        .execution_options(stream_results=True, yield_per=_STREAM)
    )
    yield from conn.execute(statement)
