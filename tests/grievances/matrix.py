"""The grievance case the tenancy matrix (tests/web/test_tenancy_matrix.py) requests.

G-MATRIX01: w-2 (the matrix's worker-card holder, at penang-caps — tier 2 of kl-bottling, in
acme's chain) filed anonymously; assigned to the case handler; still `received`, and no matrix
request moves it (every move the matrix sends is refused), so each role's statuses are stable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from fairpath.domain.grievances import Category
from fairpath.domain.journey import Channel
from fairpath.services import grievances
from fairpath.storage.grievances import GrievanceRow
from tests.web.conftest import WebSite

MATRIX_CASE = "G-MATRIX01"


def ensure_matrix_case(site: WebSite) -> None:
    """File and assign G-MATRIX01 once per shared site."""
    with site.engine.connect() as conn:
        if conn.scalar(select(GrievanceRow.id).where(GrievanceRow.ref == MATRIX_CASE)):
            return
    grievances.file_grievance(
        site.settings,
        site.engine,
        grievances.Intake(
            channel=Channel.WEB,
            category=Category.DOCUMENT_RETENTION,
            anonymous=True,
            text="They keep my passport",
            worker_ref="w-2",
        ),
        actor="test",
        now=datetime.now(UTC),
        ref=MATRIX_CASE,
    )
    grievances.assign(site.engine, MATRIX_CASE, "handler@test", actor="test")
