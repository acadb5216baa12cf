"""C2SP tlog-policy parsing and quorums; tlog-proof@v1 bundles; checkpoint bodies."""

from __future__ import annotations

import pytest

from fairpath.ledger.checkpoint import Checkpoint, parse_checkpoint
from fairpath.ledger.cosignature import CosignatureSigner
from fairpath.ledger.errors import BundleError, CheckpointError, PolicyError
from fairpath.ledger.merkle import leaf_hash
from fairpath.ledger.note import Ed25519Signer
from fairpath.ledger.policy import parse_policy
from fairpath.ledger.proof_bundle import ProofBundle, parse_bundle, verify_bundle

from .conftest import ORIGIN, make_log

LOG = Ed25519Signer(ORIGIN, bytes(range(32)))
W = {n: CosignatureSigner(f"w.example/{n}", bytes([i]) * 32) for i, n in enumerate("ABCDE", 1)}


def policy_text() -> str:
    lines = [f"log {LOG.verifier().vkey} https://log.example", "# NGOs"]
    lines += [f"witness {n} {s.verifier().vkey}" for n, s in W.items()]
    lines += ["group ngos 2 A B C", "group unions any D E", "group both all ngos unions"]
    return "\n".join([*lines, "  quorum\tboth  ", ""])


def cosigned(names: str, size: int = 10) -> tuple[str, int]:
    log = make_log(size)
    note = log.sign_checkpoint(LOG, now=1).note
    body = log.checkpoint().body()
    return note + "".join(W[n].cosign(body, 1000).line for n in names), size


@pytest.mark.parametrize(
    ("names", "ok"),
    [("ABD", True), ("ACE", True), ("AB", False), ("AD", False), ("DE", False), ("ABCDE", True)],
)
def test_quorum(names: str, ok: bool) -> None:
    policy = parse_policy(policy_text())
    note, _ = cosigned(names)
    if ok:
        assert policy.verify_checkpoint(note)[0].size == 10
    else:
        with pytest.raises(PolicyError, match="quorum"):
            policy.verify_checkpoint(note)


@pytest.mark.parametrize(
    "bad",
    [
        "quorum none\nquorum none\n",
        "group g 1 X\nquorum g\n",
        "quorum X\n",
        "log notakey\nquorum none\n",
        f"witness A {W['A'].verifier().vkey}\nwitness B {W['A'].verifier().vkey}\nquorum A\n",
        f"witness A {W['A'].verifier().vkey}\ngroup g 2 A\nquorum g\n",
        f"witness A {W['A'].verifier().vkey}\ngroup g any A A\nquorum g\n",
        f"witness none {W['A'].verifier().vkey}\nquorum none\n",
        f"witness A {LOG.verifier().vkey}\nquorum A\n",
        "frobnicate\nquorum none\n",
        "quorum none\x01\n",
        "log x\n",
    ],
)
def test_bad_policies(bad: str) -> None:
    with pytest.raises(PolicyError):
        parse_policy(bad)


def test_quorum_none_needs_only_the_log() -> None:
    policy = parse_policy(f"log {LOG.verifier().vkey}\nquorum none\n")
    note, _ = cosigned("")
    assert policy.verify_checkpoint(note)[0].origin == ORIGIN


def test_bundle_round_trip_and_verify() -> None:
    log = make_log(300)
    note = log.sign_checkpoint(LOG, now=1).note
    body = log.checkpoint().body()
    note += "".join(W[n].cosign(body, 5).line for n in "ABD")
    bundle = ProofBundle(42, tuple(log.inclusion_proof(42)), note, extra=b"x")
    text = bundle.render()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra eA==\nindex 42\n")
    assert parse_bundle(text) == bundle
    policy = parse_policy(policy_text())
    assert verify_bundle(bundle, leaf_hash(b"record 42"), policy).size == 300
    with pytest.raises(BundleError):
        verify_bundle(bundle, leaf_hash(b"record 43"), policy)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "c2sp.org/tlog-proof@v2\nindex 1\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 01\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 1\n!!\n\nx",
        "c2sp.org/tlog-proof@v1\nindex 1\n",
    ],
)
def test_malformed_bundles(text: str) -> None:
    with pytest.raises(BundleError):
        parse_bundle(text)


def test_checkpoint_body_rules() -> None:
    cp = Checkpoint(ORIGIN, 5, bytes(32))
    assert parse_checkpoint(cp.body()) == cp
    for bad in [cp.body()[:-1], cp.body() + "ext\n", cp.body().replace("\n5\n", "\n05\n")]:
        with pytest.raises(CheckpointError):
            parse_checkpoint(bad)
