"""The journey log's storage in the database: a `fairpath.ledger.log.LogStore` on SQL.

One instance lives for one transaction: `SqlLogStore.locked(conn)` takes the log's write lock
first, so the size it reads stays true until commit, and appends land in the same transaction
as the records they commit to (spec/ledger.md "Behaviour"). Hashes are kept 256 to a row
(`log_hashes`); entries are the `leaf` column of `log_entries`, written by the caller with
the opening data beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, select, update

from fairpath.ledger.errors import LogError
from fairpath.ledger.log import SignedCheckpoint
from fairpath.ledger.merkle import HASH_SIZE, NodeId
from fairpath.storage.models import LogEntryRow, LogHashRow, LogStateRow, table_of

CHUNK = 256
_state = table_of(LogStateRow)
_hashes = table_of(LogHashRow)
_entries = table_of(LogEntryRow)


# Chunks of hashes kept in memory at most (each up to 8 KiB).
CHUNKS_KEPT = 1024
# Chunks of one level read in one query when a caller reads whole tiles in order (512 KiB).
CHUNKS_AHEAD = 64
# Entries read in one query when a caller reads a log in order (about 1 MB).
ENTRIES_AHEAD = 16_384

# Built once: writing the tiles of a million entries reads thousands of chunks.
_ONE_CHUNK = select(_hashes.c.hashes).where(
    _hashes.c.level == bindparam("level"), _hashes.c.chunk == bindparam("chunk")
)
_CHUNKS_FROM = (
    select(_hashes.c.chunk, _hashes.c.hashes)
    .where(
        _hashes.c.level == bindparam("level"),
        _hashes.c.chunk >= bindparam("first"),
        _hashes.c.chunk < bindparam("end"),
    )
    .order_by(_hashes.c.chunk)
)
_ENTRIES_FROM = (
    select(_entries.c.leaf)
    .where(_entries.c.leaf_index >= bindparam("first"), _entries.c.leaf_index < bindparam("end"))
    .order_by(_entries.c.leaf_index)
)


class SqlLogStore:
    """LogStore over one connection inside a transaction that holds the log's lock."""

    def __init__(self, conn: Connection, size: int) -> None:
        self.conn = conn
        self._size = size
        self._chunks: dict[tuple[int, int], bytes] = {}
        self._ahead_start = 0  # entries read ahead, from this index
        self._ahead: list[bytes] = []

    @classmethod
    def locked(cls, conn: Connection) -> SqlLogStore:
        """Take the log's write lock for this transaction and read its size."""
        if conn.dialect.name == "sqlite":
            # A write first makes SQLite take its write lock now, before the read below, so
            # two writers cannot both read the same size (WAL would refuse the second later).
            conn.execute(update(_state).where(_state.c.id == 1).values(size=_state.c.size))
            size = conn.scalar(select(_state.c.size).where(_state.c.id == 1))
        else:
            size = conn.scalar(select(_state.c.size).where(_state.c.id == 1).with_for_update())
        if size is None:
            raise LogError("the journey log's state row is missing; run `fairpath init`")
        return cls(conn, int(size))

    @classmethod
    def reader(cls, conn: Connection) -> SqlLogStore:
        """A read-only view of the log as committed (no lock taken)."""
        size = conn.scalar(select(_state.c.size).where(_state.c.id == 1))
        return cls(conn, int(size or 0))

    def tree_size(self) -> int:
        """Number of committed entries (including this transaction's appends)."""
        return self._size

    def _chunk(self, level: int, chunk: int) -> bytes:
        key = (level, chunk)
        if key not in self._chunks:
            data = self.conn.scalar(_ONE_CHUNK, {"level": level, "chunk": chunk})
            self._keep(key, bytes(data) if data is not None else b"")
        return self._chunks[key]

    def _read_ahead(self, level: int, chunk: int) -> None:
        """Keep chunks `chunk` … `chunk + CHUNKS_AHEAD - 1` of `level` (those stored)."""
        if (level, chunk) in self._chunks:
            return
        rows = self.conn.execute(
            _CHUNKS_FROM, {"level": level, "first": chunk, "end": chunk + CHUNKS_AHEAD}
        )
        for index, data in rows:
            self._keep((level, int(index)), bytes(data))

    def _keep(self, key: tuple[int, int], data: bytes) -> None:
        if len(self._chunks) >= CHUNKS_KEPT and key not in self._chunks:
            # Appending a million entries, or reading a whole log (writing its tiles, auditing
            # it), would otherwise keep every hash in memory: 64 MB a million entries. Every
            # chunk is stored, so a forgotten one is read again when needed (appends only read
            # back the right edge of each level).
            self._chunks.clear()
        self._chunks[key] = data

    def read_hashes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """Stored hashes for `ids`, in order."""
        run = self._run(ids)
        if run is not None:
            return run
        out = []
        for level, index in ids:
            chunk, offset = divmod(index, CHUNK)
            data = self._chunk(level, chunk)[offset * HASH_SIZE : (offset + 1) * HASH_SIZE]
            if len(data) != HASH_SIZE:
                raise LogError(f"the log has no stored hash at level {level}, index {index}")
            out.append(data)
        return out

    def _run(self, ids: Sequence[NodeId]) -> list[bytes] | None:
        """The hashes of `ids` when they are consecutive on one level within one stored chunk
        (a full Merkle tile is exactly one chunk), sliced at once; else None."""
        if len(ids) < 2:
            return None
        level, first = ids[0]
        chunk, offset = divmod(first, CHUNK)
        if offset + len(ids) > CHUNK or list(ids) != [(level, first + i) for i in range(len(ids))]:
            return None
        self._read_ahead(level, chunk)  # the next tiles' chunks come with this one
        data = self._chunk(level, chunk)[offset * HASH_SIZE : (offset + len(ids)) * HASH_SIZE]
        if len(data) != len(ids) * HASH_SIZE:
            return None  # let the hash-by-hash path name the missing one
        return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]

    def read_entries(self, start: int, count: int) -> list[bytes]:
        """Entries [start, start + count)."""
        at = start - self._ahead_start
        if at >= 0 and at + count <= len(self._ahead):
            return self._ahead[at : at + count]
        # Writing the tiles of a large log asks for its entries 256 at a time: read further
        # ahead in one query (bounded by the log's size and ENTRIES_AHEAD).
        want = max(count, min(ENTRIES_AHEAD, self._size - start))
        if want > count:
            ahead = self._entries_between(start, want)
            if len(ahead) == want:
                self._ahead_start, self._ahead = start, ahead
                return ahead[:count]
        entries = self._entries_between(start, count)
        if len(entries) != count:
            raise LogError(f"the log is missing entries between {start} and {start + count - 1}")
        return entries

    def _entries_between(self, start: int, count: int) -> list[bytes]:
        leaves = self.conn.scalars(_ENTRIES_FROM, {"first": start, "end": start + count}).all()
        return [bytes(leaf) for leaf in leaves]

    def append(self, start: int, entries: Sequence[bytes], levels: Sequence[bytes]) -> None:
        """Store the new hashes of every level; the caller stores the entries themselves."""
        if start != self._size:
            raise LogError(f"append at {start} but the log holds {self._size} entries")
        for level, data in enumerate(levels):
            self._write_level(level, start >> level, data)
        self._size += len(entries)
        self.conn.execute(update(_state).where(_state.c.id == 1).values(size=self._size))

    def _write_level(self, level: int, first: int, data: bytes) -> None:
        inserts = []
        index, pos = first, 0
        while pos < len(data):
            chunk, offset = divmod(index, CHUNK)
            take = min((CHUNK - offset) * HASH_SIZE, len(data) - pos)
            piece = data[pos : pos + take]
            if offset:
                merged = self._chunk(level, chunk) + piece
                self.conn.execute(
                    update(_hashes)
                    .where(_hashes.c.level == level, _hashes.c.chunk == chunk)
                    .values(hashes=merged)
                )
            else:
                merged = piece
                inserts.append({"level": level, "chunk": chunk, "hashes": merged})
            self._keep((level, chunk), merged)
            index += take // HASH_SIZE
            pos += take
        if inserts:
            self.conn.execute(_hashes.insert(), inserts)

    def latest_signed(self) -> SignedCheckpoint | None:
        """The last checkpoint the log signed."""
        row = self.conn.execute(select(_state).where(_state.c.id == 1)).one()
        if row.signed_note is None:
            return None
        return SignedCheckpoint(
            int(row.signed_size), bytes(row.signed_root), row.signed_note, int(row.signed_at)
        )

    def replace_signed(self, previous: SignedCheckpoint | None, new: SignedCheckpoint) -> None:
        """Compare-and-swap the last signed checkpoint within this transaction."""
        condition = (
            _state.c.signed_note.is_(None)
            if previous is None
            else _state.c.signed_note == previous.note
        )
        result = self.conn.execute(
            update(_state)
            .where(_state.c.id == 1, condition)
            .values(
                signed_size=new.size,
                signed_root=new.root,
                signed_note=new.note,
                signed_at=new.signed_at,
            )
        )
        if result.rowcount != 1:
            raise LogError("another writer signed a checkpoint meanwhile; try again")
