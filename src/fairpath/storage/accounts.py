"""The schema of accounts and access: who can sign in, as what, and what they were granted.

Secrets are never stored: passwords and worker-card PINs as Argon2id hashes, session and API
tokens and card access codes as SHA-256 digests (the token itself is shown once and lives only
with its holder). Throttling counters are keyed by a SHA-256 digest too, so the table holds
no login names and no IP addresses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fairpath.storage.models import Base, UtcDateTime


class AccountRow(Base):
    """One person (or one worker) who can sign in, with one role (docs/web.md "Roles")."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32))
    org_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    worker_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditorGrantRow(Base):
    """An organisation an auditor may read (read-only, pseudonymised)."""

    __tablename__ = "auditor_grants"
    __table_args__ = (UniqueConstraint("account_id", "org_ref", name="uq_auditor_grants_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    org_ref: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssignmentRow(Base):
    """Something assigned to a case handler: a worker now, a grievance once grievances land.

    `subject_kind` is "worker" or "grievance"; the tenancy module reads both kinds, so the
    grievance mechanism only has to insert rows of its kind.
    """

    __tablename__ = "case_assignments"
    __table_args__ = (
        UniqueConstraint(
            "account_id", "subject_kind", "subject_ref", name="uq_case_assignments_subject"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_ref: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionRow(Base):
    """A signed-in browser: SHA-256 of its cookie token, its CSRF token, when it ends."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ApiTokenRow(Base):
    """A personal access token for an integration; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WorkerCardRow(Base):
    """A worker card: access code (SHA-256 kept) and PIN (Argon2id kept); revocable."""

    __tablename__ = "worker_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_ref: Mapped[str] = mapped_column(String(64), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginThrottleRow(Base):
    """Failed sign-ins counted per account or per IP (keyed by a digest), and any lockout."""

    __tablename__ = "login_throttle"

    key: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
