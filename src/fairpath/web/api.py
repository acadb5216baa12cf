"""The JSON API, version 1 (`/api/v1`): typed responses, problem documents for every error.

Reads go through `services.access` (and so through the tenancy rules); lists are paginated with
`limit`/`offset` and say their `total`. Money is a decimal string beside its ISO 4217 code,
never a float. Personal data appears only in a worker's detail, only when asked for with
`personal_data=true`, and only for a principal allowed to read it — and that read is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Query, Request, UploadFile
from pydantic import BaseModel, Field

from fairpath.services import access
from fairpath.services.assessment import AssessmentRun, StoredFinding
from fairpath.services.workers import StoredEvent
from fairpath.web.auth import ApiAuth, engine_of, settings_of
from fairpath.web.problems import HttpProblem, Problem
from fairpath.web.uploads import run_upload

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=500, description="How many items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="How many items to skip.")]
RefFilter = Annotated[str | None, Query(max_length=64)]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 403, 404, 409, 413, 415, 422, 429, 500)
}

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


class PageOut(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="How many items the filter matched in all.")
    limit: int
    offset: int


class MeOut(BaseModel):
    """The signed-in account."""

    login: str
    display_name: str
    role: str
    org_ref: str | None
    worker_ref: str | None


class WorkerOut(BaseModel):
    """A worker, pseudonymous."""

    ref: str
    origin_country: str
    destination_country: str
    sector: str
    employer_ref: str | None
    site_ref: str | None
    recruiter_refs: list[str]
    erased: bool


class EventOut(BaseModel):
    """One event of a journey; `superseded_by` names the correction that replaced it."""

    ref: str
    type: str
    date: str
    superseded_by: str | None
    log_index: int = Field(description="The event's leaf index in the journey log.")
    record: dict[str, Any] = Field(description="The event in the journey format, no personal data.")


class WorkerDetailOut(BaseModel):
    """A worker with their journey; `personal_data` only when asked for and allowed."""

    worker: WorkerOut
    record: dict[str, Any]
    may_read_personal_data: bool
    personal_data: dict[str, Any] | None
    erased_at: datetime | None
    events: list[EventOut]


class OrganizationOut(BaseModel):
    """An organisation in the supply chain."""

    ref: str
    name: str
    country: str
    roles: list[str]
    iris_status: str
    licence: dict[str, Any] | None


class MoneyOut(BaseModel):
    """An exact amount: a decimal string and its ISO 4217 currency."""

    amount: str
    currency: str


class RunOut(BaseModel):
    """The assessment run findings come from."""

    id: int
    as_of: date
    at: datetime


class FindingOut(BaseModel):
    """One finding with its evidence (the events it rests on)."""

    ref: str
    worker_ref: str
    rule_id: str
    severity: str
    ilo_indicators: list[str]
    iris_principles: list[str]
    evidence: list[str]
    message: str
    owed: MoneyOut | None


class FindingsOut(BaseModel):
    """Findings of the newest run; `run` is null when nothing was assessed yet."""

    run: RunOut | None
    items: list[FindingOut]
    total: int
    limit: int
    offset: int


class RemedyLine(BaseModel):
    """Remedy in one currency."""

    currency: str
    owed: str
    paid: str
    confirmed: str = Field(description="Paid and confirmed by the worker.")
    balance: str = Field(description="Owed and not yet confirmed as received.")


class RemedyOut(BaseModel):
    """Remedy over the workers the caller may see."""

    run: RunOut | None
    currencies: list[RemedyLine]


class ImportedFile(BaseModel):
    """What importing one file added."""

    file: str
    added: int
    unchanged: int


class ImportOut(BaseModel):
    """Every file of the upload was imported whole."""

    files: list[ImportedFile]


class WitnessOut(BaseModel):
    """A witness named by the log's policy, and whether it cosigned the latest checkpoint."""

    name: str
    url: str
    cosigned_latest: bool


class LogOut(BaseModel):
    """The journey log at a glance."""

    origin: str
    size: int
    signed_size: int | None
    checkpoint: str | None = Field(description="The latest signed checkpoint note.")
    published_size: int | None
    witnesses: list[WitnessOut]
    quorum_met: bool


# --- routes -----------------------------------------------------------------------------------


@router.get("/me", summary="The signed-in account")
def me(auth: ApiAuth) -> MeOut:
    who = auth.principal
    return MeOut(
        login=who.login,
        display_name=who.display_name,
        role=who.role.value,
        org_ref=who.org_ref,
        worker_ref=who.worker_ref,
    )


@router.get("/workers", summary="Workers the caller may see (pseudonymous)")
def list_workers(
    request: Request,
    auth: ApiAuth,
    *,
    limit: Limit = 50,
    offset: Offset = 0,
    origin: RefFilter = None,
    destination: RefFilter = None,
    sector: RefFilter = None,
    employer: RefFilter = None,
    site: RefFilter = None,
) -> PageOut[WorkerOut]:
    where = access.WorkerFilter(origin, destination, sector, employer, site)
    page = access.list_workers(
        engine_of(request), auth.principal, where, limit=limit, offset=offset
    )
    return PageOut[WorkerOut](
        items=[worker_out(w) for w in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
    )


@router.get("/workers/{ref}", summary="One worker and their journey")
def get_worker(
    request: Request,
    auth: ApiAuth,
    ref: str,
    *,
    personal_data: Annotated[
        bool, Query(description="Decrypt personal data if allowed (the read is audited).")
    ] = False,
) -> WorkerDetailOut:
    detail = access.worker_detail(
        settings_of(request), engine_of(request), auth.principal, ref, personal_data=personal_data
    )
    return WorkerDetailOut(
        worker=worker_out(detail.summary),
        record=detail.record,
        may_read_personal_data=detail.may_read_personal_data,
        personal_data=detail.personal,
        erased_at=detail.erased_at,
        events=[event_out(e) for e in detail.events],
    )


@router.get("/workers/{ref}/events", summary="A worker's events, oldest first")
def worker_events(
    request: Request, auth: ApiAuth, ref: str, limit: Limit = 50, offset: Offset = 0
) -> PageOut[EventOut]:
    page = access.worker_events(engine_of(request), auth.principal, ref, limit=limit, offset=offset)
    return PageOut[EventOut](
        items=[event_out(e) for e in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/organizations", summary="Organisations in the caller's supply chain")
def list_organizations(
    request: Request,
    auth: ApiAuth,
    *,
    limit: Limit = 50,
    offset: Offset = 0,
    role: RefFilter = None,
) -> PageOut[OrganizationOut]:
    page = access.list_organizations(
        engine_of(request), auth.principal, role=role, limit=limit, offset=offset
    )
    return PageOut[OrganizationOut](
        items=[org_out(o) for o in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/organizations/{ref}", summary="One organisation")
def get_organization(request: Request, auth: ApiAuth, ref: str) -> OrganizationOut:
    return org_out(access.organization(engine_of(request), auth.principal, ref))


@router.get("/findings", summary="Findings of the newest assessment, with their evidence")
def list_findings(
    request: Request,
    auth: ApiAuth,
    *,
    limit: Limit = 50,
    offset: Offset = 0,
    rule: RefFilter = None,
    worker: RefFilter = None,
) -> FindingsOut:
    result = access.findings(
        engine_of(request), auth.principal, rule=rule, worker=worker, limit=limit, offset=offset
    )
    return FindingsOut(
        run=run_out(result.run),
        items=[finding_out(f) for f in result.page.items],
        total=result.page.total,
        limit=limit,
        offset=offset,
    )


@router.get("/remedy", summary="Remedy owed, paid and confirmed, per currency")
def remedy(request: Request, auth: ApiAuth) -> RemedyOut:
    run, totals = access.remedy(engine_of(request), auth.principal)
    return RemedyOut(
        run=run_out(run),
        currencies=[
            RemedyLine(
                currency=ccy,
                owed=str(t.owed),
                paid=str(t.paid),
                confirmed=str(t.confirmed),
                balance=str(t.balance),
            )
            for ccy, t in sorted(totals.items())
        ],
    )


@router.post(
    "/imports",
    status_code=201,
    summary="Import a journey-format file (JSONL, template CSV or XLSX), whole or not at all",
)
def import_file(request: Request, auth: ApiAuth, file: UploadFile) -> ImportOut:
    if not auth.principal.can_upload:
        raise HttpProblem(403, "your account cannot upload data; ask your organisation's admin")
    reports = run_upload(settings_of(request), engine_of(request), auth.principal, file)
    return ImportOut(
        files=[ImportedFile(file=r.file, added=r.added, unchanged=r.unchanged) for r in reports]
    )


@router.get("/log", summary="The journey log's size, checkpoint and witnesses (public)")
def log_status(request: Request) -> LogOut:
    status = access.log_status(settings_of(request), engine_of(request))
    return LogOut(
        origin=status.origin,
        size=status.size,
        signed_size=status.signed.size if status.signed else None,
        checkpoint=status.signed.best_note if status.signed else None,
        published_size=status.published.size if status.published else None,
        witnesses=[WitnessOut(name=n, url=u, cosigned_latest=c) for n, u, c in status.witnesses],
        quorum_met=status.quorum_met,
    )


# --- conversions ------------------------------------------------------------------------------


def worker_out(w: access.WorkerSummary) -> WorkerOut:
    return WorkerOut(
        ref=w.ref,
        origin_country=w.origin_country,
        destination_country=w.destination_country,
        sector=w.sector,
        employer_ref=w.employer_ref,
        site_ref=w.site_ref,
        recruiter_refs=w.recruiter_refs,
        erased=w.erased,
    )


def event_out(e: StoredEvent) -> EventOut:
    return EventOut(
        ref=e.ref,
        type=e.type,
        date=e.date,
        superseded_by=e.superseded_by,
        log_index=e.leaf_index,
        record=e.record,
    )


def org_out(o: access.OrgSummary) -> OrganizationOut:
    return OrganizationOut(
        ref=o.ref,
        name=o.name,
        country=o.country,
        roles=o.roles,
        iris_status=o.iris_status,
        licence=o.licence,
    )


def run_out(run: AssessmentRun | None) -> RunOut | None:
    return None if run is None else RunOut(id=run.id, as_of=run.as_of, at=run.at)


def finding_out(f: StoredFinding) -> FindingOut:
    owed = (
        None
        if f.owed is None
        else MoneyOut(amount=_amount(f.owed.amount), currency=f.owed.currency)
    )
    return FindingOut(
        ref=f.ref,
        worker_ref=f.worker_ref,
        rule_id=f.rule_id,
        severity=f.severity,
        ilo_indicators=list(f.ilo_indicators),
        iris_principles=list(f.iris_principles),
        evidence=list(f.evidence),
        message=f.message,
        owed=owed,
    )


def _amount(value: Decimal) -> str:
    return format(value, "f")
