"""Generated proofs verify against a naive RFC 6962 root; any single-bit change breaks them."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairpath.ledger.errors import ProofError
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    leaf_hash,
    verify_consistency,
    verify_consistency_from_any,
    verify_inclusion,
)

MAX_N = 300


def naive_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 §2.1, recursively (the reference)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + naive_root(leaves[:k]) + naive_root(leaves[k:])).digest()


ENTRIES = [b"entry %d" % i for i in range(MAX_N)]
LOG = Log(MemoryLogStore(), "props")
for _chunk in range(0, MAX_N, 37):  # uneven batches exercise the left-sibling path
    LOG.append(ENTRIES[_chunk : _chunk + 37])
ROOTS = [naive_root(ENTRIES[:n]) for n in range(MAX_N + 1)]


def flip(data: bytes, bit: int) -> bytes:
    b = bytearray(data)
    b[bit // 8 % len(b)] ^= 1 << (bit % 8)
    return bytes(b)


def test_roots_match_naive_reference_for_every_size() -> None:
    compact = CompactRange()
    for n in range(MAX_N + 1):
        assert LOG.root(n) == ROOTS[n]
        assert compact.root() == ROOTS[n]
        if n < MAX_N:
            compact.append(leaf_hash(ENTRIES[n]))


def test_every_inclusion_proof_up_to_64_verifies() -> None:
    for n in range(1, 65):
        for i in range(n):
            verify_inclusion(i, n, leaf_hash(ENTRIES[i]), LOG.inclusion_proof(i, n), ROOTS[n])


def test_every_consistency_proof_up_to_64_verifies() -> None:
    for n in range(1, 65):
        for m in range(1, n + 1):
            verify_consistency(m, n, ROOTS[m], ROOTS[n], LOG.consistency_proof(m, n))


sizes = st.integers(1, MAX_N).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n)))


@settings(max_examples=300, deadline=None)
@given(sizes, st.integers(0, 10_000))
def test_inclusion_any_bit_flip_fails(pair: tuple[int, int], bit: int) -> None:
    i, n = pair
    leaf, proof, root = leaf_hash(ENTRIES[i]), LOG.inclusion_proof(i, n), ROOTS[n]
    verify_inclusion(i, n, leaf, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, flip(leaf, bit), proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, leaf, proof, flip(root, bit))
    if proof:
        k = bit % len(proof)
        bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        with pytest.raises(ProofError):
            verify_inclusion(i, n, leaf, bad, root)
    for other_i in {i ^ (1 << (bit % 9)), i + 1, i - 1}:
        if other_i != i and other_i >= 0:
            with pytest.raises(ProofError):
                verify_inclusion(other_i, n, leaf, proof, root)
    # The size is bound to the root by the signed checkpoint: a proof for size n
    # never verifies against the checkpoint (size, root) of another size.
    other_n = n ^ (1 << (bit % 9))
    if i < other_n <= MAX_N and other_n != n:
        with pytest.raises(ProofError):
            verify_inclusion(i, other_n, leaf, proof, ROOTS[other_n])


cons_sizes = st.integers(2, MAX_N).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n)))


@settings(max_examples=300, deadline=None)
@given(cons_sizes, st.integers(0, 10_000))
def test_consistency_any_bit_flip_fails(pair: tuple[int, int], bit: int) -> None:
    m, n = pair
    proof = LOG.consistency_proof(m, n)
    verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)
    with pytest.raises(ProofError):
        verify_consistency(m, n, flip(ROOTS[m], bit), ROOTS[n], proof)
    with pytest.raises(ProofError):
        verify_consistency(m, n, ROOTS[m], flip(ROOTS[n], bit), proof)
    k = bit % len(proof)
    bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
    with pytest.raises(ProofError):
        verify_consistency(m, n, ROOTS[m], ROOTS[n], bad)
    for om, on in ((m ^ (1 << (bit % 9)), n), (m, n ^ (1 << (bit % 9)))):
        if 0 < om < on <= MAX_N and (om, on) != (m, n):
            with pytest.raises(ProofError):
                verify_consistency(om, on, ROOTS[om], ROOTS[on], proof)


def test_strict_and_witness_behaviours_for_the_empty_tree() -> None:
    # transparency-dev/merkle: a proof from size 0 is meaningless and rejected.
    with pytest.raises(ProofError):
        verify_consistency(0, 5, EMPTY_ROOT, ROOTS[5], [])
    # C2SP tlog-witness: old 0 with an empty proof is consistent with any tree...
    verify_consistency_from_any(0, 5, EMPTY_ROOT, ROOTS[5], [])
    verify_consistency_from_any(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    # ...but not with a proof, nor a size-0 tree whose root is not SHA-256("").
    with pytest.raises(ProofError):
        verify_consistency_from_any(0, 5, EMPTY_ROOT, ROOTS[5], [ROOTS[1]])
    with pytest.raises(ProofError):
        verify_consistency_from_any(0, 0, EMPTY_ROOT, ROOTS[1], [])
    # m == n: empty proof, equal roots.
    verify_consistency(7, 7, ROOTS[7], ROOTS[7], [])
    with pytest.raises(ProofError):
        verify_consistency(7, 7, ROOTS[7], ROOTS[8], [])


def test_proof_sizes_are_logarithmic() -> None:
    assert all(len(LOG.inclusion_proof(i, MAX_N)) <= 9 for i in range(MAX_N))
    assert max(len(LOG.consistency_proof(m, MAX_N)) for m in range(1, MAX_N)) <= 2 * 9
