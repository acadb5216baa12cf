"""leaner indexes on events and log entries, which every imported event writes

Revision ID: 0006
Revises: 0005

An imported event writes one row of `events` and one of `log_entries`, and every index of either
is one more b-tree to insert into. Three were doing no work (measured: ~15 % of the database's
time in a million-event import on SQLite):

- `events.leaf_index` was unique besides being `log_entries`' primary key; the log's own key
  keeps indices unique, and nothing looks an event up by its leaf index.
- `ix_events_supersedes_ref` indexed every event, though only corrections have `supersedes_ref`;
  it is now partial (`WHERE supersedes_ref IS NOT NULL`), which every lookup by it implies.
- On SQLite, `log_entries.leaf_index` was a BIGINT primary key: a second b-tree beside the
  table's rowid. Declared INTEGER it is the rowid itself (SQLite, "ROWID and the INTEGER
  PRIMARY KEY"); PostgreSQL keeps BIGINT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_NOT_NULL = sa.text("supersedes_ref IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_events_leaf_index", type_="unique")
        batch_op.drop_index("ix_events_supersedes_ref")
        batch_op.create_index(
            "ix_events_supersedes_ref",
            ["supersedes_ref"],
            unique=False,
            sqlite_where=_NOT_NULL,
            postgresql_where=_NOT_NULL,
        )
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("log_entries", schema=None, recreate="always") as batch_op:
            batch_op.alter_column(
                "leaf_index", existing_type=sa.BigInteger(), type_=sa.Integer(), nullable=False
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("log_entries", schema=None, recreate="always") as batch_op:
            batch_op.alter_column(
                "leaf_index", existing_type=sa.Integer(), type_=sa.BigInteger(), nullable=False
            )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_supersedes_ref")
        batch_op.create_index("ix_events_supersedes_ref", ["supersedes_ref"], unique=False)
        batch_op.create_unique_constraint("uq_events_leaf_index", ["leaf_index"])
