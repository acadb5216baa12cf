"""RFC 6962 / RFC 9162 §2.1 Merkle tree hashing, proofs and their verification.

Owns: leaf and node hashes, the empty-tree root, the compact range used to
append in O(log n), proof *generation* from stored perfect-subtree hashes
(the same hashes tlog-tiles stores) and proof *verification*.

A stored hash is addressed by a ``NodeId`` ``(level, index)``: the root of the
perfect subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``.
Proofs are generated through a ``HashReader`` so that a log of ten million
entries costs O(log n) reads per proof, never a recomputation of the tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from fairpath.ledger.errors import ProofError

HASH_SIZE = 32
#: MTH({}) = SHA-256("") (RFC 6962 §2.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
Range = tuple[int, int]

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """RFC 6962 §2.1: MTH({d}) = SHA-256(0x00 || d)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


class HashReader(Protocol):
    """Reads stored perfect-subtree hashes; one call per proof (batched)."""

    def read_hashes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """Return the hash of each ``(level, index)`` in ``ids``, in order."""
        ...


def _split(size: int) -> int:
    """Largest power of two strictly smaller than ``size`` (RFC 6962 §2.1), size >= 2."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_blocks(lo: int, hi: int) -> list[NodeId]:
    """Decompose an aligned range ``[lo, hi)`` into perfect subtrees, largest first."""
    blocks: list[NodeId] = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        blocks.append((level, lo >> level))
        lo += 1 << level
    return blocks


def fold_blocks(hashes: Sequence[bytes]) -> bytes:
    """Root of a range from its perfect-subtree roots (largest first), folding right."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = _sha256(b"\x01" + h + acc).digest()
    return acc


def ranges_root(reader: HashReader, ranges: Sequence[Range]) -> list[bytes]:
    """Compute MTH of each aligned range with a single batched read."""
    plan = [perfect_blocks(lo, hi) for lo, hi in ranges]
    flat = reader.read_hashes([b for blocks in plan for b in blocks])
    out: list[bytes] = []
    pos = 0
    for blocks in plan:
        out.append(fold_blocks(flat[pos : pos + len(blocks)]))
        pos += len(blocks)
    return out


def tree_root(reader: HashReader, size: int) -> bytes:
    """MTH(D[size]) from stored hashes; the empty tree's root is SHA-256("")."""
    if size == 0:
        return EMPTY_ROOT
    return ranges_root(reader, [(0, size)])[0]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges whose roots form PATH(index, D[size]) (RFC 6962 §2.1.1), leaf first."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf index {index} is outside a tree of size {size}.")
    ranges: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(old: int, new: int) -> list[Range]:
    """The ranges whose roots form PROOF(old, D[new]) (RFC 6962 §2.1.2), in proof order."""
    if not 0 < old <= new:
        raise ProofError(f"No consistency proof exists from size {old} to size {new}.")
    ranges: list[Range] = []
    lo, hi, m, complete = 0, new, old, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def inclusion_proof(reader: HashReader, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) from stored hashes: O(log n) reads in one batch.

    Same ranges as ``inclusion_ranges`` (RFC 6962 §2.1.1); a left sibling is always
    one perfect subtree, so only right siblings on the tree's right edge need folding.
    """
    if not 0 <= index < size:
        raise ProofError(f"Leaf index {index} is outside a tree of size {size}.")
    ids: list[NodeId] = []
    groups: list[int] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        mid = lo + k
        if index < mid:
            width = hi - mid
            if width & (width - 1) == 0:
                level = width.bit_length() - 1
                ids.append((level, mid >> level))
                groups.append(1)
            else:
                blocks = perfect_blocks(mid, hi)
                ids.extend(blocks)
                groups.append(len(blocks))
            hi = mid
        else:
            level = k.bit_length() - 1
            ids.append((level, lo >> level))
            groups.append(1)
            lo = mid
    return _grouped(reader.read_hashes(ids), groups)


def _grouped(hashes: list[bytes], groups: list[int]) -> list[bytes]:
    """Fold consecutive runs of ``groups`` sizes, then reverse into leaf-first order."""
    out: list[bytes] = []
    pos = 0
    for g in groups:
        out.append(hashes[pos] if g == 1 else fold_blocks(hashes[pos : pos + g]))
        pos += g
    out.reverse()
    return out


def consistency_proof(reader: HashReader, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[new]) from stored hashes; empty when old == new."""
    if old == new:
        return []
    return ranges_root(reader, consistency_ranges(old, new))


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"The {what} must be a {HASH_SIZE}-byte SHA-256 hash.")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2 steps 1-4: the root implied by an inclusion proof."""
    if index >= size or index < 0:
        raise ProofError(f"Leaf index {index} is outside a tree of size {size}.")
    _check_hash(leaf, "leaf hash")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check_hash(p, "proof hash")
        if sn == 0:
            raise ProofError("The inclusion proof is longer than the tree allows.")
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:  # step 4.b.ii
                fn >>= 1
                sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The inclusion proof is shorter than the tree requires.")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless ``leaf`` is at ``index`` under ``root``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError("The inclusion proof does not lead to the checkpoint's root hash.")


def _consistency_roots(
    old: int, new: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """RFC 9162 §2.1.4.2 steps 2-6 for 0 < old < new; returns (fr, sr)."""
    path = list(proof)
    for p in path:
        _check_hash(p, "proof hash")
    _check_hash(old_root, "old root hash")
    if old & (old - 1) == 0:  # step 2: old is an exact power of two
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("The consistency proof is longer than the trees allow.")
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The consistency proof is shorter than the trees require.")
    return fr, sr


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2 as transparency-dev/merkle reads it ("strict" behaviour).

    A proof from the empty tree (``old == 0``) is rejected as meaningless, even
    to another empty tree; ``old == new`` needs an empty proof and equal roots.
    """
    if old < 0 or new < old:
        raise ProofError(f"Size {new} is smaller than size {old}: the log went backwards.")
    if old == 0:
        raise ProofError("A consistency proof from the empty tree proves nothing.")
    if old == new:
        if proof:
            raise ProofError("Equal sizes need an empty consistency proof.")
        if old_root != new_root:
            raise ProofError("Two trees of the same size have different roots: a fork.")
        return
    if not proof:
        raise ProofError("The consistency proof is empty.")
    fr, sr = _consistency_roots(old, new, old_root, proof)
    if fr != old_root or sr != new_root:
        raise ProofError("The consistency proof does not link the two root hashes.")


def verify_consistency_from_any(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """C2SP tlog-witness behaviour: the empty tree is consistent with any tree.

    ``old == 0`` needs an empty proof and ``old_root == SHA-256("")``; a tree of
    size 0 must carry SHA-256(""). Otherwise identical to ``verify_consistency``.
    """
    if new == 0 and new_root != EMPTY_ROOT:
        raise ProofError('An empty tree must have the root SHA-256("").')
    if old == 0:
        if proof:
            raise ProofError("A consistency proof from size 0 must be empty.")
        if old_root != EMPTY_ROOT:
            raise ProofError('An empty tree must have the root SHA-256("").')
        if new < 0:
            raise ProofError(f"Size {new} is negative.")
        return
    verify_consistency(old, new, old_root, new_root, proof)


class CompactRange:
    """RFC 6962 append in O(1) amortised hashing: a stack of perfect-subtree roots."""

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._size = 0
        self._stack: list[bytes] = []

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash, merging equal-sized perfect subtrees."""
        _check_hash(leaf, "leaf hash")
        h, n = leaf, self._size
        while n & 1:
            h = _sha256(b"\x01" + self._stack.pop() + h).digest()
            n >>= 1
        self._stack.append(h)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append many leaf hashes."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """MTH of the leaves appended so far."""
        return fold_blocks(self._stack) if self._stack else EMPTY_ROOT
