"""The audit trail: who did what and when, written in the same transaction as the change.

Entries never hold personal data: subjects are references, details are counts and names of
fields. Reads of personal data are audited too (`action="read_personal_data"`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from fairpath.storage.models import AuditRow, table_of


def write_audit(
    conn: Connection, *, at: datetime, actor: str, action: str, subject: str, detail: str = ""
) -> None:
    """Append one audit entry in the caller's transaction."""
    conn.execute(
        table_of(AuditRow).insert(),
        {"at": at, "actor": actor, "action": action, "subject": subject, "detail": detail},
    )
