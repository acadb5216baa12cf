"""Rules on documents and eligibility: DOCUMENT_RETAINED, UNDERAGE_RECRUITMENT,
UNLICENSED_RECRUITER (spec/rules.md "Documents and eligibility")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from fairpath.domain.journey import Document, EventType, HeldByRole
from fairpath.domain.law import Cited
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note, Severity

DOCUMENT_RETAINED = "DOCUMENT_RETAINED"
UNDERAGE_RECRUITMENT = "UNDERAGE_RECRUITMENT"
UNLICENSED_RECRUITER = "UNLICENSED_RECRUITER"

_IDENTITY = (Document.PASSPORT, Document.NATIONAL_ID, Document.WORK_PERMIT)
_HOLDERS = (HeldByRole.EMPLOYER, HeldByRole.RECRUITER, HeldByRole.SUB_AGENT)


def _still_held(ctx: RuleContext) -> dict[Document, Any]:
    """Per identity document, the latest `document_held` not followed by a return."""
    held: dict[Document, Any] = {}
    for event in ctx.journey.events:
        if event.type is EventType.DOCUMENT_HELD and event.data.document in _IDENTITY:
            held[event.data.document] = event
        elif event.type is EventType.DOCUMENT_RETURNED:
            held.pop(event.data.document, None)
    return held


def check_document_retained(ctx: RuleContext) -> Iterator[Finding | Note]:
    for document, event in _still_held(ctx).items():
        data = event.data
        if data.held_by_role not in _HOLDERS:
            continue
        if data.worker_can_retrieve and data.worker_consented_in_writing:
            continue
        critical = document is Document.PASSPORT and not data.worker_can_retrieve
        holder = data.held_by_ref or data.held_by_role.value.replace("_", "-")
        why = (
            "the worker cannot get it back on request"
            if not data.worker_can_retrieve
            else "the worker can get it back but never consented in writing to it being held"
        )
        rule = ctx.law(event.date).get("passport_retention_prohibited")
        law: tuple[Cited[Any], ...] = ()
        legal = ""
        if rule is not None and rule.value is True:
            law = (rule,)
            legal = f"; {ctx.country_name()} prohibits this ({rule.source})"
        yield Finding(
            rule_id=DOCUMENT_RETAINED,
            worker_ref=ctx.worker_ref,
            severity=Severity.CRITICAL if critical else Severity.HIGH,
            ilo_indicators=("FL07", "FL03"),
            iris_principles=("IRIS-2",),
            evidence=(event.ref,),
            message=(
                f"The worker's {document.value.replace('_', ' ')} has been held by {holder} "
                f"since {event.date.isoformat()} and not returned: {why} (ILO indicator FL07, "
                f"retention of identity documents{legal})."
            ),
            law=law,
        )


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_underage_recruitment(ctx: RuleContext) -> Iterator[Finding | Note]:
    dated = [
        *ctx.journey.contracts(),
        *ctx.journey.of_type(EventType.DEPARTED),
    ]
    if not dated:
        return
    first = min(dated, key=lambda e: (e.date, e.ref))
    worker = ctx.journey.worker
    birth = worker.pii.birth_date if worker.pii is not None else None
    if birth is not None:
        age = _age_on(birth, first.date)
        exact = True
    elif worker.birth_year is not None:
        age = first.date.year - worker.birth_year
        exact = False
    else:
        yield ctx.insufficient(
            UNDERAGE_RECRUITMENT, "neither a birth date nor a birth year is recorded", [first.ref]
        )
        return
    if age >= 18:
        return
    what = "contract" if first.type is EventType.CONTRACT_SIGNED else "departure"
    measured = "" if exact else " (from the birth year)"
    yield Finding(
        rule_id=UNDERAGE_RECRUITMENT,
        worker_ref=ctx.worker_ref,
        severity=Severity.CRITICAL,
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        evidence=(first.ref,),
        message=(
            f"The worker was {age}{measured} on the first {what} date, "
            f"{first.date.isoformat()}; recruiters must not recruit migrant workers under 18 "
            "(IRIS criterion A.3)."
        ),
    )


def check_unlicensed_recruiter(ctx: RuleContext) -> Iterator[Finding | Note]:
    refs = ctx.journey.worker.recruiter_refs
    if not refs:
        return
    dated = ctx.journey.contracts() or ctx.journey.of_type(EventType.JOB_OFFERED)
    if not dated:
        yield ctx.insufficient(
            UNLICENSED_RECRUITER,
            "no contract or job offer dates the recruitment, so licences cannot be checked",
        )
        return
    first = dated[0]
    for ref in refs:
        org = ctx.journey.organizations.get(ref)
        if org is None:
            yield ctx.insufficient(
                UNLICENSED_RECRUITER, f"the recruiter {ref} is not among the organizations"
            )
            continue
        licence = org.licence
        if licence is not None and licence.valid_on(first.date):
            continue
        why = (
            "has no licence on record"
            if licence is None
            else (
                f"holds licence {licence.number} valid "
                f"{licence.valid_from or '…'} to {licence.valid_until or '…'}"
            )
        )
        yield Finding(
            rule_id=UNLICENSED_RECRUITER,
            worker_ref=ctx.worker_ref,
            severity=Severity.HIGH,
            ilo_indicators=(),
            iris_principles=("IRIS-A",),
            evidence=(first.ref,),
            message=(
                f"Recruiter {org.name} ({ref}) {why}, so it was not licensed on the first "
                f"contract date {first.date.isoformat()} (IRIS criterion A.1: compliance with "
                "the law of its countries of operation)."
            ),
        )
