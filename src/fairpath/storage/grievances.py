"""The schema of the grievance mechanism: cases, their transitions, programmes, SMS/WhatsApp
conversations and the webhook replay store.

The complainant's words and contact address are personal data: stored only as ciphertext, under
the worker's data key when the worker is known, else under a per-case key wrapped by the master
key (`case_key_wrapped`). Conversations are keyed by a keyed digest of the phone number, so the
table holds no phone numbers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fairpath.storage.models import Base, UtcDateTime


class GrievanceRow(Base):
    """One grievance case (docs/grievances.md "The register" lists what each column means)."""

    __tablename__ = "grievances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    worker_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    employer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    site_ref: Mapped[str | None] = mapped_column(String(64))
    programme_ref: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    consent_to_supplier: Mapped[bool] = mapped_column(Boolean)
    source_type: Mapped[str] = mapped_column(String(32))  # worker, representative, case_handler
    representative_ref: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(32), index=True)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_by: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(64), index=True)
    founded: Mapped[bool | None] = mapped_column(Boolean)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    remedy_description: Mapped[str | None] = mapped_column(Text)
    remedy_amount: Mapped[str | None] = mapped_column(String(40))
    remedy_currency: Mapped[str | None] = mapped_column(String(3))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    finding_refs: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    event_ref: Mapped[str | None] = mapped_column(String(64))  # the grievance_filed event
    remedy_event_ref: Mapped[str | None] = mapped_column(String(64))  # the newest remedy_paid
    text_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    case_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)


class GrievanceTransitionRow(Base):
    """One move of a case: what, from where to where, who, when, and the note given."""

    __tablename__ = "grievance_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grievance_id: Mapped[int] = mapped_column(ForeignKey("grievances.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class GrievanceProgrammeRow(Base):
    """A grievance programme: the deadlines and independent party for one employer's cases."""

    __tablename__ = "grievance_programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    employer_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    acknowledge_days: Mapped[int] = mapped_column(Integer)
    remedy_days: Mapped[int] = mapped_column(Integer)
    escalate_to: Mapped[str | None] = mapped_column(String(64))
    handler_login: Mapped[str | None] = mapped_column(String(200))


class ConversationRow(Base):
    """Where an SMS/WhatsApp dialogue stands; keyed by a keyed digest of (channel, number)."""

    __tablename__ = "grievance_conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_digest: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    step: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    category: Mapped[str | None] = mapped_column(String(32))
    anonymous: Mapped[bool | None] = mapped_column(Boolean)
    worker_ref: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookMessageRow(Base):
    """A provider message id already processed: a second delivery is a replay and refused."""

    __tablename__ = "grievance_webhook_messages"
    __table_args__ = (
        UniqueConstraint("channel", "message_sid", name="uq_grievance_webhook_messages_sid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_sid: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
