"""`fairpath log verify`: recompute the journey log from its entries and compare everything.

Checks, each reported as a sentence naming what is wrong and where:

- entries are dense: indices 0..size-1, none missing, none twice;
- every stored hash: level 0 from the entries (RFC 6962 leaf hashes), each higher level from
  the level below;
- every signed checkpoint kept: the log's signature, its root recomputed from the entries, and
  consistency with the one signed before it (C2SP tlog-checkpoint: never two inconsistent);
- every tile and entry bundle on disk byte for byte against the database, the tiles a reader
  needs are present, and `<log>/checkpoint` verifies from the tiles alone (as a monitor would);
- every record has its leaf and every leaf its record, and each leaf whose salt is still held
  opens with the stored record (spec/ledger.md "What goes into a leaf").
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.ledger.checkpoint import open_checkpoint
from fairpath.ledger.commitment import TAG, VERSION
from fairpath.ledger.errors import LedgerError
from fairpath.ledger.log import Log, leaf_hashes, pair_hashes
from fairpath.ledger.merkle import tree_root, verify_consistency_from_any
from fairpath.ledger.note import Ed25519Verifier
from fairpath.ledger.tiles import (
    TILE_WIDTH,
    TileHashReader,
    TileId,
    build_entry_bundle,
    changed_tiles,
    parse_tile_path,
    tile_hash_ids,
)
from fairpath.privacy.envelope import DecryptionError, decrypt
from fairpath.services import journal_log, keys, witnessing
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage.logstore import CHUNK, SqlLogStore
from fairpath.storage.models import LogEntryRow, LogHashRow, table_of
from fairpath.storage.records import TABLES

_entries = table_of(LogEntryRow)
_hashes = table_of(LogHashRow)
MAX_PROBLEMS = 50


@dataclass
class AuditReport:
    """What `verify_log` checked and what it found wrong."""

    size: int = 0
    checkpoints: int = 0
    tiles: int = 0
    opened: int = 0
    unopenable: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is inconsistent."""
        return not self.problems

    def add(self, text: str) -> None:
        """Note a problem (the first MAX_PROBLEMS are kept)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)


def verify_log(settings: Settings, engine: Engine) -> AuditReport:
    """Recompute and compare everything; the report lists every inconsistency found."""
    verifier = journal_log.load_log_signer(settings).verifier()
    report = AuditReport()
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        # One snapshot for every query, so concurrent imports cannot look like gaps.
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    with conn:
        store = SqlLogStore.reader(conn)
        report.size = store.tree_size()
        if _check_entries(conn, report) and _check_hashes(conn, report):
            _check_checkpoints(settings, conn, store, verifier, report)
            _check_tiles(settings, conn, store, verifier, report)
        _check_records(conn, report)
        _check_openings(settings, conn, report)
    return report


def _check_entries(conn: Connection, report: AuditReport) -> bool:
    count, low, high = conn.execute(
        select(func.count(), func.min(_entries.c.leaf_index), func.max(_entries.c.leaf_index))
    ).one()
    size = report.size
    if count != size or (size and (low != 0 or high != size - 1)):
        report.add(
            f"the log says it holds {size} entries but {count} are stored "
            f"(indices {low}..{high}); entries are missing or extra"
        )
        return False
    return True


def _stored_chunk(conn: Connection, level: int, chunk: int) -> bytes:
    data = conn.scalar(
        select(_hashes.c.hashes).where(_hashes.c.level == level, _hashes.c.chunk == chunk)
    )
    return b"" if data is None else bytes(data)


def _check_hashes(conn: Connection, report: AuditReport) -> bool:
    size, ok, level = report.size, True, 0
    while size >> level:
        count = size >> level
        chunks = -(-count // CHUNK)
        rows = conn.scalar(select(func.count()).where(_hashes.c.level == level))
        if rows != chunks:
            report.add(f"level {level} of the tree has {rows} stored rows, expected {chunks}")
            ok = False
        for chunk in range(chunks):
            want = min(CHUNK, count - chunk * CHUNK)
            if level == 0:
                leaves = conn.scalars(
                    select(_entries.c.leaf)
                    .where(_entries.c.leaf_index >= chunk * CHUNK)
                    .where(_entries.c.leaf_index < chunk * CHUNK + want)
                    .order_by(_entries.c.leaf_index)
                ).all()
                expected = leaf_hashes([bytes(x) for x in leaves])
            else:
                below = _stored_chunk(conn, level - 1, 2 * chunk) + _stored_chunk(
                    conn, level - 1, 2 * chunk + 1
                )
                expected = pair_hashes(below)[: want * 32]
            if _stored_chunk(conn, level, chunk) != expected:
                first = chunk * CHUNK << level
                report.add(
                    f"stored tree hashes at level {level} (entries from {first}) do not match "
                    "the entries: the hash table was altered or damaged"
                )
                ok = False
        level += 1
    return ok


def _check_checkpoints(
    settings: Settings,
    conn: Connection,
    store: SqlLogStore,
    verifier: Ed25519Verifier,
    report: AuditReport,
) -> None:
    log = Log(store, settings.log_origin)
    rows = journal_log.history(conn)
    report.checkpoints = len(rows)
    policy = witnessing.load_policy(settings)
    previous = None
    for row in rows:
        where = f"the signed checkpoint of size {row.size}"
        try:
            checkpoint, _ = open_checkpoint(row.note, [verifier])
            open_checkpoint(row.best_note, [verifier])
        except LedgerError as exc:
            report.add(f"{where} does not verify with the log's key: {exc}")
            continue
        if (checkpoint.size, checkpoint.root) != (row.size, row.root):
            report.add(f"{where} is stored with a size or root that its note does not say")
        if row.size > report.size or log.root(row.size) != checkpoint.root:
            report.add(f"{where} has a root the stored entries do not give: the log was rewritten")
            continue
        if (
            policy is not None
            and row.published_at is not None
            and not policy.witnessed(witnessing.cosigners(row.best_note, policy))
        ):
            report.add(f"{where} is marked published but lacks the witness quorum")
        if previous is not None:
            try:
                proof = log.consistency_proof(previous.size, row.size)
                verify_consistency_from_any(previous.size, row.size, previous.root, row.root, proof)
            except LedgerError:
                report.add(f"{where} is not consistent with the one of size {previous.size}")
        previous = row
    signed = store.latest_signed()
    if signed is not None and (previous is None or previous.note != signed.note):
        report.add("the last signed checkpoint is missing from the checkpoint history")


def _tile_bytes(store: SqlLogStore, tile: TileId) -> bytes:
    if tile.level is None:
        return build_entry_bundle(store.read_entries(tile.index * TILE_WIDTH, tile.width))
    return b"".join(store.read_hashes(tile_hash_ids(tile)))


def _check_tiles(
    settings: Settings,
    conn: Connection,
    store: SqlLogStore,
    verifier: Ed25519Verifier,
    report: AuditReport,
) -> None:
    root = settings.log_dir
    written = journal_log.tiles_size(root)
    if written > report.size:
        report.add(f"tiles were written for {written} entries but the log holds {report.size}")
        return
    # `.tmp-*` files are what a writer killed mid-write leaves; no tile path names them.
    found = (root / "tile").rglob("*") if root.exists() else iter(())
    files = sorted(p for p in found if p.is_file() and not p.name.startswith(".tmp-"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            tile = parse_tile_path(rel)
            expected = _tile_bytes(store, tile)
        except LedgerError:
            report.add(f"{path} is not a tile of this log (bad name, or beyond its size)")
            continue
        if path.read_bytes() != expected:
            report.add(f"{path} differs from the log's stored hashes or entries")
    report.tiles = len(files)
    for tile in changed_tiles(0, written):
        if not (root / tile.path).exists():
            report.add(f"{root / tile.path} is missing; run `fairpath log checkpoint`")
    _check_checkpoint_file(root, verifier, conn, written, report)


def _check_checkpoint_file(
    root: Path, verifier: Ed25519Verifier, conn: Connection, written: int, report: AuditReport
) -> None:
    path = root / "checkpoint"
    if not path.exists():
        return
    try:
        checkpoint, _ = open_checkpoint(path.read_bytes(), [verifier])
    except LedgerError as exc:
        report.add(f"{path} does not verify with the log's key: {exc}")
        return
    signed = {row.size: row.root for row in journal_log.history(conn)}
    if signed.get(checkpoint.size) != checkpoint.root:
        report.add(f"{path} (size {checkpoint.size}) is not a checkpoint this log signed")
    if checkpoint.size > written:
        report.add(f"{path} is ahead of the tiles written ({written} entries)")
        return
    reader = TileHashReader(checkpoint.size, lambda p: (root / p).read_bytes())
    try:
        from_tiles = tree_root(reader, checkpoint.size)
    except (LedgerError, OSError) as exc:
        report.add(f"the tiles under {root} cannot rebuild the published checkpoint: {exc}")
        return
    if from_tiles != checkpoint.root:
        report.add(f"the tiles under {root} do not give the root of the published checkpoint")


def _check_records(conn: Connection, report: AuditReport) -> None:
    entries = {
        int(r.leaf_index): (r.record_kind, r.record_ref)
        for r in conn.execute(
            select(_entries.c.leaf_index, _entries.c.record_kind, _entries.c.record_ref)
        )
    }
    seen: set[int] = set()
    for kind, table in TABLES.items():
        if kind == "link":
            key = table.c.from_ref + "|" + table.c.to_ref + "|" + table.c.type
        else:
            key = table.c.ref
        for index, ref in conn.execute(select(table.c.leaf_index, key)):
            seen.add(int(index))
            if entries.get(int(index)) != (kind, ref):
                report.add(f"{kind} {ref} names log entry {index}, which is not its leaf")
    for index in sorted(set(entries) - seen)[:5]:
        kind, ref = entries[index]
        report.add(f"log entry {index} commits to {kind} {ref}, which is not stored")


def _check_openings(settings: Settings, conn: Connection, report: AuditReport) -> None:
    try:
        master = keys.load_master_key(settings)
    except FairpathError:
        master = None  # without the master key only organisations' records can be opened
    worker_keys = WorkerKeys(conn, master, datetime.now(UTC)) if master else None
    for kind, table in TABLES.items():
        rows = conn.execute(
            select(
                _entries.c.leaf_index,
                _entries.c.leaf,
                _entries.c.salt,
                _entries.c.salt_ciphertext,
                _entries.c.worker_ref,
                table.c.canonical,
            ).join(table, table.c.leaf_index == _entries.c.leaf_index)
        )
        for r in rows:
            salt = r.salt
            if salt is None and r.salt_ciphertext is not None and worker_keys is not None:
                key = worker_keys.find(r.worker_ref)
                try:
                    if key is not None:
                        salt = decrypt(key, r.salt_ciphertext, f"salt:{r.leaf_index}".encode())
                except DecryptionError:
                    report.add(f"the salt of log entry {r.leaf_index} cannot be decrypted")
                    continue
            if salt is None:
                report.unopenable += 1
                continue
            digest = hashlib.sha256(TAG + bytes(salt) + r.canonical.encode()).digest()
            if not hmac.compare_digest(bytes([VERSION]) + digest, bytes(r.leaf)):
                report.add(f"log entry {r.leaf_index} does not open with its stored {kind}")
            else:
                report.opened += 1
