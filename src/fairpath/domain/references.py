"""The references between journey records, and what each must point to (spec §1).

Used to check an import: every reference must resolve to a record in the same file or one
already stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from fairpath.domain.journey import Link, Record, Site, Worker


class Reference(NamedTuple):
    """`field` of a record names the `kind` record `ref`.

    A named tuple, not a dataclass: an import makes one per reference (millions) and sends
    them between processes, where a tuple costs a fraction of a dataclass.
    """

    kind: str
    ref: str
    field: str


# Fields inside an event's `data` that name an organization or a site.
_DATA_ORG_FIELDS = ("employer_ref", "paid_to_ref", "lender_ref", "held_by_ref")


def references_of(record: Record) -> Iterator[Reference]:
    """Every reference `record` makes to another record."""
    if isinstance(record, Site):
        yield Reference("organization", record.org_ref, "org_ref")
    elif isinstance(record, Link):
        yield Reference("organization", record.from_ref, "from_ref")
        yield Reference("organization", record.to_ref, "to_ref")
    elif isinstance(record, Worker):
        yield from _worker_references(record)
    elif getattr(record, "kind", None) == "event":
        yield from _event_references(record)


def _worker_references(worker: Worker) -> Iterator[Reference]:
    if worker.employer_ref:
        yield Reference("organization", worker.employer_ref, "employer_ref")
    if worker.site_ref:
        yield Reference("site", worker.site_ref, "site_ref")
    for ref in worker.recruiter_refs:
        yield Reference("organization", ref, "recruiter_refs")


def _event_references(event: Any) -> Iterator[Reference]:
    yield Reference("worker", event.worker_ref, "worker_ref")
    if event.supersedes:
        yield Reference("event", event.supersedes, "supersedes")
    fields = event.data.__dict__  # a dict lookup: getattr on a missing pydantic field is slow
    for name in _DATA_ORG_FIELDS:
        value = fields.get(name)
        if value:
            yield Reference("organization", value, f"data.{name}")
    site = fields.get("site_ref")
    if site:
        yield Reference("site", site, "data.site_ref")
