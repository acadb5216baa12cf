"""Worker receipts: issuing one from the log, and checking one anywhere, offline.

A receipt (docs/ledger.md "Receipt file") is the worker's own evidence: the C2SP tlog-proof@v1
bundle against the latest witnessed checkpoint, plus the opening — the record as the log
committed to it (without personal data) and its salt, decrypted with the worker's key. Once
issued it needs nothing from us: it verifies with the log's and the witnesses' public keys
alone, after the log grows, and after the worker's data is erased on the server. After erasure
no new receipt can be issued: the salt is destroyed (spec/ledger.md "What goes into a leaf").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.ledger.cosignature import parse_cosigner_vkey
from fairpath.ledger.errors import LedgerError
from fairpath.ledger.log import Log
from fairpath.ledger.note import parse_vkey
from fairpath.ledger.receipt import Receipt, VerifiedRecord, build_receipt, verify_receipt_with_keys
from fairpath.privacy.envelope import DecryptionError, decrypt
from fairpath.services import journal_log, keys
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import LogEntryRow, table_of
from fairpath.storage.records import TABLES

_entries = table_of(LogEntryRow)
#: Which record a reference names when several kinds share it: events are what workers hold.
KIND_ORDER = ("event", "worker", "organization", "site", "link")


@dataclass(frozen=True)
class IssuedReceipt:
    """A receipt and where it points in the log."""

    receipt: Receipt
    kind: str
    ref: str
    index: int
    checkpoint_size: int

    def text(self) -> str:
        """The receipt file's content."""
        return self.receipt.to_json()


def issue_receipt(settings: Settings, engine: Engine, ref: str, now: datetime) -> IssuedReceipt:
    """The receipt for the record `ref` (an event, worker, organisation, site or link)."""
    journal_log.publish(settings, engine, now)
    with engine.connect() as conn:
        kind, index, canonical = _find(conn, ref)
        salt = _salt(settings, conn, index, now)
        latest = journal_log.latest_checkpoint(conn, published=True)
        if latest is None or latest.size <= index:
            signed = journal_log.latest_checkpoint(conn)
            raise FairpathError(
                f"entry {index} ({kind} {ref}) is in the log, but no checkpoint covering it has "
                "its witness quorum yet"
                + (f" (signed up to {signed.size})" if signed else "")
                + "; check `fairpath log status` and try again when the witnesses answer"
            )
        log = Log(SqlLogStore.reader(conn), settings.log_origin)
        record = json.loads(canonical)
        try:
            receipt = build_receipt(
                log,
                index,
                latest.best_note,
                record=record,
                salt=salt,
                metadata={"kind": kind, "ref": ref, "issued": now.date().isoformat()},
            )
        except LedgerError as exc:
            raise FairpathError(
                f"the stored {kind} {ref} does not open its log entry {index}: {exc}; "
                "run `fairpath log verify`"
            ) from exc
    return IssuedReceipt(receipt, kind, ref, index, latest.size)


def _find(conn: Connection, ref: str) -> tuple[str, int, str]:
    for kind in KIND_ORDER:
        table = TABLES[kind]
        if kind == "link":
            key = table.c.from_ref + "|" + table.c.to_ref + "|" + table.c.type
        else:
            key = table.c.ref
        row = conn.execute(
            select(table.c.leaf_index, table.c.canonical).where(key == ref)
        ).one_or_none()
        if row is not None:
            return kind, int(row.leaf_index), str(row.canonical)
    raise NotFoundError(
        f"no record with reference '{ref}'; give an event reference such as e-123 "
        "(`fairpath worker show WORKER` lists a worker's events)"
    )


def _salt(settings: Settings, conn: Connection, index: int, now: datetime) -> bytes:
    entry = conn.execute(select(_entries).where(_entries.c.leaf_index == index)).one()
    if entry.salt is not None:
        return bytes(entry.salt)
    key = None
    if entry.salt_ciphertext is not None:
        key = WorkerKeys(conn, keys.load_master_key(settings), now).find(entry.worker_ref)
    if key is None:
        raise FairpathError(
            f"worker {entry.worker_ref} was erased: the salt that opens this record is destroyed, "
            "so no new receipt can be issued. Receipts issued before the erasure stay valid."
        )
    try:
        return decrypt(key, entry.salt_ciphertext, f"salt:{index}".encode())
    except DecryptionError as exc:
        raise FairpathError(f"the salt of log entry {index} cannot be decrypted: {exc}") from exc


# -- verifying, offline -----------------------------------------------------------------------


def verify_receipt_text(
    text: str, log_vkey: str, witness_vkeys: Sequence[str], quorum: int | None
) -> VerifiedRecord:
    """Check a receipt with the given public keys only; FairpathError says what failed."""
    try:
        log_key = parse_vkey(log_vkey.strip())
    except LedgerError as exc:
        raise FairpathError(f"--key is not a log verifier key: {exc}") from exc
    try:
        witnesses = [parse_cosigner_vkey(v.strip()) for v in witness_vkeys]
    except LedgerError as exc:
        raise FairpathError(f"a --witness key is not a witness verifier key: {exc}") from exc
    if quorum is not None and not 0 <= quorum <= len(witnesses):
        raise FairpathError(
            f"--quorum {quorum} must be between 0 and the {len(witnesses)} witnesses"
        )
    if quorum == 0:
        witnesses, quorum = [], None
    try:
        return verify_receipt_with_keys(text, log_key, witnesses, quorum)
    except LedgerError as exc:
        raise FairpathError(f"the receipt is NOT valid: {exc}") from exc


def _words(name: str) -> str:
    return name.replace("_ref", "").replace("_", " ")


def _plain(value: Any) -> str:
    """A value as a person reads it: yes/no, words instead of snake_case codes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{_words(k)} {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    text = str(value)
    return text.replace("_", " ") if text.isidentifier() else text


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, Mapping):
            out.extend(_flatten(value, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", value))
    return out


def summary(verified: VerifiedRecord) -> list[str]:
    """The record in plain words: what, when, amounts, who — and where it is in the log."""
    record = verified.record
    kind = str(record.get("kind", "record"))
    lines = []
    if kind == "event":
        lines.append(f"What: {_words(str(record.get('type', 'event')))}")
        lines.append(f"Date: {record.get('date', '—')}")
        lines.append(f"Worker: {record.get('worker_ref', '—')}")
        data = record.get("data")
        currency = data.get("currency") if isinstance(data, Mapping) else None
        for name, value in _flatten(data) if isinstance(data, Mapping) else []:
            if name == "currency":
                continue
            shown = _plain(value)
            if currency and (name.endswith("amount") or name.endswith("pay")):
                shown = f"{value} {currency}"
            lines.append(f"{_words(name).capitalize()}: {shown}")
    else:
        lines.append(f"What: {kind} {record.get('ref', '')}".rstrip())
        for name, value in _flatten(record):
            if name not in ("kind", "ref"):
                lines.append(f"{_words(name).capitalize()}: {_plain(value)}")
    checkpoint = verified.checkpoint
    witnesses = ", ".join(verified.cosigners) or "none required"
    lines.append(
        f"Logged: entry {verified.index} of {checkpoint.origin}, in the checkpoint of "
        f"{checkpoint.size} entries; witnessed by: {witnesses}"
    )
    return lines
