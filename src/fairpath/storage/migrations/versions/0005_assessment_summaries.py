"""per-worker summaries of assessment runs for reports (groups, profile, changes, cost indicator)

Revision ID: 0005
Revises: 0004

Runs made before this migration keep NULL summaries (`assessment_runs.summaries` false); reports
read those runs the slower way, finding by finding, with the same results.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WORKER_COLUMNS = ("groups_id", "profile_id", "changes_id", "cost_id")


def upgrade() -> None:
    op.create_table(
        "assessment_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_runs.id"],
            name=op.f("fk_assessment_texts_run_id_assessment_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_texts")),
    )
    with op.batch_alter_table("assessment_texts", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_texts_run", ["run_id"], unique=False)
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("compared_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("summaries", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("assessed_workers", schema=None) as batch_op:
        for name in _WORKER_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cost_milli", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("cost_centi", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessed_workers", schema=None) as batch_op:
        for name in (*_WORKER_COLUMNS, "cost_milli", "cost_centi"):
            batch_op.drop_column(name)
    with op.batch_alter_table("assessment_runs", schema=None) as batch_op:
        batch_op.drop_column("summaries")
        batch_op.drop_column("compared_run_id")
    with op.batch_alter_table("assessment_texts", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_texts_run")
    op.drop_table("assessment_texts")
