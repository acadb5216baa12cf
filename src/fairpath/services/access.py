"""What a signed-in person reads: workers, journeys, organisations, findings, remedy, uploads.

Every function takes the `Principal` and filters through `services.tenancy` — the one place
that decides visibility — so the API and the pages cannot drift apart. Lists are pseudonymous;
personal data is decrypted only for one worker at a time, on request, for a principal allowed
to read it, and that read is audited (`services.workers.show_worker`).

Findings come from the newest whole-data-set assessment run (`services.assessment`), restricted
to the workers the principal may see. Group totals that would single out fewer than
`MIN_GROUP` workers the viewer may only see pseudonymised are withheld (a group of one is a
person).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, bindparam, func, select

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.domain.journey import Licence
from fairpath.domain.money import Money
from fairpath.services import accounts, assessment, journal_log, tenancy
from fairpath.services.accounts import Session
from fairpath.services.importing import FileReport, import_paths
from fairpath.services.tenancy import Principal, Scope
from fairpath.services.workers import EVENTS_OF, StoredEvent, show_worker, stored_events
from fairpath.storage.accounts import AccountRow, SessionRow
from fairpath.storage.findings import AssessedWorkerRow, FindingRow
from fairpath.storage.models import EventRow, LogStateRow, OrganizationRow, WorkerRow, table_of

_workers = table_of(WorkerRow)
_events = table_of(EventRow)
_orgs = table_of(OrganizationRow)
_findings = table_of(FindingRow)
_assessed = table_of(AssessedWorkerRow)
_sessions = table_of(SessionRow)
_accounts = table_of(AccountRow)
_log_state = table_of(LogStateRow)

#: Groups smaller than this are not shown to viewers who see their workers pseudonymised.
MIN_GROUP = 5
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the total the filter matched."""

    items: list[T]
    total: int
    limit: int
    offset: int


class UploadRefused(FairpathError):
    """The file names records the uploader may not write; nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} record(s) in the file are not your organisation's to upload; "
            "nothing was imported"
        )
        self.problems = problems


def principal(engine: Engine, account_id: int, *, per_request: bool = False) -> Principal | None:
    """The principal of an account (None when it is disabled or gone); `per_request` for one
    that serves a single request (its scope is then computed once)."""
    with engine.connect() as conn:
        return tenancy.load_principal(conn, account_id, per_request=per_request)


#: Built once: the statements every request runs (only their parameters change).
_LOG_SIZE = select(_log_state.c.size).where(_log_state.c.id == 1).scalar_subquery()
_OWN_VERSION = select(_LOG_SIZE.label("size"), _workers.c.erased_at, _workers.c.canonical).where(
    _workers.c.ref == bindparam("ref")
)


#: The session, its account and — for a worker — their record's version, in one read.
_SIGNED_IN = (
    select(
        _sessions.c.csrf_token,
        _sessions.c.expires_at,
        _accounts,
        _LOG_SIZE.label("fp_log_size"),
        _workers.c.erased_at.label("fp_erased_at"),
        _workers.c.canonical.label("fp_canonical"),
    )
    .join(_accounts, _accounts.c.id == _sessions.c.account_id)
    .outerjoin(_workers, _workers.c.ref == _accounts.c.worker_ref)
    .where(
        _sessions.c.token_hash == bindparam("token_hash"),
        _accounts.c.disabled_at.is_(None),
    )
)


def signed_in(
    engine: Engine, token: str, now: datetime | None = None
) -> tuple[Session, Principal] | None:
    """The live session of a cookie token and its enabled account's principal, read together
    (one query for most roles) for one request; None when unknown, expired or disabled.

    The same rules as `accounts.session_for` followed by `principal`: the database holds the
    token's SHA-256; a session past `expires_at`, or of a disabled account, opens nothing."""
    if not token or len(token) > 100:
        return None
    at = now or datetime.now(UTC)
    with engine.connect() as conn:
        row = conn.execute(_SIGNED_IN, {"token_hash": accounts.digest(token)}).one_or_none()
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires <= at:
            return None
        who = tenancy.principal_of(conn, row, per_request=True)
    if who.memo is not None and row.fp_canonical is not None:
        who.memo["own_record_version"] = _own_version(
            row.fp_log_size, row.fp_erased_at, row.fp_canonical
        )
    return Session(who.account_id, row.csrf_token, expires), who


def _scope(conn: Connection, who: Principal) -> Scope:
    return tenancy.scope_of(conn, who)


# --- workers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSummary:
    """A worker as lists show them: pseudonymous structure only."""

    ref: str
    origin_country: str
    destination_country: str
    sector: str
    employer_ref: str | None
    site_ref: str | None
    recruiter_refs: list[str]
    erased: bool


@dataclass(frozen=True)
class WorkerFilter:
    """What the worker list can be narrowed by (all optional)."""

    origin: str | None = None
    destination: str | None = None
    sector: str | None = None
    employer: str | None = None
    site: str | None = None


def list_workers(
    engine: Engine, who: Principal, where: WorkerFilter, *, limit: int, offset: int
) -> Page[WorkerSummary]:
    """The workers `who` may see, filtered, in reference order."""
    w = _workers
    with engine.connect() as conn:
        clauses = [tenancy.visible_workers(conn, _scope(conn, who))]
        for column, value in (
            (w.c.origin_country, where.origin),
            (w.c.destination_country, where.destination),
            (w.c.sector, where.sector),
            (w.c.employer_ref, where.employer),
            (w.c.site_ref, where.site),
        ):
            if value:
                clauses.append(column == value)
        total = conn.scalar(select(func.count()).select_from(w).where(*clauses)) or 0
        rows = conn.execute(
            select(w).where(*clauses).order_by(w.c.ref).limit(limit).offset(offset)
        ).all()
    return Page([_summary(r) for r in rows], int(total), limit, offset)


def _summary(row: Any) -> WorkerSummary:
    record = json.loads(row.canonical)
    return WorkerSummary(
        ref=row.ref,
        origin_country=row.origin_country,
        destination_country=row.destination_country,
        sector=row.sector,
        employer_ref=row.employer_ref,
        site_ref=row.site_ref,
        recruiter_refs=list(record.get("recruiter_refs", [])),
        erased=row.erased_at is not None,
    )


@dataclass(frozen=True)
class WorkerDetail:
    """One worker's record and journey as `who` may see it."""

    summary: WorkerSummary
    record: dict[str, Any]
    may_read_personal_data: bool
    personal: dict[str, Any] | None
    erased_at: datetime | None
    events: list[StoredEvent]


def worker_detail(
    settings: Settings, engine: Engine, who: Principal, ref: str, *, personal_data: bool
) -> WorkerDetail:
    """Worker `ref` if `who` may see it (else NotFoundError, as if it did not exist).

    With `personal_data`, and only when `who` may read it, the personal data is decrypted —
    an audited read (services.workers.show_worker writes the entry). Without it, one
    connection reads the row (with whether `who` may read its personal data) and the events.
    """
    w = _workers
    with engine.connect() as conn:
        scope = _scope(conn, who)
        row = conn.execute(
            select(w, tenancy.personal_data_workers(conn, scope).label("fp_personal")).where(
                w.c.ref == ref, tenancy.visible_workers(conn, scope)
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no worker with reference '{ref}'")
        allowed = bool(row.fp_personal)
        rows = None if personal_data and allowed else conn.execute(EVENTS_OF, {"ref": ref}).all()
    if rows is None:  # an audited read of personal data, in its own transaction
        view = show_worker(settings, engine, ref, actor=who.actor, include_personal_data=True)
        record, personal, erased_at = view.record, view.personal, view.erased_at
        events = view.events
    else:
        record, personal, erased_at = json.loads(row.canonical), None, row.erased_at
        events = stored_events(rows)
    return WorkerDetail(
        summary=_summary(row),
        record=record,
        may_read_personal_data=allowed,
        personal=personal,
        erased_at=erased_at,
        events=[e for e in events if tenancy.may_see_event_type(who, e.type)],
    )


@dataclass(frozen=True)
class OwnRecordVersion:
    """How a worker's own record stands: `version` changes whenever anything their portal
    pages are made from may have changed; `languages` are the record's own languages."""

    version: str
    languages: tuple[str, ...]


def own_record_version(engine: Engine, who: Principal) -> OwnRecordVersion | None:
    """The version of the signed-in worker's own record (None for staff, or no such worker).

    Records are append-only: a worker, organisation, site, link or event is written only by
    `services.recording.Recorder`, in the transaction that appends it to the journey log (a
    changed record is refused as a conflict; a correction is a new event), and erasure
    (`services.workers.erase_worker`) is the one update, setting `erased_at`. So the log's
    size and the worker's `erased_at` together change whenever the worker's record, events or
    the organisations named on them — everything a portal page shows, and everything a
    worker's tenancy scope is computed from — may have changed. One indexed read, or none
    when the request's sign-in read it already (`signed_in`; `remembered_record_version`).
    """
    known = remembered_record_version(who)
    if known is not None or who.worker_ref is None:
        return known
    with engine.connect() as conn:
        row = conn.execute(_OWN_VERSION, {"ref": who.worker_ref}).one_or_none()
    return None if row is None else _own_version(row.size, row.erased_at, row.canonical)


def remembered_record_version(who: Principal) -> OwnRecordVersion | None:
    """The worker's record version read with this request's sign-in, if it was (no I/O)."""
    known: OwnRecordVersion | None = (who.memo or {}).get("own_record_version")
    return known


def _own_version(log_size: Any, erased_at: Any, canonical: str) -> OwnRecordVersion:
    languages = tuple(str(code) for code in json.loads(canonical).get("languages", ()))
    return OwnRecordVersion(f"{log_size}:{erased_at}", languages)


def worker_events(
    engine: Engine, who: Principal, ref: str, *, limit: int, offset: int
) -> Page[StoredEvent]:
    """The events of worker `ref` (oldest first, superseded ones marked), pseudonymous."""
    e = _events
    with engine.connect() as conn:
        if not tenancy.can_see_worker(conn, _scope(conn, who), ref):
            raise NotFoundError(f"no worker with reference '{ref}'")
        shown = [e.c.worker_ref == ref]
        if not tenancy.may_see_event_type(who, "grievance_filed"):
            shown.append(e.c.type.not_in(tenancy.GRIEVANCE_EVENT_TYPES))
        total = conn.scalar(select(func.count()).select_from(e).where(*shown)) or 0
        rows = conn.execute(
            select(e.c.ref, e.c.type, e.c.date, e.c.canonical, e.c.leaf_index)
            .where(*shown)
            .order_by(e.c.date, e.c.leaf_index)
            .limit(limit)
            .offset(offset)
        ).all()
        refs = [r.ref for r in rows]
        newer = {
            row.supersedes_ref: row.ref
            for row in conn.execute(
                select(e.c.supersedes_ref, e.c.ref).where(e.c.supersedes_ref.in_(refs))
            )
        }
    return Page(stored_events(rows, newer), int(total), limit, offset)


# --- organisations --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSummary:
    """An organisation: not personal data, but still shown only within the chain."""

    ref: str
    name: str
    country: str
    roles: list[str]
    iris_status: str
    licence: dict[str, Any] | None


def list_organizations(
    engine: Engine, who: Principal, *, role: str | None, limit: int, offset: int
) -> Page[OrgSummary]:
    """Organisations `who` may see (optionally one role), in reference order."""
    o = _orgs
    with engine.connect() as conn:
        clauses = [tenancy.visible_orgs(_scope(conn, who))]
        if role:
            # roles are ';'-joined; pad both sides so "recruiter" does not match "sub_recruiter"
            clauses.append((";" + o.c.roles + ";").contains(f";{role};"))
        total = conn.scalar(select(func.count()).select_from(o).where(*clauses)) or 0
        rows = conn.execute(
            select(o).where(*clauses).order_by(o.c.ref).limit(limit).offset(offset)
        ).all()
    return Page([_org(r) for r in rows], int(total), limit, offset)


def organization(engine: Engine, who: Principal, ref: str) -> OrgSummary:
    """Organisation `ref`, if `who` may see it (else NotFoundError)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(_orgs).where(_orgs.c.ref == ref, tenancy.visible_orgs(_scope(conn, who)))
        ).one_or_none()
    if row is None:
        raise NotFoundError(f"no organisation with reference '{ref}'")
    return _org(row)


def organization_names(engine: Engine, who: Principal) -> dict[str, str]:
    """Reference → name of every organisation `who` may see (a worker: a handful)."""
    o = _orgs
    with engine.connect() as conn:
        rows = conn.execute(
            select(o.c.ref, o.c.name).where(tenancy.visible_orgs(_scope(conn, who)))
        ).all()
    return {r.ref: r.name for r in rows}


def _org(row: Any) -> OrgSummary:
    record = json.loads(row.canonical)
    return OrgSummary(
        ref=row.ref,
        name=row.name,
        country=row.country,
        roles=[r for r in row.roles.split(";") if r],
        iris_status=row.iris_status,
        licence=record.get("licence"),
    )


@dataclass(frozen=True)
class RecruiterStatus:
    """A recruiter's licence and IRIS status as of a day."""

    org: OrgSummary
    licence_valid: bool | None  # None: no licence on record
    workers: int


def recruiters(engine: Engine, who: Principal, as_of: date) -> list[RecruiterStatus]:
    """Recruiters and sub-agents `who` may see, with licence validity on `as_of`."""
    page = list_organizations(engine, who, role=None, limit=100_000, offset=0)
    found = [o for o in page.items if {"recruiter", "sub_agent"} & set(o.roles)]
    with engine.connect() as conn:
        visible = tenancy.visible_workers(conn, _scope(conn, who))
        counts: Counter[str] = Counter()
        for canonical in conn.scalars(select(_workers.c.canonical).where(visible)):
            counts.update(json.loads(canonical).get("recruiter_refs", []))
    out = []
    for org in found:
        valid = None if org.licence is None else Licence(**org.licence).valid_on(as_of)
        out.append(RecruiterStatus(org, valid, counts[org.ref]))
    return out


# --- findings and remedy ------------------------------------------------------------------


@dataclass(frozen=True)
class FindingsPage:
    """Findings of the newest run that `who` may see; `run` None when nothing was assessed."""

    run: assessment.AssessmentRun | None
    page: Page[assessment.StoredFinding]


def findings(
    engine: Engine,
    who: Principal,
    *,
    rule: str | None = None,
    worker: str | None = None,
    limit: int,
    offset: int,
) -> FindingsPage:
    """The newest whole-data-set run's findings, restricted to visible workers."""
    run = assessment.latest_run(engine)
    if run is None:
        return FindingsPage(None, Page([], 0, limit, offset))
    f = _findings
    with engine.connect() as conn:
        clauses = [
            f.c.run_id == run.id,
            tenancy.worker_ref_filter(conn, _scope(conn, who), f.c.worker_ref),
        ]
        if rule:
            clauses.append(f.c.rule_id == rule)
        if worker:
            clauses.append(f.c.worker_ref == worker)
        total = conn.scalar(select(func.count()).select_from(f).where(*clauses)) or 0
        rows = conn.execute(
            select(f).where(*clauses).order_by(f.c.id).limit(limit).offset(offset)
        ).all()
    return FindingsPage(run, Page([_finding(r) for r in rows], int(total), limit, offset))


def _finding(row: Any) -> assessment.StoredFinding:
    owed = (
        None
        if row.owed_currency is None
        else Money(assessment.from_minor(row.owed_minor, row.owed_currency), row.owed_currency)
    )
    return assessment.StoredFinding(
        ref=row.ref,
        key=row.key,
        run_id=row.run_id,
        worker_ref=row.worker_ref,
        rule_id=row.rule_id,
        severity=row.severity,
        ilo_indicators=tuple(json.loads(row.ilo_indicators)),
        iris_principles=tuple(json.loads(row.iris_principles)),
        evidence=tuple(json.loads(row.evidence)),
        message=row.message,
        owed=owed,
    )


@dataclass
class Money3:
    """Remedy owed, paid and confirmed by the worker, in one currency."""

    owed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    confirmed: Decimal = Decimal(0)
    balance: Decimal = Decimal(0)


@dataclass
class Group:
    """Findings and remedy of one group (an ILO indicator, corridor, supplier, site, recruiter)."""

    key: str
    workers: set[str] = field(default_factory=set)
    workers_with_findings: set[str] = field(default_factory=set)
    findings: int = 0
    remedy: dict[str, Money3] = field(default_factory=lambda: defaultdict(Money3))
    withheld: bool = False


@dataclass
class Dashboard:
    """What the dashboard shows; `run` None means no assessment yet."""

    run: assessment.AssessmentRun | None
    workers: int
    events: int
    findings: int
    workers_with_findings: int
    remedy: dict[str, Money3]
    groups: dict[str, list[Group]]  # dimension → groups, largest first


DIMENSIONS = ("ilo_indicator", "corridor", "supplier", "site", "recruiter")


def dashboard(engine: Engine, who: Principal) -> Dashboard:
    """Counts, findings by ILO indicator and by group, and remedy, as `who` may see them."""
    run = assessment.latest_run(engine)
    with engine.connect() as conn:
        scope = _scope(conn, who)
        visible = tenancy.visible_workers(conn, scope)
        workers = conn.scalar(select(func.count()).select_from(_workers).where(visible)) or 0
        events = (
            conn.scalar(
                select(func.count())
                .select_from(_events)
                .where(tenancy.worker_ref_filter(conn, scope, _events.c.worker_ref))
            )
            or 0
        )
        personal = set(
            conn.scalars(select(_workers.c.ref).where(tenancy.personal_data_workers(conn, scope)))
        )
        board = Dashboard(run, int(workers), int(events), 0, 0, defaultdict(Money3), {})
        if run is not None:
            _fill(conn, board, run.id, scope)
    for groups in board.groups.values():
        for group in groups:
            group.withheld = len(group.workers) < MIN_GROUP and not group.workers <= personal
    return board


def _fill(conn: Connection, board: Dashboard, run_id: int, scope: Scope) -> None:
    groups: dict[str, dict[str, Group]] = {d: {} for d in DIMENSIONS}
    counted: dict[str, int] = Counter()
    indicators: dict[str, set[str]] = defaultdict(set)
    with_findings: set[str] = set()
    for row in _rows(
        conn,
        select(_findings.c.id, _findings.c.worker_ref, _findings.c.ilo_indicators).where(
            _findings.c.run_id == run_id,
            tenancy.worker_ref_filter(conn, scope, _findings.c.worker_ref),
        ),
        _findings.c.id,
    ):
        board.findings += 1
        counted[row.worker_ref] += 1
        with_findings.add(row.worker_ref)
        for indicator in json.loads(row.ilo_indicators):
            group = groups["ilo_indicator"].setdefault(indicator, Group(indicator))
            group.findings += 1
            indicators[indicator].add(row.worker_ref)
    for key, refs in indicators.items():
        groups["ilo_indicator"][key].workers = set(refs)
        groups["ilo_indicator"][key].workers_with_findings = set(refs)
    board.workers_with_findings = len(with_findings)
    for row in _rows(
        conn,
        select(_assessed).where(
            _assessed.c.run_id == run_id,
            tenancy.worker_ref_filter(conn, scope, _assessed.c.worker_ref),
        ),
        _assessed.c.id,
    ):
        _count_worker(board, groups, row, counted.get(row.worker_ref, 0))
    board.groups = {
        d: sorted(g.values(), key=lambda g: (-g.findings, g.key)) for d, g in groups.items()
    }


def _count_worker(
    board: Dashboard, groups: dict[str, dict[str, Group]], row: Any, findings_count: int
) -> None:
    amounts = _amounts(row)
    if amounts is not None:
        _add_money(board.remedy[row.currency], amounts)
    for dimension, keys in json.loads(row.groups).items():
        if dimension not in groups:
            continue
        for key in keys:
            group = groups[dimension].setdefault(key, Group(key))
            group.workers.add(row.worker_ref)
            group.findings += findings_count
            if findings_count:
                group.workers_with_findings.add(row.worker_ref)
            if amounts is not None:
                _add_money(group.remedy[row.currency], amounts)


def _amounts(row: Any) -> Money3 | None:
    if row.currency is None:
        return None
    ccy = row.currency
    return Money3(
        owed=assessment.from_minor(row.owed_minor or 0, ccy),
        paid=assessment.from_minor(row.paid_minor or 0, ccy),
        confirmed=assessment.from_minor(row.confirmed_minor or 0, ccy),
        balance=assessment.from_minor(row.balance_minor or 0, ccy),
    )


def _add_money(total: Money3, add: Money3) -> None:
    total.owed += add.owed
    total.paid += add.paid
    total.confirmed += add.confirmed
    total.balance += add.balance


def _rows(conn: Connection, query: Any, order: Any, page: int = 2000) -> Iterator[Any]:
    """Rows of `query` a page at a time (keyset on `order`), so memory stays flat."""
    last = 0
    while True:
        rows = conn.execute(query.where(order > last).order_by(order).limit(page)).all()
        if not rows:
            return
        last = rows[-1].id
        yield from rows


def remedy(
    engine: Engine, who: Principal
) -> tuple[assessment.AssessmentRun | None, dict[str, Money3]]:
    """Remedy owed, paid, confirmed and outstanding per currency over visible workers."""
    board = dashboard(engine, who)
    return board.run, dict(board.remedy)


# --- uploads and the log ------------------------------------------------------------------


def upload(
    settings: Settings, engine: Engine, who: Principal, paths: Sequence[Path]
) -> list[FileReport]:
    """Import files for `who`: refused whole when a record is not theirs to write, else
    `import_paths` (each file whole or not at all; ImportRejected lists every problem)."""
    with engine.connect() as conn:
        problems = [p for path in paths for p in tenancy.upload_problems(conn, who, path)]
    if problems:
        raise UploadRefused(problems)
    return import_paths(settings, engine, list(paths), actor=who.actor)


def log_status(settings: Settings, engine: Engine) -> journal_log.LogStatus:
    """The journey log's size, checkpoints and witnesses (public information)."""
    return journal_log.status(settings, engine)
