"""Each worker's data key: made on first need, unwrapped once per transaction, destroyed on erase.

Keys are stored wrapped by the master key in `worker_keys`; this cache unwraps each at most
once per transaction. A destroyed key (erased worker) can never be used again: recording new
personal data for an erased worker is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, update

from fairpath.domain.errors import ConflictError
from fairpath.privacy.envelope import MasterKey, new_key
from fairpath.storage import records as store
from fairpath.storage.models import WorkerKeyRow, table_of

_keys = table_of(WorkerKeyRow)

# Unwrapped keys kept per transaction: far more than any batch names, far fewer than a file.
KEPT = 8192


class WorkerKeys:
    """Data keys of workers for one transaction."""

    def __init__(self, conn: Connection, master_key: MasterKey, now: datetime) -> None:
        self.conn = conn
        self.master_key = master_key
        self.now = now
        self._plain: dict[str, bytes | None] = {}

    def load(self, worker_refs: Iterable[str]) -> None:
        """Fetch (or create) the keys of these workers in one round trip."""
        missing = sorted({ref for ref in worker_refs if ref not in self._plain})
        if not missing:
            return
        if len(self._plain) + len(missing) > KEPT:
            # A file's workers come one after another: forget the earlier ones (they are
            # unwrapped again if needed) so a file of a million workers stays flat in memory.
            self._plain.clear()
        wrapped = store.wrapped_keys(self.conn, missing)
        new_rows = []
        for ref in missing:
            if ref in wrapped:
                blob = wrapped[ref]
                self._plain[ref] = None if blob is None else self.master_key.unwrap(blob, ref)
            else:
                key = new_key()
                self._plain[ref] = key
                new_rows.append(
                    {
                        "worker_ref": ref,
                        "wrapped_key": self.master_key.wrap(key, ref),
                        "created_at": self.now,
                        "destroyed_at": None,
                    }
                )
        if new_rows:
            self.conn.execute(_keys.insert(), new_rows)

    def data_key(self, worker_ref: str) -> bytes:
        """The plain data key of a worker (loading it if needed)."""
        if worker_ref not in self._plain:
            self.load([worker_ref])
        key = self._plain[worker_ref]
        if key is None:
            raise ConflictError(
                f"worker {worker_ref} was erased; no personal data can be recorded for them"
            )
        return key

    def find(self, worker_ref: str) -> bytes | None:
        """The data key if the worker has one that is not destroyed; never creates one."""
        if worker_ref not in self._plain:
            wrapped = store.wrapped_keys(self.conn, [worker_ref])
            if worker_ref not in wrapped:
                return None
            blob = wrapped[worker_ref]
            self._plain[worker_ref] = (
                None if blob is None else self.master_key.unwrap(blob, worker_ref)
            )
        return self._plain[worker_ref]

    def destroy(self, worker_ref: str) -> None:
        """Crypto-shred: forget the worker's key for good."""
        self.conn.execute(
            update(_keys)
            .where(_keys.c.worker_ref == worker_ref)
            .values(wrapped_key=None, destroyed_at=self.now)
        )
        self._plain[worker_ref] = None
