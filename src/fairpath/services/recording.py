"""Recording journey records: store them, encrypt personal data, commit them to the log.

`Recorder` works inside a transaction its caller opened (the import of one file, an API call)
and does, for each batch of validated records, what DESIGN.md §3a says one transaction does:
store the record (personal data encrypted with the worker's key), append its commitment leaf
to the journey log (spec/ledger.md "What goes into a leaf"), and compare re-imports with what
is stored — the same record again is a no-op, the same identity with other content is a
conflict naming both versions (spec/journey-format.md §4).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection

from fairpath.ledger.log import Log
from fairpath.privacy.envelope import MasterKey, Nonces, encrypt_with
from fairpath.services.preparing import COLUMNS, Keys, Prepared
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage import records as store
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import BlindIndexRow, LogEntryRow, table_of

# The columns each kind of record stores after those of `preparing.COLUMNS`.
_COMMON = ("canonical", "leaf_index", "recorded_at", "import_id")
_STORED = {
    "organization": _COMMON,
    "site": _COMMON,
    "link": _COMMON,
    "worker": (*_COMMON, "content_digest", "pii_ciphertext", "erased_at"),
    "event": (*_COMMON, "content_digest", "pii_ciphertext"),
}
_ENTRY = (
    "leaf_index",
    "leaf",
    "record_kind",
    "record_ref",
    "worker_ref",
    "salt",
    "salt_ciphertext",
    "recorded_at",
)
_BLIND = ("worker_ref", "field", "digest")

# AES-GCM objects kept per transaction: enough for any batch, bounded so that a file of a
# million workers does not keep a million of them.
CIPHER_CACHE = 4096


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


class Recorder:
    """Stores batches of prepared records and their log commitments in the caller's transaction."""

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
        self.preparing_keys = Keys(
            digest=master_key.derive("content-digest"), blind=master_key.derive("blind-index")
        )
        self._ciphers: dict[str, AESGCM] = {}
        self._nonces = Nonces()

    def record(self, batch: Sequence[Prepared]) -> BatchOutcome:
        """Store the new records of `batch`; report unchanged ones and conflicts."""
        outcome = BatchOutcome()
        fresh = self._fresh(batch, outcome)
        if not fresh:
            return outcome
        self.keys.load([p.worker_ref for p in fresh if p.worker_ref is not None])
        first = self._append_to_log(fresh)
        rows: dict[str, list[tuple[Any, ...]]] = {}
        names: dict[str, tuple[str, ...]] = {}
        blind: list[tuple[str, str, bytes]] = []
        for index, prepared in enumerate(fresh, first):
            kind = prepared.kind
            if kind not in names:
                names[kind] = (*COLUMNS[kind], *_STORED[kind])
                rows[kind] = []
            rows[kind].append(self._row(prepared, index))
            blind.extend((prepared.key, name, digest) for name, digest in prepared.blind)
        for kind in ("organization", "site", "link", "worker", "event"):
            if kind in rows:
                store.insert(self.conn, kind, names[kind], rows[kind])
        store.insert_rows(self.conn, table_of(BlindIndexRow), _BLIND, blind)
        outcome.added = len(fresh)
        return outcome

    def _append_to_log(self, fresh: Sequence[Prepared]) -> int:
        """Append the batch's leaves to the journey log with their openings; first index."""
        first = self.log.append([p.leaf for p in fresh])
        entries = [self._entry(p, index) for index, p in enumerate(fresh, first)]
        store.insert_rows(self.conn, table_of(LogEntryRow), _ENTRY, entries)
        return first

    # -- comparing with what is stored ------------------------------------------------------

    def _fresh(self, batch: Sequence[Prepared], outcome: BatchOutcome) -> list[Prepared]:
        by_kind: dict[str, list[str]] = {}
        for p in batch:
            by_kind.setdefault(p.kind, []).append(p.key)
        stored = {
            kind: store.stored_versions(self.conn, kind, keys) for kind, keys in by_kind.items()
        }
        if not any(stored.values()) and all(len(set(k)) == len(k) for k in by_kind.values()):
            return list(batch)  # the usual case: nothing stored yet, nothing twice
        fresh: list[Prepared] = []
        seen: dict[tuple[str, str], Prepared] = {}
        for p in batch:
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

    def _same(self, p: Prepared, version: store.StoredVersion) -> bool:
        if version.erased:
            return False
        if version.content_digest is not None:
            return hmac.compare_digest(version.content_digest, p.digest)
        return version.canonical == p.canonical_text

    def _stored_conflict(self, p: Prepared, version: store.StoredVersion) -> Conflict:
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

    def _row(self, p: Prepared, index: int) -> tuple[Any, ...]:
        """The row of a record: its columns, then `_STORED[kind]`'s, in that order."""
        common = (p.canonical_text, index, self.now, self.import_id)
        if p.kind == "worker":
            sealed = self._seal(p.key, p.personal, f"worker:{p.key}:pii")
            return (*p.columns, *common, p.digest, sealed, None)
        if p.kind == "event":
            sealed = self._seal(p.worker_ref, p.personal, f"event:{p.key}:pii")
            return (*p.columns, *common, p.digest, sealed)
        return (*p.columns, *common)

    def _seal(self, worker_ref: str | None, plaintext: bytes | None, place: str) -> bytes | None:
        if plaintext is None or worker_ref is None:
            return None
        return self._encrypt(worker_ref, plaintext, place.encode())

    def _encrypt(self, worker_ref: str, plaintext: bytes, place: bytes) -> bytes:
        # One AES-GCM object per worker key per transaction (building one costs as much as
        # the encryption itself); same format as privacy.envelope.encrypt.
        cipher = self._ciphers.get(worker_ref)
        if cipher is None:
            if len(self._ciphers) >= CIPHER_CACHE:  # a file's workers come one after another
                self._ciphers.clear()
            cipher = self._ciphers[worker_ref] = AESGCM(self.keys.data_key(worker_ref))
        return encrypt_with(cipher, plaintext, place, self._nonces.take())

    def _entry(self, p: Prepared, index: int) -> tuple[Any, ...]:
        """A log entry's row, in `_ENTRY`'s order."""
        if p.worker_ref is None:
            salt, sealed = p.salt, None
        else:
            salt, sealed = None, self._encrypt(p.worker_ref, p.salt, f"salt:{index}".encode())
        return (index, p.leaf, p.kind, p.key, p.worker_ref, salt, sealed, self.now)


def _in_file_conflict(p: Prepared, earlier: Prepared) -> Conflict:
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
