"""assessment runs, findings, notes and assessed workers

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_RUN_FK = ["run_id"], ["assessment_runs.id"]


def upgrade() -> None:
    op.create_table(
        "assessment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("worker_ref", sa.String(length=64), nullable=True),
        sa.Column("law_tables", sa.Text(), nullable=False),
        sa.Column("rate_table", sa.Text(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_runs")),
    )
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_runs_at"), ["at"], unique=False)

    op.create_table(
        "assessed_workers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("worker_ref", sa.String(length=64), nullable=False),
        sa.Column("groups", sa.Text(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("owed_minor", sa.BigInteger(), nullable=True),
        sa.Column("paid_minor", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_minor", sa.BigInteger(), nullable=True),
        sa.Column("balance_minor", sa.BigInteger(), nullable=True),
        sa.Column("overpaid_minor", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(*_RUN_FK, name=op.f("fk_assessed_workers_run_id_assessment_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessed_workers")),
    )
    with op.batch_alter_table("assessed_workers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessed_workers_run_worker", ["run_id", "worker_ref"], unique=True
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("worker_ref", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("ilo_indicators", sa.String(length=200), nullable=False),
        sa.Column("iris_principles", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("owed_minor", sa.BigInteger(), nullable=True),
        sa.Column("owed_currency", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(*_RUN_FK, name=op.f("fk_findings_run_id_assessment_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("ref", name=op.f("uq_findings_ref")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index("ix_findings_run_worker", ["run_id", "worker_ref"], unique=False)
        batch_op.create_index("ix_findings_run_rule", ["run_id", "rule_id"], unique=False)

    op.create_table(
        "assessment_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("worker_ref", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(*_RUN_FK, name=op.f("fk_assessment_notes_run_id_assessment_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_notes")),
    )
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_notes_run_worker", ["run_id", "worker_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_notes_run_worker")
    op.drop_table("assessment_notes")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_run_rule")
        batch_op.drop_index("ix_findings_run_worker")
    op.drop_table("findings")
    with op.batch_alter_table("assessed_workers", schema=None) as batch_op:
        batch_op.drop_index("ix_assessed_workers_run_worker")
    op.drop_table("assessed_workers")
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_runs_at"))
    op.drop_table("assessment_runs")
