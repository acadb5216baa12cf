"""The golden checkpoint and cosignature of reference/ledger-anchors.md §1.8, byte for byte."""

from __future__ import annotations

import base64

import pytest

from fairpath.ledger.checkpoint import open_checkpoint
from fairpath.ledger.cosignature import CosignatureSigner, parse_cosigner_vkey
from fairpath.ledger.errors import CheckpointError, NoteError, ProofError
from fairpath.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from fairpath.ledger.note import Ed25519Signer, parse_skey, parse_vkey

from .conftest import make_log

LOG_SKEY = (
    "PRIVATE+KEY+example.org/recruitment-log+7bc808a1+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
)
LOG_VKEY = "example.org/recruitment-log+7bc808a1+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
WITNESS_VKEY = "ngo.example/w1+08ee6a05+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X"
ROOT_700 = "D4ogw5L/7+2RejTsSH7lhMJGaammFV6HMvkPaPmKG7E="
GOLDEN = (
    "example.org/recruitment-log\n"
    "1000\n"
    "mXwAZ8XucWmQ1EpnMacEiQrHlXQBuXYF/fJms8q4tO8=\n"
    "\n"
    "— example.org/recruitment-log e8gIoZ1L/1DyZtenqYgTWx0qzjA4QIc7B9xuUFneumh1GCjPbEFugidWrEfc"
    "Mxskx+gQLrbUCJ4BcL3hj3ExifFIMQQ=\n"
    "— ngo.example/w1 CO5qBQAAAABlU/EAnZ6nw5pSuDlDgrkuz2GlNCBcJG57NuIyQgVfhisHD3Hb6Hp7z6Ss3UtZDPtq"
    "TAjv0MAaobQHxXPGrcbTUIjoBw==\n"
)


def test_keys() -> None:
    signer = Ed25519Signer("example.org/recruitment-log", bytes(range(32)))
    assert signer.skey == LOG_SKEY and parse_skey(LOG_SKEY) == signer
    assert signer.verifier().vkey == LOG_VKEY
    witness = CosignatureSigner("ngo.example/w1", bytes(range(32, 64)))
    assert witness.verifier().vkey == WITNESS_VKEY


def test_golden_checkpoint_and_cosignature_byte_for_byte() -> None:
    log = make_log(1000)
    assert base64.b64encode(log.root(700)).decode() == ROOT_700
    signed = log.sign_checkpoint(parse_skey(LOG_SKEY), now=0)
    witness = CosignatureSigner("ngo.example/w1", bytes(range(32, 64)))
    cosigned = signed.note + witness.cosign(log.checkpoint().body(), 1700000000).line
    assert cosigned == GOLDEN


def test_golden_opens_and_proofs_verify() -> None:
    checkpoint, note = open_checkpoint(
        GOLDEN, [parse_vkey(LOG_VKEY), parse_cosigner_vkey(WITNESS_VKEY)]
    )
    assert [s.name for s in note.verified] == ["example.org/recruitment-log", "ngo.example/w1"]
    log = make_log(1000)
    proof = log.inclusion_proof(123, 1000)
    assert len(proof) == 10
    verify_inclusion(123, 1000, leaf_hash(b"record 123"), proof, checkpoint.root)
    cons = log.consistency_proof(700, 1000)
    assert len(cons) == 9
    verify_consistency(700, 1000, base64.b64decode(ROOT_700), checkpoint.root, cons)
    with pytest.raises(ProofError):
        verify_inclusion(123, 1000, leaf_hash(b"record 124"), proof, checkpoint.root)


def test_tampered_golden_size_is_rejected() -> None:
    tampered = GOLDEN.replace("\n1000\n", "\n1001\n")
    with pytest.raises((NoteError, CheckpointError)):
        open_checkpoint(tampered, [parse_vkey(LOG_VKEY)])
