"""The append-only journey log over a small storage interface.

Owns: the ``LogStore`` protocol (stored perfect-subtree hashes, entries and
the last signed checkpoint) that a SQL store in ``fairpath.storage`` can
implement, ``MemoryLogStore``, and ``Log``: batched appends that write every
new perfect-subtree hash (RFC 6962 §2.1; the hashes tlog-tiles serves), roots,
proofs, and signing checkpoints that are never inconsistent with the last
signed one (C2SP tlog-checkpoint: "a log MUST NOT sign two inconsistent
checkpoints"). No clock: signing time comes in as an argument.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from fairpath.ledger.checkpoint import Checkpoint, sign_checkpoint_note
from fairpath.ledger.errors import LogError, ProofError
from fairpath.ledger.merkle import (
    HASH_SIZE,
    NodeId,
    consistency_proof,
    inclusion_proof,
    tree_root,
    verify_consistency_from_any,
)
from fairpath.ledger.note import NoteSigner

#: tlog-tiles entry bundles length-prefix entries with a uint16.
MAX_ENTRY_SIZE = 0xFFFF

_sha256 = hashlib.sha256


@dataclass(frozen=True)
class SignedCheckpoint:
    """The last checkpoint the log signed: persisted atomically, compared before signing."""

    size: int
    root: bytes
    note: str
    signed_at: int


class LogStore(Protocol):
    """Storage behind the log. Hashes are addressed by ``(level, index)`` (merkle.NodeId)."""

    def tree_size(self) -> int:
        """Number of committed entries."""
        ...

    def read_hashes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """Stored hashes for ``ids``, in order; raise LogError for a missing one."""
        ...

    def read_entries(self, start: int, count: int) -> list[bytes]:
        """Entries ``[start, start + count)``."""
        ...

    def append(self, start: int, entries: Sequence[bytes], levels: Sequence[bytes]) -> None:
        """Atomically add entries at ``start`` (must equal tree_size(), else LogError).

        ``levels[L]`` concatenates the new 32-byte hashes of level L, starting
        at index ``start >> L``.
        """
        ...

    def latest_signed(self) -> SignedCheckpoint | None:
        """The last signed checkpoint, or None before the first signature."""
        ...

    def replace_signed(self, previous: SignedCheckpoint | None, new: SignedCheckpoint) -> None:
        """Compare-and-swap the last signed checkpoint; LogError if ``previous`` is stale."""
        ...


class MemoryLogStore:
    """A LogStore in memory: one bytearray of 32-byte hashes per level."""

    def __init__(self, *, keep_entries: bool = True) -> None:
        self._levels: list[bytearray] = []
        self._entries: list[bytes] | None = [] if keep_entries else None
        self._size = 0
        self._signed: SignedCheckpoint | None = None

    def tree_size(self) -> int:
        """Number of committed entries."""
        return self._size

    def read_hashes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """Slices of the per-level arrays."""
        levels = self._levels
        try:
            out = [bytes(levels[lv][i * 32 : i * 32 + 32]) for lv, i in ids]
        except IndexError as exc:
            raise LogError("A stored tree hash was asked for beyond the log's size.") from exc
        if any(len(h) != HASH_SIZE for h in out):
            raise LogError("A stored tree hash was asked for beyond the log's size.")
        return out

    def read_entries(self, start: int, count: int) -> list[bytes]:
        """Entries ``[start, start + count)``."""
        if self._entries is None:
            raise LogError("This memory store was created without keeping entries.")
        if start < 0 or start + count > self._size:
            raise LogError(f"Entries {start}..{start + count - 1} are beyond the log's size.")
        return self._entries[start : start + count]

    def append(self, start: int, entries: Sequence[bytes], levels: Sequence[bytes]) -> None:
        """Add a batch; the caller computed every new hash."""
        if start != self._size:
            raise LogError(f"Append at {start} but the log holds {self._size} entries.")
        while len(self._levels) < len(levels):
            self._levels.append(bytearray())
        for level, data in enumerate(levels):
            self._levels[level] += data
        if self._entries is not None:
            self._entries.extend(entries)
        self._size += len(entries)

    def latest_signed(self) -> SignedCheckpoint | None:
        """The last signed checkpoint."""
        return self._signed

    def replace_signed(self, previous: SignedCheckpoint | None, new: SignedCheckpoint) -> None:
        """Compare-and-swap."""
        if self._signed != previous:
            raise LogError("Another writer signed a checkpoint meanwhile; retry.")
        self._signed = new


def leaf_hashes(entries: Sequence[bytes]) -> bytes:
    """Concatenated RFC 6962 leaf hashes SHA-256(0x00 || entry)."""
    return b"".join([_sha256(b"\x00" + e).digest() for e in entries])


def pair_hashes(buf: bytes) -> bytes:
    """Concatenated node hashes of consecutive pairs in ``buf`` (odd tail ignored)."""
    end = len(buf) // 64 * 64
    return b"".join([_sha256(b"\x01" + buf[i : i + 64]).digest() for i in range(0, end, 64)])


def new_level_hashes(store: LogStore, start: int, leaves: bytes) -> list[bytes]:
    """Every perfect-subtree hash created by appending ``leaves`` at ``start``."""
    levels, cur, level = [leaves], leaves, 0
    end = start + len(leaves) // HASH_SIZE
    while (end >> (level + 1)) > (start >> (level + 1)):
        lo = start >> level
        if lo & 1:  # the left sibling is already stored
            cur = store.read_hashes([(level, lo - 1)])[0] + cur
        cur = pair_hashes(cur)
        levels.append(cur)
        level += 1
    return levels


class Log:
    """An append-only RFC 6962 log with signed checkpoints."""

    def __init__(self, store: LogStore, origin: str) -> None:
        self.store = store
        self.origin = origin

    @property
    def size(self) -> int:
        """Number of entries."""
        return self.store.tree_size()

    def append(self, entries: Sequence[bytes]) -> int:
        """Append a batch of entries; return the index of the first one."""
        for e in entries:
            if len(e) > MAX_ENTRY_SIZE:
                raise LogError("An entry is larger than 65,535 bytes (tlog-tiles limit).")
        start = self.store.tree_size()
        if entries:
            levels = new_level_hashes(self.store, start, leaf_hashes(entries))
            self.store.append(start, entries, levels)
        return start

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.store.tree_size():
            raise LogError(f"The log has {self.store.tree_size()} entries, not {size}.")

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` entries (default: all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return tree_root(self.store, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3 inclusion proof of entry ``index`` in the tree of ``size``."""
        size = self.size if size is None else size
        self._check_size(size)
        return inclusion_proof(self.store, index, size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4 consistency proof from ``old`` to ``new`` (empty from 0)."""
        new = self.size if new is None else new
        self._check_size(new)
        if not 0 <= old <= new:
            raise LogError(f"No consistency proof from size {old} to size {new}.")
        return [] if old == 0 else consistency_proof(self.store, old, new)

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        """The unsigned checkpoint of the tree of ``size``."""
        size = self.size if size is None else size
        return Checkpoint(self.origin, size, self.root(size))

    def sign_checkpoint(self, signer: NoteSigner, now: int) -> SignedCheckpoint:
        """Sign the current tree after proving it consistent with the last signed one."""
        previous = self.store.latest_signed()
        checkpoint = self.checkpoint()
        if previous is not None:
            self._prove_extends(previous, checkpoint)
        signed = SignedCheckpoint(
            checkpoint.size, checkpoint.root, sign_checkpoint_note(checkpoint, [signer]), now
        )
        self.store.replace_signed(previous, signed)
        return signed

    def _prove_extends(self, previous: SignedCheckpoint, checkpoint: Checkpoint) -> None:
        if previous.size > checkpoint.size:
            raise LogError(
                f"Refusing to sign size {checkpoint.size}: size {previous.size} was signed already."
            )
        proof = self.consistency_proof(previous.size, checkpoint.size)
        try:
            verify_consistency_from_any(
                previous.size, checkpoint.size, previous.root, checkpoint.root, proof
            )
        except ProofError as exc:
            raise LogError(
                "Refusing to sign: the tree is not consistent with the last signed checkpoint."
            ) from exc
