"""The database schema: SQLAlchemy 2 typed models, one schema for SQLite and PostgreSQL.

Records are stored as their canonical journey-format JSON (personal data removed) beside the
columns that queries filter on. Personal data lives only in `*_ciphertext` columns, encrypted
with the worker's own data key (privacy/envelope.py); `worker_keys` holds those keys wrapped
by the master key, and erasing a worker destroys its row's key (crypto-shredding).

Events are immutable: a correction is a new row whose `supersedes_ref` names the old one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Identical constraint names on SQLite and PostgreSQL (Alembic needs names to alter them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


UtcDateTime = DateTime(timezone=True)


class OrganizationRow(Base):
    """A brand, supplier, recruiter, NGO, union, auditor or lender (spec §1.1)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    roles: Mapped[str] = mapped_column(String(200))  # ';'-joined, for filtering
    iris_status: Mapped[str] = mapped_column(String(16))
    canonical: Mapped[str] = mapped_column(Text)
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class SiteRow(Base):
    """A workplace of an organization (spec §1.2)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    org_ref: Mapped[str] = mapped_column(String(64), index=True)
    country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(32))
    canonical: Mapped[str] = mapped_column(Text)
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class LinkRow(Base):
    """A supply-chain or recruitment relationship (spec §1.3)."""

    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("from_ref", "to_ref", "type", name="uq_links_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_ref: Mapped[str] = mapped_column(String(64), index=True)
    to_ref: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    canonical: Mapped[str] = mapped_column(Text)
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class WorkerRow(Base):
    """One migrant worker: pseudonymous structure in the clear, personal data encrypted."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    origin_country: Mapped[str] = mapped_column(String(2))
    destination_country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str] = mapped_column(String(32))
    employer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    site_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    canonical: Mapped[str] = mapped_column(Text)  # without `pii`
    pii_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Keyed digest of the full record (personal data included) so a re-import can be
    # recognised as identical without decrypting; gone on erase.
    content_digest: Mapped[bytes | None] = mapped_column(LargeBinary)
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkerKeyRow(Base):
    """A worker's data key, wrapped by the master key; NULL once destroyed (erasure)."""

    __tablename__ = "worker_keys"

    worker_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    destroyed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BlindIndexRow(Base):
    """Keyed digests of a worker's passport number and phone, for lookup without decryption."""

    __tablename__ = "blind_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_ref: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(32))
    digest: Mapped[bytes] = mapped_column(LargeBinary, index=True)


class EventRow(Base):
    """One step of one worker's journey (spec §1.5); never updated, only superseded."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_worker_type", "worker_ref", "type"),
        # Only corrections supersede; every lookup by it names a ref (migration 0006).
        Index(
            "ix_events_supersedes_ref",
            "supersedes_ref",
            sqlite_where=text("supersedes_ref IS NOT NULL"),
            postgresql_where=text("supersedes_ref IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    worker_ref: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    date: Mapped[date] = mapped_column(Date)
    supersedes_ref: Mapped[str | None] = mapped_column(String(64))
    canonical: Mapped[str] = mapped_column(Text)  # without `data.pii`
    pii_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_digest: Mapped[bytes | None] = mapped_column(LargeBinary)
    leaf_index: Mapped[int] = mapped_column(BigInteger)  # unique as log_entries' key
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class LogEntryRow(Base):
    """One leaf of the journey log: the commitment, and the opening kept beside it.

    `salt_ciphertext` is the leaf's salt encrypted with the worker's data key (worker records
    and events) so erasure makes the leaf unopenable; records of organisations keep their salt
    in `salt` (they hold no personal data).
    """

    __tablename__ = "log_entries"

    # INTEGER on SQLite: the rowid itself, not a second b-tree beside it (migration 0006).
    leaf_index: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False
    )
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    record_kind: Mapped[str] = mapped_column(String(16))
    record_ref: Mapped[str] = mapped_column(String(200))
    worker_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    salt_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LogStateRow(Base):
    """The log's one row of state: its size, and the last checkpoint it signed.

    Appenders lock this row first (an UPDATE on SQLite, SELECT … FOR UPDATE on PostgreSQL)
    so that indices are dense and never reused with concurrent writers (spec/ledger.md).
    """

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    signed_size: Mapped[int | None] = mapped_column(BigInteger)
    signed_root: Mapped[bytes | None] = mapped_column(LargeBinary)
    signed_note: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[int | None] = mapped_column(BigInteger)


class LogCheckpointRow(Base):
    """Every checkpoint the log ever signed, with the witness cosignatures it gathered.

    Inserted in the transaction that signs (the compare-and-swap on `log_state`), so the
    history is never shorter than what was signed; monitors and `fairpath log verify` check
    every pair of consecutive rows for consistency. `cosigned_note` is the signed note plus the
    cosignature lines collected so far; `published_at` is set once the witness policy's quorum
    cosigned (spec/ledger.md "Behaviour").
    """

    __tablename__ = "log_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[int] = mapped_column(BigInteger)
    cosigned_note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[int | None] = mapped_column(BigInteger)


class LogHashRow(Base):
    """Stored hashes of complete subtrees: 256 consecutive hashes of one level per row.

    Row (level, chunk) holds the hashes of level `level` with indices chunk*256 … chunk*256+255
    concatenated (32 bytes each); the last row of a level grows as the log does. Rows of
    levels 0, 8, 16, … are exactly the C2SP tlog-tiles hash tiles.
    """

    __tablename__ = "log_hashes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chunk: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


class AuditRow(Base):
    """Who did what, when: every mutation and every read of personal data. No personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")


class ImportRow(Base):
    """One imported file: what it was (by hash), when, and what it added."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    added: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, typed for Core statements."""
    return cast(Table, model.__table__)


# Accounts, sessions and grants (web application) register on the same metadata.
from fairpath.storage import accounts as _accounts  # noqa: E402, F401

# Assessment runs, findings and notes register on the same metadata.
from fairpath.storage import findings as _findings  # noqa: E402, F401

# Grievance cases, programmes and conversations register on the same metadata.
from fairpath.storage import grievances as _grievances  # noqa: E402, F401
