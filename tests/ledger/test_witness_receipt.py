"""The pure tlog-witness (every status code) and worker receipts (verify, tamper, growth)."""

from __future__ import annotations

import json

import pytest

from fairpath.ledger.commitment import OpeningError, leaf_bytes, new_salt, verify_opening
from fairpath.ledger.cosignature import CosignatureSigner
from fairpath.ledger.errors import ReceiptError
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.note import Ed25519Signer
from fairpath.ledger.receipt import (
    build_receipt,
    parse_receipt,
    verify_receipt_with_keys,
)
from fairpath.ledger.witness import (
    Witness,
    WitnessState,
    add_checkpoint,
    build_request,
    merge_cosignatures,
    parse_size_conflict,
)

from .conftest import ORIGIN, make_log

LOG_KEY = Ed25519Signer(ORIGIN, bytes(range(32)))
W1 = CosignatureSigner("ngo.example/w1", bytes(range(32, 64)))
W2 = CosignatureSigner("union.example/w2", bytes(range(64, 96)))
WITNESS = Witness(W1, {ORIGIN: [LOG_KEY.verifier()]})


def signed(log: Log) -> str:
    return log.sign_checkpoint(LOG_KEY, now=1).note


def test_first_checkpoint_then_growth_returns_200_and_persists() -> None:
    log = make_log(10)
    res = add_checkpoint(WITNESS, WitnessState(), build_request(0, [], signed(log)), now=77)
    assert res.status == 200 and res.state.get(ORIGIN) == (10, log.root())
    note = merge_cosignatures(signed(log), res.body, [W1.verifier()])
    assert note.endswith(W1.cosign(log.checkpoint().body(), 77).line)
    log.append([b"more", b"again"])
    req = build_request(10, log.consistency_proof(10), signed(log))
    res2 = add_checkpoint(WITNESS, res.state, req, now=78)
    assert res2.status == 200 and res2.state.get(ORIGIN)[0] == 12
    # Same size and root again: still fine (idempotent), empty proof.
    res3 = add_checkpoint(WITNESS, res2.state, build_request(12, [], signed(log)), now=79)
    assert res3.status == 200


def _expect(status: int, state: WitnessState, body: bytes) -> bytes:
    res = add_checkpoint(WITNESS, state, body, now=5)
    assert res.status == status
    assert res.state is state  # nothing persisted unless 200
    return res.body


def test_error_codes() -> None:
    log = make_log(10)
    ok = add_checkpoint(WITNESS, WitnessState(), build_request(0, [], signed(log)), now=1).state
    other = Log(MemoryLogStore(), "other.example/log")
    other.append([b"x"])
    other_note = other.sign_checkpoint(Ed25519Signer("other.example/log", bytes(32)), now=1).note
    _expect(404, ok, build_request(0, [], other_note))
    wrong_key = make_log(10).sign_checkpoint(Ed25519Signer(ORIGIN, bytes(32)), now=1).note
    _expect(403, ok, build_request(10, [], wrong_key))
    _expect(400, ok, b"old x\n\n" + signed(log).encode())
    _expect(400, ok, b"garbage")
    _expect(400, ok, b"\xff\xfe")
    _expect(400, ok, build_request(11, [], signed(log)))  # old > checkpoint size
    _expect(400, ok, build_request(10, [bytes(32)] * 64, signed(log)))
    log.append([b"n%d" % i for i in range(5)])
    body = _expect(409, ok, build_request(3, log.consistency_proof(3), signed(log)))
    assert parse_size_conflict(body) == 10
    res = add_checkpoint(WITNESS, ok, build_request(3, [], signed(log)), now=1)
    assert res.headers["Content-Type"] == "text/x.tlog.size"
    bad_proof = [bytes(32)] * len(log.consistency_proof(10))
    _expect(422, ok, build_request(10, bad_proof, signed(log)))
    fork = Log(MemoryLogStore(), ORIGIN)  # 11 entries that rewrite history
    fork.append([b"rewritten %d" % i for i in range(11)])
    _expect(422, ok, build_request(10, fork.consistency_proof(10), signed(fork)))
    # Same size, different root: a fork, refused.
    fork10 = Log(MemoryLogStore(), ORIGIN)
    fork10.append([b"other %d" % i for i in range(10)])
    _expect(422, ok, build_request(10, [], signed(fork10)))
    # old 0 with a non-empty proof.
    _expect(422, WitnessState(), build_request(0, [bytes(32)], signed(log)))


def record(i: int = 7) -> dict[str, object]:
    return {"type": "contract", "fee": {"amount": "1500.00", "currency": "NPR"}, "n": i}


def receipt_fixture() -> tuple[Log, str, bytes]:
    log = Log(MemoryLogStore(), ORIGIN)
    log.append([b"\x01" + bytes(32)] * 5)
    salt = new_salt(lambda n: b"\x42" * n)
    log.append([leaf_bytes(record(), salt)])
    log.append([b"\x01" + bytes(32)] * 100)
    note = signed(log)
    body = log.checkpoint().body()
    return log, note + W1.cosign(body, 10).line + W2.cosign(body, 11).line, salt


def test_receipt_verifies_and_survives_growth() -> None:
    log, note, salt = receipt_fixture()
    text = build_receipt(
        log, 5, note, record=record(), salt=salt, metadata={"lang": "ne"}
    ).to_json()
    verified = verify_receipt_with_keys(text, LOG_KEY.verifier(), [W1.verifier(), W2.verifier()])
    assert verified.record == record() and verified.index == 5
    assert verified.cosigners == ("ngo.example/w1", "union.example/w2")
    log.append([b"\x01" + bytes(32)] * 1000)
    log.sign_checkpoint(LOG_KEY, now=2)
    assert verify_receipt_with_keys(text, LOG_KEY.verifier(), [W1.verifier()], 1).index == 5


def tamper(text: str, key: str, fn: object) -> str:
    doc = json.loads(text)
    doc[key] = fn(doc[key])  # type: ignore[operator]
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("key", "change", "message"),
    [
        ("record", lambda r: {**r, "n": 8}, "record was changed"),
        ("salt", lambda s: "A" + s[1:], "salt is wrong"),
        ("proof", lambda p: p.replace("index 5", "index 6"), "not proven"),
        ("proof", lambda p: p.replace("\n106\n", "\n107\n"), "cannot be trusted"),
        ("proof", lambda p: p[: p.index("— ngo")] + p[p.index("— union") :], "quorum"),
        ("format", lambda f: "other", "not a fairpath-receipt"),
    ],
)
def test_tampered_receipts_fail_with_a_plain_sentence(
    key: str, change: object, message: str
) -> None:
    log, note, salt = receipt_fixture()
    text = build_receipt(log, 5, note, record=record(), salt=salt).to_json()
    bad = tamper(text, key, change)
    with pytest.raises(ReceiptError, match=message) as info:
        verify_receipt_with_keys(bad, LOG_KEY.verifier(), [W1.verifier(), W2.verifier()])
    assert "Traceback" not in str(info.value)


def test_tampered_cosignature_bytes_fail() -> None:
    log, note, salt = receipt_fixture()
    text = build_receipt(log, 5, note, record=record(), salt=salt).to_json()
    line = W1.cosign(log.checkpoint().body(), 10).line
    forged = line[:-6] + ("AAAA" if line[-6:-2] != "AAAA" else "BBBB") + line[-2:]
    bad = tamper(text, "proof", lambda p: p.replace(line, forged))
    with pytest.raises(ReceiptError, match="cannot be trusted"):
        verify_receipt_with_keys(bad, LOG_KEY.verifier(), [W1.verifier(), W2.verifier()])


def test_receipt_file_round_trip_and_garbage() -> None:
    log, note, salt = receipt_fixture()
    receipt = build_receipt(log, 5, note, record=record(), salt=salt)
    assert parse_receipt(receipt.to_json()) == receipt
    for garbage in ["", "[]", "{not json", '{"format": "fairpath-receipt/v1"}']:
        with pytest.raises(ReceiptError):
            parse_receipt(garbage)
    with pytest.raises(OpeningError):
        build_receipt(log, 4, note, record=record(), salt=salt)


def test_commitment_is_salted_and_canonical() -> None:
    salt = bytes(32)
    a = leaf_bytes({"b": 1, "a": "x"}, salt)
    assert a == leaf_bytes({"a": "x", "b": 1}, salt) and len(a) == 33 and a[0] == 1
    assert a != leaf_bytes({"a": "x", "b": 1}, b"\x01" * 32)
    verify_opening(a, {"a": "x", "b": 1}, salt)
    with pytest.raises(OpeningError):
        verify_opening(a, {"a": "y", "b": 1}, salt)
    with pytest.raises(OpeningError):
        leaf_bytes({"a": 1}, b"short")
