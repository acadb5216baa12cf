"""Recording journey records: store them, encrypt personal data, commit them to the log.

`Recorder` works inside a transaction its caller opened (the import of one file, an API call)
and does, for each batch of validated records, what DESIGN.md §3a says one transaction does:
store the record (personal data encrypted with the worker's key), append its commitment leaf
to the journey log (spec/ledger.md "What goes into a leaf"), and compare re-imports with what
is stored — the same record again is a no-op, the same identity with other content is a
conflict naming both versions (spec/journey-format.md §4).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from fairpath.domain.journey import Link, Organization, Record, Site, Worker
from fairpath.interchange.canonical import canonical_bytes, pii_of, strip_pii, to_canonical
from fairpath.ledger.commitment import SALT_SIZE, TAG, VERSION
from fairpath.ledger.log import Log
from fairpath.privacy.envelope import MasterKey, blind_index, encrypt
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage import records as store
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import BlindIndexRow, LogEntryRow, table_of

# Which personal fields get a blind index, so staff can find a worker by them.
BLIND_INDEXED = ("passport_number", "phone")


@dataclass(frozen=True, slots=True)
class Located:
    """A validated record and where it came from (e.g. `payslips.csv line 14`)."""

    where: str
    record: Record
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """A record whose identity is stored already with other content."""

    where: str
    identity: str
    message: str
    line: int | None = None


@dataclass
class BatchOutcome:
    """What one batch did."""

    added: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def identity(record: Record) -> tuple[str, str]:
    """(kind, key) under which a record is unique (links: from|to|type)."""
    if isinstance(record, Link):
        return "link", "|".join(record.identity)
    fields = record.__dict__  # every other top-level record has a kind and a ref
    return str(fields["kind"]), str(fields["ref"])


class Recorder:
    """Stores batches of records and their log commitments in the caller's transaction."""

    def __init__(
        self,
        conn: Connection,
        master_key: MasterKey,
        *,
        now: datetime,
        origin: str,
        import_id: int | None = None,
    ) -> None:
        self.conn = conn
        self.now = now
        self.import_id = import_id
        self.log = Log(SqlLogStore.locked(conn), origin)
        self.keys = WorkerKeys(conn, master_key, now)
        self._digest_key = master_key.derive("content-digest")
        self._blind_key = master_key.derive("blind-index")

    def record(self, batch: Sequence[Located]) -> BatchOutcome:
        """Store the new records of `batch`; report unchanged ones and conflicts."""
        outcome = BatchOutcome()
        fresh = self._fresh(batch, outcome)
        if not fresh:
            return outcome
        worker_refs = [w for w in (_worker_ref(p.record) for p in fresh) if w is not None]
        self.keys.load(worker_refs)
        first = self.log.size
        leaves = [p.leaf for p in fresh]
        self.log.append(leaves)
        rows: dict[str, list[dict[str, Any]]] = {}
        entries: list[dict[str, Any]] = []
        blind: list[dict[str, Any]] = []
        for offset, prepared in enumerate(fresh):
            index = first + offset
            kind, row = self._row(prepared, index)
            rows.setdefault(kind, []).append(row)
            entries.append(self._entry(prepared, index))
            blind.extend(self._blind_rows(prepared))
        for kind in ("organization", "site", "link", "worker", "event"):
            store.insert(self.conn, kind, rows.get(kind, []))
        self.conn.execute(table_of(LogEntryRow).insert(), entries)
        if blind:
            self.conn.execute(table_of(BlindIndexRow).insert(), blind)
        outcome.added = len(fresh)
        return outcome

    # -- comparing with what is stored ------------------------------------------------------

    def _fresh(self, batch: Sequence[Located], outcome: BatchOutcome) -> list[_Prepared]:
        prepared = [self._prepare(item) for item in batch]
        by_kind: dict[str, list[str]] = {}
        for p in prepared:
            by_kind.setdefault(p.kind, []).append(p.key)
        stored = {
            kind: store.stored_versions(self.conn, kind, keys) for kind, keys in by_kind.items()
        }
        fresh: list[_Prepared] = []
        seen: dict[tuple[str, str], _Prepared] = {}
        for p in prepared:
            earlier = seen.get((p.kind, p.key))
            version = stored[p.kind].get(p.key)
            if earlier is not None:
                if earlier.digest == p.digest:
                    outcome.unchanged += 1
                else:
                    outcome.conflicts.append(_in_file_conflict(p, earlier))
            elif version is None:
                seen[(p.kind, p.key)] = p
                fresh.append(p)
            elif self._same(p, version):
                outcome.unchanged += 1
            else:
                outcome.conflicts.append(self._stored_conflict(p, version))
        return fresh

    def _same(self, p: _Prepared, version: store.StoredVersion) -> bool:
        if version.erased:
            return False
        if version.content_digest is not None:
            return hmac.compare_digest(version.content_digest, p.digest)
        return version.canonical == p.canonical_text

    def _stored_conflict(self, p: _Prepared, version: store.StoredVersion) -> Conflict:
        label = store.import_label(self.conn, version.import_id)
        if version.erased:
            message = (
                f"{p.kind} {p.key} was erased at {version.recorded_at:%Y-%m-%d}; its personal "
                "data cannot be imported again — remove it from the file"
            )
        else:
            changed = _changed_fields(version.canonical, p.canonical_text)
            what = f" (differs in: {', '.join(changed)})" if changed else " (personal data differs)"
            message = (
                f"{p.kind} {p.key} is already stored with other content{what}, "
                f"from {label}. Records are never edited: to correct an event, add a new event "
                "with `supersedes` naming the old one; otherwise make this line match."
            )
        return Conflict(p.where, p.key, message, p.line)

    # -- building rows -----------------------------------------------------------------------

    def _prepare(self, item: Located) -> _Prepared:
        kind, key = identity(item.record)
        full = to_canonical(item.record)
        personal = pii_of(full)
        public_bytes = canonical_bytes(strip_pii(full))
        digest = hmac.new(self._digest_key, canonical_bytes(full), hashlib.sha256).digest()
        salt = os.urandom(SALT_SIZE)
        # The leaf commits to the record without personal data (spec/ledger.md: no personal
        # data on the log); the salt keeps it hiding. Same bytes as ledger.commitment.leaf_bytes.
        leaf = bytes([VERSION]) + hashlib.sha256(TAG + salt + public_bytes).digest()
        return _Prepared(
            where=item.where,
            line=item.line,
            record=item.record,
            kind=kind,
            key=key,
            canonical_text=public_bytes.decode(),
            personal=personal,
            digest=digest,
            salt=salt,
            leaf=leaf,
        )

    def _row(self, p: _Prepared, index: int) -> tuple[str, dict[str, Any]]:
        row: dict[str, Any] = {
            "canonical": p.canonical_text,
            "leaf_index": index,
            "recorded_at": self.now,
            "import_id": self.import_id,
        }
        r = p.record
        if isinstance(r, Organization):
            row.update(
                ref=r.ref,
                name=r.name,
                country=r.country,
                roles=";".join(r.roles),
                iris_status=r.iris_status.value,
            )
        elif isinstance(r, Site):
            row.update(ref=r.ref, org_ref=r.org_ref, country=r.country, sector=r.sector.value)
        elif isinstance(r, Link):
            row.update(from_ref=r.from_ref, to_ref=r.to_ref, type=r.type.value, tier=r.tier)
        elif isinstance(r, Worker):
            row.update(
                ref=r.ref,
                origin_country=r.origin_country,
                destination_country=r.destination_country,
                sector=r.sector.value,
                employer_ref=r.employer_ref,
                site_ref=r.site_ref,
                content_digest=p.digest,
                pii_ciphertext=self._encrypt_personal(r.ref, f"worker:{r.ref}:pii", p.personal),
                erased_at=None,
            )
        else:
            event: Any = r
            row.update(
                ref=event.ref,
                worker_ref=event.worker_ref,
                type=event.type.value,
                date=event.date,
                supersedes_ref=event.supersedes,
                content_digest=p.digest,
                pii_ciphertext=self._encrypt_personal(
                    event.worker_ref, f"event:{event.ref}:pii", p.personal
                ),
            )
        return p.kind, row

    def _encrypt_personal(self, worker_ref: str, place: str, personal: Any) -> bytes | None:
        if personal is None:
            return None
        plaintext = json.dumps(personal, sort_keys=True, ensure_ascii=False).encode()
        return encrypt(self.keys.data_key(worker_ref), plaintext, place.encode())

    def _entry(self, p: _Prepared, index: int) -> dict[str, Any]:
        worker_ref = _worker_ref(p.record)
        sealed = (
            encrypt(self.keys.data_key(worker_ref), p.salt, f"salt:{index}".encode())
            if worker_ref is not None
            else None
        )
        return {
            "leaf_index": index,
            "leaf": p.leaf,
            "record_kind": p.kind,
            "record_ref": p.key,
            "worker_ref": worker_ref,
            "salt": p.salt if worker_ref is None else None,
            "salt_ciphertext": sealed,
            "recorded_at": self.now,
        }

    def _blind_rows(self, p: _Prepared) -> list[dict[str, Any]]:
        if not isinstance(p.record, Worker) or not isinstance(p.personal, dict):
            return []
        return [
            {
                "worker_ref": p.record.ref,
                "field": name,
                "digest": blind_index(self._blind_key, name, str(p.personal[name])),
            }
            for name in BLIND_INDEXED
            if p.personal.get(name)
        ]


@dataclass(frozen=True, slots=True)
class _Prepared:
    where: str
    line: int | None
    record: Record
    kind: str
    key: str
    canonical_text: str
    personal: Any
    digest: bytes
    salt: bytes
    leaf: bytes


def _worker_ref(record: Record) -> str | None:
    if isinstance(record, Worker):
        return record.ref
    return getattr(record, "worker_ref", None)


def _in_file_conflict(p: _Prepared, earlier: _Prepared) -> Conflict:
    changed = _changed_fields(earlier.canonical_text, p.canonical_text)
    what = f" (differs in: {', '.join(changed)})" if changed else " (personal data differs)"
    return Conflict(
        p.where,
        p.key,
        f"{p.kind} {p.key} appears twice with different content{what}; the other version is "
        f"at {earlier.where}. Keep one, or add a correcting event with `supersedes`.",
        p.line,
    )


def _changed_fields(old: str, new: str) -> list[str]:
    """Top-level and data-level field names whose values differ (never the values)."""
    a, b = json.loads(old), json.loads(new)
    changed = []
    for name in sorted(set(a) | set(b)):
        if name == "data" and isinstance(a.get(name), dict) and isinstance(b.get(name), dict):
            inner = a[name], b[name]
            changed += [
                f"data.{k}"
                for k in sorted(set(inner[0]) | set(inner[1]))
                if inner[0].get(k) != inner[1].get(k)
            ]
        elif a.get(name) != b.get(name):
            changed.append(name)
    return changed
