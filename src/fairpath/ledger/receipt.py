"""A worker's receipt: proof that their record is in the witnessed log.

Owns the receipt file (docs/ledger.md, "Receipt file"): a JSON object with
the tlog-proof@v1 bundle (whose ``extra`` line carries the 33-byte leaf), the
opening (the record and its salt) and optional metadata; building one from a
Log and a cosigned checkpoint; and the offline verification that checks, in
order, the log signature and witness quorum, the inclusion proof, and that
the opening hashes to the leaf.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fairpath.ledger.checkpoint import Checkpoint, parse_checkpoint
from fairpath.ledger.commitment import OpeningError, verify_opening
from fairpath.ledger.cosignature import CosignatureVerifier
from fairpath.ledger.errors import BundleError, LedgerError, PolicyError, ReceiptError
from fairpath.ledger.log import Log
from fairpath.ledger.merkle import leaf_hash, verify_inclusion
from fairpath.ledger.note import Ed25519Verifier, b64, b64decode_strict, parse_note
from fairpath.ledger.policy import Policy, simple_policy
from fairpath.ledger.proof_bundle import ProofBundle, parse_bundle

FORMAT = "fairpath-receipt/v1"


@dataclass(frozen=True)
class Receipt:
    """What a worker keeps: proof bundle, record, salt and metadata."""

    bundle: ProofBundle
    record: Mapping[str, Any]
    salt: bytes
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The receipt file text (UTF-8 JSON, keys sorted, newline at the end)."""
        doc = {
            "format": FORMAT,
            "proof": self.bundle.render(),
            "record": dict(self.record),
            "salt": b64(self.salt),
            "metadata": dict(self.metadata),
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


@dataclass(frozen=True)
class VerifiedRecord:
    """A record proven to be in the log, with where and under which checkpoint."""

    record: Mapping[str, Any]
    index: int
    checkpoint: Checkpoint
    cosigners: tuple[str, ...]


def build_receipt(
    log: Log,
    index: int,
    cosigned_note: str,
    *,
    record: Mapping[str, Any],
    salt: bytes,
    metadata: Mapping[str, Any] | None = None,
) -> Receipt:
    """A receipt for entry ``index`` under the tree size of ``cosigned_note``."""
    checkpoint = parse_checkpoint(parse_note(cosigned_note)[0])
    leaf = log.store.read_entries(index, 1)[0]
    verify_opening(leaf, record, salt)
    path = tuple(log.inclusion_proof(index, checkpoint.size))
    bundle = ProofBundle(index, path, cosigned_note, extra=leaf)
    return Receipt(bundle, record, salt, metadata or {})


def parse_receipt(text: str) -> Receipt:
    """Read a receipt file; raise ReceiptError saying what is wrong."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ReceiptError("The receipt is not a JSON document.") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ReceiptError(f"The receipt is not a {FORMAT} document.")
    if not isinstance(doc.get("record"), dict) or not isinstance(doc.get("proof"), str):
        raise ReceiptError("The receipt lacks its record or its proof.")
    try:
        bundle = parse_bundle(doc["proof"])
        salt = b64decode_strict(str(doc.get("salt", "")), "salt")
    except LedgerError as exc:
        raise ReceiptError(f"The receipt's proof or salt is damaged: {exc}") from exc
    return Receipt(bundle, doc["record"], salt, doc.get("metadata") or {})


def verify_receipt(receipt: Receipt | str, policy: Policy) -> VerifiedRecord:
    """Offline: log signature + witness quorum, inclusion, opening. Raises ReceiptError."""
    rec = parse_receipt(receipt) if isinstance(receipt, str) else receipt
    try:
        checkpoint, opened = policy.verify_checkpoint(rec.bundle.checkpoint)
    except PolicyError as exc:
        raise ReceiptError(f"The receipt's checkpoint cannot be trusted. {exc}") from exc
    leaf = rec.bundle.extra
    if leaf is None:
        raise ReceiptError("The receipt's proof does not carry the logged entry.")
    try:
        verify_inclusion(
            rec.bundle.index, checkpoint.size, leaf_hash(leaf), rec.bundle.path, checkpoint.root
        )
    except LedgerError as exc:
        raise ReceiptError(f"The entry is not proven to be in the log: {exc}") from exc
    try:
        verify_opening(leaf, rec.record, rec.salt)
    except OpeningError as exc:
        raise ReceiptError(f"The record was changed or the salt is wrong: {exc}") from exc
    witnesses = {(v.name, v.key_id) for v in policy.witnesses.values()}
    cosigners = tuple(s.name for s in opened.verified if (s.name, s.key_id) in witnesses)
    return VerifiedRecord(rec.record, rec.bundle.index, checkpoint, cosigners)


def verify_receipt_with_keys(
    receipt: Receipt | str,
    log_key: Ed25519Verifier,
    witness_keys: Sequence[CosignatureVerifier],
    threshold: int | None = None,
) -> VerifiedRecord:
    """verify_receipt with a policy of one log and ``threshold``-of-n witnesses (all by default)."""
    try:
        policy = simple_policy(log_key, witness_keys, threshold)
    except (PolicyError, BundleError) as exc:
        raise ReceiptError(f"The witness keys or threshold are not usable: {exc}") from exc
    return verify_receipt(receipt, policy)
