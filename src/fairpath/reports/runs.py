"""Which assessment runs a report reads: the run of the period and the one it is compared with.

Only runs over the whole data set count (a run of one worker is not a report's basis). Without a
period: the newest run, compared with the run before it. With `FROM..TO`: the newest run whose
as-of date falls in the period, compared with the newest run as of a date before FROM — the
state at the start of the period, which is what "changed since the last report" means for an
annual statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from fairpath.domain.errors import InvalidInputError, NotFoundError
from fairpath.storage.findings import AssessmentRunRow
from fairpath.storage.models import table_of

_runs = table_of(AssessmentRunRow)


@dataclass(frozen=True)
class Period:
    """Dates a report covers, both ends included; either may be open."""

    start: date | None
    end: date | None

    def __str__(self) -> str:
        return f"{self.start or '…'} to {self.end or '…'}"


def parse_period(text: str | None) -> Period | None:
    """`2025-01-01..2025-12-31` (either end may be left out: `..2025-12-31`)."""
    if text is None or not text.strip():
        return None
    if ".." not in text:
        raise InvalidInputError(
            f"--period '{text}' is not FROM..TO; write e.g. 2025-01-01..2025-12-31"
        )
    first, _, last = text.partition("..")
    try:
        start = date.fromisoformat(first.strip()) if first.strip() else None
        end = date.fromisoformat(last.strip()) if last.strip() else None
    except ValueError:
        raise InvalidInputError(
            f"--period '{text}': dates are YYYY-MM-DD, e.g. 2025-01-01..2025-12-31"
        ) from None
    if start and end and start > end:
        raise InvalidInputError(f"--period '{text}' starts after it ends; swap the dates")
    return Period(start, end)


def choose_runs(conn: Connection, period: Period | None) -> tuple[int, int | None]:
    """(the run the report reads, the run it is compared with or None)."""
    rows = conn.execute(
        select(_runs.c.id, _runs.c.as_of).where(_runs.c.worker_ref.is_(None)).order_by(_runs.c.id)
    ).all()
    if not rows:
        raise NotFoundError("no assessment run yet; run `fairpath assess` first")
    if period is None:
        chosen = rows[-1].id
        before = [r.id for r in rows if r.id < chosen]
        return chosen, (before[-1] if before else None)
    inside = [
        r
        for r in rows
        if (period.start is None or r.as_of >= period.start)
        and (period.end is None or r.as_of <= period.end)
    ]
    if not inside:
        raise NotFoundError(
            f"no assessment run as of a date in {period}; run `fairpath assess --as-of "
            f"{period.end or date.max}` (or choose another period)"
        )
    chosen = max(inside, key=lambda r: (r.as_of, r.id)).id
    if period.start is None:
        earlier = [r.id for r in rows if r.id < chosen]
    else:
        earlier = [r.id for r in rows if r.as_of < period.start]
    return chosen, (max(earlier) if earlier else None)


def recent_runs(conn: Connection, upto: int, count: int) -> list[int]:
    """Up to `count` whole-data-set runs up to and including `upto`, oldest first."""
    ids = conn.scalars(
        select(_runs.c.id)
        .where(_runs.c.worker_ref.is_(None), _runs.c.id <= upto)
        .order_by(_runs.c.id.desc())
        .limit(count)
    ).all()
    return sorted(ids)
