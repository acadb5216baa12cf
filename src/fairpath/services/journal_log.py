"""The journey log's use cases: its signing key, publishing checkpoints, proofs and status.

`publish` keeps what the world sees current (spec/ledger.md "Behaviour"):

1. sign a checkpoint when the log has grown since the last one — in one transaction that holds
   the log's lock, proves the new tree consistent with the last signed (size, root), swaps it in
   (compare-and-swap on `log_state`) and adds it to the history `log_checkpoints`;
2. write the changed tiles and entry bundles under `<data-dir>/log/` (C2SP tlog-tiles; full
   tiles are written once);
3. send the checkpoint to the witnesses of the policy, keep the cosignatures, and call it
   published once the policy's quorum cosigned; only then is `<data-dir>/log/checkpoint`
   replaced.

Each step can be interrupted (kill -9) and is redone by the next `publish`: step 1 is one
transaction, steps 2 and 3 only write files atomically and state that is re-derived.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, select, update

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.ledger.checkpoint import parse_checkpoint
from fairpath.ledger.errors import LedgerError
from fairpath.ledger.log import Log
from fairpath.ledger.note import Ed25519Signer, generate_key, open_note, parse_note, parse_skey
from fairpath.ledger.policy import Policy
from fairpath.ledger.proof_bundle import ProofBundle
from fairpath.ledger.tilefs import TileWriter, atomic_write
from fairpath.ledger.witness import merge_cosignatures
from fairpath.services import witnessing
from fairpath.services.keys import write_secret_file
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import LogCheckpointRow, table_of

LOG_KEY_FILE = "log.key"
#: Not part of tlog-tiles: how far tiles were written, so a crash between steps is caught up.
TILES_MARK = ".tiles-size"
_checkpoints = table_of(LogCheckpointRow)


# -- the log's key ----------------------------------------------------------------------------


def log_key_path(settings: Settings) -> Path:
    """Where the log's signing key (a signed-note skey) lives."""
    return settings.keys_dir / LOG_KEY_FILE


def create_log_key(settings: Settings) -> bool:
    """Make the log's Ed25519 key, named after the origin, unless one exists; True if made."""
    path = log_key_path(settings)
    if path.exists():
        return False
    skey, _ = generate_key(settings.log_origin)
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    write_secret_file(path, (skey + "\n").encode())
    return True


def load_log_signer(settings: Settings) -> Ed25519Signer:
    """The log's signer; a clear error when the key is missing or names another origin."""
    path = log_key_path(settings)
    try:
        signer = parse_skey(path.read_text().strip())
    except FileNotFoundError:
        raise FairpathError(f"no log key at {path}; run `fairpath init` to create it") from None
    except LedgerError as exc:
        raise FairpathError(f"{path} does not hold a log signing key: {exc}") from exc
    if signer.name != settings.log_origin:
        raise FairpathError(
            f"the log key {path} is for origin '{signer.name}' but the log_origin setting is "
            f"'{settings.log_origin}'; a log keeps one origin for life — fix the setting"
        )
    return signer


def log_vkey(settings: Settings) -> str:
    """The log's public verifier key `name+hex8+base64`."""
    return load_log_signer(settings).verifier().vkey


# -- the checkpoint history -------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCheckpoint:
    """One signed checkpoint and what the witnesses made of it."""

    size: int
    root: bytes
    note: str
    signed_at: int
    cosigned_note: str | None
    published_at: int | None

    @property
    def best_note(self) -> str:
        """The note with every cosignature gathered so far."""
        return self.cosigned_note or self.note


def _row(r: Row[Any]) -> StoredCheckpoint:
    return StoredCheckpoint(
        int(r.size),
        bytes(r.root),
        str(r.note),
        int(r.signed_at),
        r.cosigned_note,
        None if r.published_at is None else int(r.published_at),
    )


def history(conn: Connection) -> list[StoredCheckpoint]:
    """Every checkpoint the log signed, oldest first."""
    rows = conn.execute(select(_checkpoints).order_by(_checkpoints.c.size)).all()
    return [_row(r) for r in rows]


def latest_checkpoint(conn: Connection, *, published: bool = False) -> StoredCheckpoint | None:
    """The newest signed (or, with `published`, witnessed) checkpoint."""
    query = select(_checkpoints).order_by(_checkpoints.c.size.desc()).limit(1)
    if published:
        query = query.where(_checkpoints.c.published_at.is_not(None))
    row = conn.execute(query).one_or_none()
    return None if row is None else _row(row)


# -- publishing -------------------------------------------------------------------------------


@dataclass
class PublishResult:
    """What one `publish` did."""

    size: int
    signed: bool
    published: bool
    note: str
    tiles_written: int = 0
    cosigners: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def publish(settings: Settings, engine: Engine, now: datetime) -> PublishResult:
    """Sign if the log grew, write tiles, gather cosignatures, publish on quorum."""
    signer = load_log_signer(settings)
    policy = witnessing.load_policy(settings)
    at = int(now.timestamp())
    signed = _sign_if_grown(settings, engine, signer, at)
    with engine.connect() as conn:
        latest = latest_checkpoint(conn)
    if latest is None:  # pragma: no cover - _sign_if_grown always leaves one
        raise FairpathError("the log has no signed checkpoint")
    written = _write_tiles(settings, engine, latest.size)
    result = PublishResult(latest.size, signed, latest.published_at is not None, latest.best_note)
    result.tiles_written = written
    if not result.published:
        _witness(settings, engine, policy=policy, latest=latest, at=at, result=result)
    if policy is not None:
        result.cosigners = witnessing.cosigners(result.note, policy)
    return result


def _sign_if_grown(settings: Settings, engine: Engine, signer: Ed25519Signer, at: int) -> bool:
    with engine.begin() as conn:
        store = SqlLogStore.locked(conn)
        previous = store.latest_signed()
        if previous is not None:
            origin = parse_checkpoint(parse_note(previous.note)[0]).origin
            if origin != settings.log_origin:
                raise FairpathError(
                    f"this log was signed as '{origin}' but log_origin is "
                    f"'{settings.log_origin}'; a log keeps one origin for life"
                )
            if previous.size == store.tree_size():
                return False
        try:
            new = Log(store, settings.log_origin).sign_checkpoint(signer, at)
        except LedgerError as exc:
            raise FairpathError(f"the log refused to sign: {exc}") from exc
        conn.execute(
            _checkpoints.insert().values(size=new.size, root=new.root, note=new.note, signed_at=at)
        )
    return True


@contextmanager
def _log_dir_lock(settings: Settings) -> Iterator[Path]:
    """One writer of the tile files at a time (several importers may publish at once)."""
    root = settings.log_dir
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def tiles_size(root: Path) -> int:
    """How far tiles were written (0 before the first publish)."""
    try:
        return int((root / TILES_MARK).read_text().strip())
    except (FileNotFoundError, ValueError):
        return 0


def published_size(root: Path) -> int | None:
    """The size in `<log>/checkpoint`, or None when there is none."""
    try:
        text = (root / "checkpoint").read_text(encoding="utf-8")
        return parse_checkpoint(parse_note(text)[0]).size
    except (FileNotFoundError, LedgerError, UnicodeDecodeError):
        return None


def _write_tiles(settings: Settings, engine: Engine, size: int) -> int:
    with _log_dir_lock(settings) as root:
        done = tiles_size(root)
        if done >= size:
            return 0
        with engine.connect() as conn:
            store = SqlLogStore.reader(conn)
            written = TileWriter(root).write_tiles(store, store.read_entries, done, size)
        atomic_write(root / TILES_MARK, f"{size}\n".encode())
    return len(written)


def _write_checkpoint_file(settings: Settings, note: str, size: int) -> None:
    with _log_dir_lock(settings) as root:
        current = published_size(root)
        if current is None or current <= size:
            TileWriter(root).write_checkpoint(note)


def last_cosigned_sizes(conn: Connection, policy: Policy) -> dict[str, int]:
    """For each witness, the largest size whose stored note carries its cosignature."""
    rows = conn.execute(
        select(_checkpoints.c.size, _checkpoints.c.cosigned_note)
        .where(_checkpoints.c.cosigned_note.is_not(None))
        .order_by(_checkpoints.c.size.desc())
        .limit(50)
    ).all()
    sizes: dict[str, int] = {}
    for row in rows:
        for name in witnessing.cosigners(row.cosigned_note, policy):
            sizes.setdefault(name, int(row.size))
    return sizes


def _witness(
    settings: Settings,
    engine: Engine,
    *,
    policy: Policy | None,
    latest: StoredCheckpoint,
    at: int,
    result: PublishResult,
) -> None:
    lines = ""
    if policy is not None and policy.quorum != "none":
        with engine.connect() as conn:
            log = Log(SqlLogStore.reader(conn), settings.log_origin)
            lock = threading.Lock()

            def prove(old: int) -> list[bytes]:
                with lock:  # one connection, several witness threads
                    return log.consistency_proof(old, latest.size)

            sizes = last_cosigned_sizes(conn, policy)
            answers = witnessing.collect_cosignatures(
                policy, latest.best_note, prove, sizes, settings.witness_timeout
            )
        lines = "".join(a.lines for a in answers)
        result.problems.extend(a.problem for a in answers if a.problem)
    note = _store_cosignatures(engine, policy, latest.size, lines, at)
    result.note = note
    result.published = policy is None or policy.witnessed(witnessing.cosigners(note, policy))
    if result.published:
        _write_checkpoint_file(settings, note, latest.size)


def _store_cosignatures(
    engine: Engine, policy: Policy | None, size: int, lines: str, at: int
) -> str:
    """Merge new cosignature lines into the stored note; mark it published on quorum."""
    with engine.begin() as conn:
        # Write first so the row is locked before it is read (SQLite: take the write lock now;
        # PostgreSQL: the row lock), so two publishers merge instead of overwriting.
        where = _checkpoints.c.size == size
        conn.execute(update(_checkpoints).where(where).values(size=_checkpoints.c.size))
        row = conn.execute(select(_checkpoints).where(where)).one()
        note = row.cosigned_note or row.note
        if lines and policy is not None:
            note = merge_cosignatures(note, lines.encode(), list(policy.witnesses.values()))
        quorum = policy is None or policy.witnessed(witnessing.cosigners(note, policy))
        conn.execute(
            update(_checkpoints)
            .where(_checkpoints.c.size == size)
            .values(cosigned_note=note, published_at=row.published_at or (at if quorum else None))
        )
    return str(note)


# -- proofs for monitors and auditors ---------------------------------------------------------


def current_checkpoint(settings: Settings, engine: Engine, now: datetime) -> StoredCheckpoint:
    """The newest signed checkpoint, signing one first when the log has grown."""
    publish(settings, engine, now)
    with engine.connect() as conn:
        latest = latest_checkpoint(conn)
    if latest is None:  # pragma: no cover
        raise FairpathError("the log has no signed checkpoint")
    return latest


def inclusion_bundle(settings: Settings, engine: Engine, index: int, now: datetime) -> str:
    """A c2sp.org/tlog-proof@v1 bundle for entry `index` against the newest checkpoint."""
    latest = current_checkpoint(settings, engine, now)
    if not 0 <= index < latest.size:
        raise NotFoundError(
            f"entry {index} is not in the log; its entries are numbered 0 to {latest.size - 1}"
        )
    with engine.connect() as conn:
        log = Log(SqlLogStore.reader(conn), settings.log_origin)
        leaf = log.store.read_entries(index, 1)[0]
        path = tuple(log.inclusion_proof(index, latest.size))
    return ProofBundle(index, path, latest.best_note, extra=leaf).render()


def consistency(
    settings: Settings, engine: Engine, from_size: int, now: datetime
) -> tuple[StoredCheckpoint, list[bytes]]:
    """The RFC 9162 consistency proof from `from_size` to the newest checkpoint."""
    latest = current_checkpoint(settings, engine, now)
    if not 0 <= from_size <= latest.size:
        raise FairpathError(
            f"--from-size {from_size} is beyond the latest checkpoint (size {latest.size})"
        )
    with engine.connect() as conn:
        log = Log(SqlLogStore.reader(conn), settings.log_origin)
        return latest, log.consistency_proof(from_size, latest.size)


@dataclass(frozen=True)
class LogStatus:
    """What a person wants to know about the log at a glance."""

    origin: str
    vkey: str
    size: int
    signed: StoredCheckpoint | None
    published: StoredCheckpoint | None
    witnesses: list[tuple[str, str, bool]]  # name, url, cosigned the latest signed
    quorum: str | None
    quorum_met: bool


def status(settings: Settings, engine: Engine) -> LogStatus:
    """Size, last signed and published checkpoints, and which witnesses cosigned."""
    policy = witnessing.load_policy(settings)
    with engine.connect() as conn:
        size = SqlLogStore.reader(conn).tree_size()
        signed = latest_checkpoint(conn)
        published = latest_checkpoint(conn, published=True)
    witnesses = []
    if policy is not None:
        names = witnessing.cosigners(signed.best_note, policy) if signed else set()
        witnesses = [(name, policy.urls.get(name, "—"), name in names) for name in policy.witnesses]
    return LogStatus(
        origin=settings.log_origin,
        vkey=log_vkey(settings),
        size=size,
        signed=signed,
        published=published,
        witnesses=witnesses,
        quorum=policy.quorum if policy else None,
        quorum_met=signed is not None and signed.published_at is not None,
    )


def check_note(settings: Settings, note: str) -> None:
    """Raise FairpathError unless `note` carries the log's valid signature."""
    try:
        open_note(note, [load_log_signer(settings).verifier()])
    except LedgerError as exc:
        raise FairpathError(f"a checkpoint is not signed by this log's key: {exc}") from exc
