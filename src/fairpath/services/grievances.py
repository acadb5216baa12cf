"""The grievance mechanism's use cases: filing from every channel, moving cases, deadlines and
escalation, safe views, the complaints register and the UNGP 31 indicators.

- **Filing** (`file_grievance`) stores the case with the complainant's words encrypted — under
  the worker's data key when the worker is known, else under a per-case key wrapped by the
  master key — and, for a known worker, records a `grievance_filed` journey event in the same
  transaction (spec/journey-format.md), so the commitment is on the journey log and the worker
  can get a receipt proving when they complained.
- **Moving a case** (`act`) applies the domain state machine (`domain.grievances`) and records
  who did what and when. Delivering a remedy with an amount records a `remedy_paid` event with
  `confirmed_by_worker: false` (the payer's claim); the worker's confirmation records a
  correction with `confirmed_by_worker: true`, so the assessment lowers what is owed only on
  the worker's word (docs/rules.md "Remedy").
- **Deadlines** (`tick`) escalate overdue cases to the programme's independent party.
- **Who sees what** is decided by `services.tenancy` (cases, and the complainant's identity);
  this module only asks it.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from statistics import median
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, Engine, func, insert, select, update

from fairpath.config import Settings
from fairpath.domain import codes
from fairpath.domain import grievances as domain
from fairpath.domain.errors import ConflictError, FairpathError, InvalidInputError, NotFoundError
from fairpath.domain.grievances import Action, ActorKind, Case, Category, Deadlines, Status
from fairpath.domain.journey import Channel, Record
from fairpath.domain.journey import Event as EventModel
from fairpath.interchange.problems import Location
from fairpath.privacy.envelope import MasterKey, decrypt, encrypt, new_key
from fairpath.services import journal_log, keys, tenancy
from fairpath.services.assessment import from_minor
from fairpath.services.audit import write_audit
from fairpath.services.notifications import (
    Notification,
    Notifier,
    Wording,
    deliver,
    english_wording,
    notifier_for,
)
from fairpath.services.preparing import Rejected, outcome_of
from fairpath.services.recording import Recorder
from fairpath.services.tenancy import Principal, Role
from fairpath.services.worker_keys import WorkerKeys
from fairpath.storage.accounts import AccountRow, AssignmentRow
from fairpath.storage.findings import FindingRow
from fairpath.storage.grievances import (
    GrievanceProgrammeRow,
    GrievanceRow,
    GrievanceTransitionRow,
)
from fairpath.storage.models import EventRow, WorkerRow, table_of

_cases = table_of(GrievanceRow)
_steps = table_of(GrievanceTransitionRow)
_programmes = table_of(GrievanceProgrammeRow)
_workers = table_of(WorkerRow)
_events = table_of(EventRow)
_accounts = table_of(AccountRow)
_assignments = table_of(AssignmentRow)

DEFAULT_PROGRAMME = "default"
#: Where overdue cases go when neither the programme nor the settings name a party.
NO_PARTY = "unassigned-independent-party"
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over a phone
SOURCE_TYPES = ("worker", "representative", "case_handler")


# --- filing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """A grievance as it arrives from any channel."""

    channel: Channel
    category: Category
    anonymous: bool
    text: str
    worker_ref: str | None = None
    language: str = "en"
    source_type: str = "worker"  # worker, representative (union/NGO), case_handler
    representative_ref: str | None = None
    contact: str | None = None  # the SMS/WhatsApp number to answer on: personal data
    consent_to_supplier: bool = False
    finding_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filed:
    """What filing did: the case reference, its journey event, its deadlines."""

    ref: str
    event_ref: str | None
    log_index: int | None
    acknowledge_by: datetime
    remedy_by: datetime


def new_case_ref() -> str:
    """A short, unguessable case reference a worker can read out (`G-7K3QX9PA`)."""
    return "G-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def file_grievance(
    settings: Settings,
    engine: Engine,
    intake: Intake,
    *,
    actor: str,
    now: datetime,
    assign_to: int | None = None,
    wording: Wording = english_wording,
    notifier: Notifier | None = None,
    ref: str | None = None,
) -> Filed:
    """Open a case from `intake` (reference `ref`, else a new random one); a known worker's
    filing goes on the journey log."""
    _check_intake(intake)
    master_key = keys.load_master_key(settings)
    ref = ref or new_case_ref()
    with engine.connect() as conn, conn.begin():
        worker = _worker_row(conn, intake.worker_ref) if intake.worker_ref else None
        if intake.worker_ref and worker is None:
            raise NotFoundError(f"no worker with reference '{intake.worker_ref}'")
        programme = _programme_for(conn, settings, worker.employer_ref if worker else None)
        event_ref, index = None, None
        wrapped = None
        if worker is not None:
            event_ref = f"grievance-{ref}"
            index = _record_event(
                conn, settings, master_key, _filed_event(event_ref, intake, now), now
            )
            key = WorkerKeys(conn, master_key, now).data_key(worker.ref)
        else:
            key = new_key()
            wrapped = master_key.wrap(key, f"grievance:{ref}")
        conn.execute(
            insert(_cases),
            {
                "ref": ref,
                "worker_ref": worker.ref if worker else None,
                "employer_ref": worker.employer_ref if worker else None,
                "site_ref": worker.site_ref if worker else None,
                "programme_ref": programme.ref,
                "channel": intake.channel.value,
                "category": intake.category.value,
                "anonymous": intake.anonymous,
                "consent_to_supplier": intake.consent_to_supplier and not intake.anonymous,
                "source_type": intake.source_type,
                "representative_ref": intake.representative_ref,
                "language": intake.language,
                "status": Status.RECEIVED.value,
                "filed_at": now,
                "filed_by": actor,
                "finding_refs": json.dumps(list(intake.finding_refs)),
                "event_ref": event_ref,
                "text_ciphertext": encrypt(key, intake.text.encode(), _aad(ref, "text")),
                "contact_ciphertext": (
                    encrypt(key, intake.contact.encode(), _aad(ref, "contact"))
                    if intake.contact
                    else None
                ),
                "case_key_wrapped": wrapped,
            },
        )
        handlers = _auto_assign(
            conn,
            ref,
            worker_ref=worker.ref if worker else None,
            programme=programme,
            assign_to=assign_to,
            now=now,
        )
        write_audit(conn, at=now, actor=actor, action="grievance_filed", subject=f"grievance:{ref}")
        staff = _emails_of(conn, handlers)
    if event_ref is not None:
        journal_log.publish(settings, engine, now)
    deadlines = programme.deadlines
    ack_by = now + timedelta(days=deadlines.acknowledge_days)
    remedy_by = now + timedelta(days=deadlines.remedy_days)
    notify = notifier or notifier_for(settings)
    for email in staff:
        deliver(
            notify,
            Notification(
                "email",
                email,
                "new_case",
                ref,
                f"New grievance {ref} ({intake.category.value.replace('_', ' ')}, via "
                f"{intake.channel.value}); acknowledge by {ack_by:%Y-%m-%d}.",
            ),
        )
    return Filed(ref, event_ref, index, ack_by, remedy_by)


def _check_intake(intake: Intake) -> None:
    if not intake.text.strip():
        raise InvalidInputError("say what happened: the grievance's text is empty")
    if len(intake.text) > 10_000:
        raise InvalidInputError("the grievance's text is longer than 10,000 characters; shorten it")
    if intake.source_type not in SOURCE_TYPES:
        raise InvalidInputError(f"source type must be one of {', '.join(SOURCE_TYPES)}")
    if intake.source_type == "representative" and not intake.representative_ref:
        raise InvalidInputError(
            "a union or NGO filing on a worker's behalf must name itself (its organisation)"
        )


def _aad(ref: str, what: str) -> bytes:
    return f"grievance:{ref}:{what}".encode()


def _filed_event(event_ref: str, intake: Intake, now: datetime) -> dict[str, Any]:
    return {
        "kind": "event",
        "ref": event_ref,
        "worker_ref": intake.worker_ref,
        "type": "grievance_filed",
        "date": now.date().isoformat(),
        "source": "worker" if intake.source_type == "worker" else "ngo",
        "evidence": {"kind": "testimony"},
        "data": {
            "channel": intake.channel.value,
            "category": intake.category.value,
            "anonymous": intake.anonymous,
            "pii": {"text": intake.text},
        },
    }


def _record_event(
    conn: Connection,
    settings: Settings,
    master_key: MasterKey,
    event: dict[str, Any],
    now: datetime,
) -> int:
    """Store one journey event and append its commitment to the log, in `conn`'s transaction."""
    try:
        record = _parse_event(event)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInputError(f"{where}: {first['msg']}") from None
    recorder = Recorder(conn, master_key, now=now, origin=settings.log_origin)
    prepared = outcome_of(Location("grievance"), record, recorder.preparing_keys)
    if isinstance(prepared, Rejected):  # pragma: no cover - the record was validated above
        raise InvalidInputError("; ".join(prepared.problems))
    outcome = recorder.record([prepared])
    if outcome.conflicts:
        raise ConflictError(outcome.conflicts[0].message)
    index = conn.scalar(select(_events.c.leaf_index).where(_events.c.ref == event["ref"]))
    return int(index or 0)


_EVENT: TypeAdapter[Any] = TypeAdapter(EventModel)


def _parse_event(event: dict[str, Any]) -> Record:
    parsed: Record = _EVENT.validate_python(event)
    return parsed


def _worker_row(conn: Connection, ref: str | None) -> Any:
    if ref is None:
        return None
    return conn.execute(select(_workers).where(_workers.c.ref == ref)).one_or_none()


# --- programmes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    """The deadlines, independent party and default handler for a set of cases."""

    ref: str
    deadlines: Deadlines
    escalate_to: str
    employer_ref: str | None = None
    handler_login: str | None = None


def _programme_for(conn: Connection, settings: Settings, employer: str | None) -> Programme:
    row = None
    if employer is not None:
        row = conn.execute(
            select(_programmes).where(_programmes.c.employer_ref == employer)
        ).one_or_none()
    if row is None:
        row = conn.execute(
            select(_programmes).where(_programmes.c.ref == DEFAULT_PROGRAMME)
        ).one_or_none()
    if row is None:
        return Programme(
            DEFAULT_PROGRAMME,
            Deadlines(settings.grievance_acknowledge_days, settings.grievance_remedy_days),
            settings.grievance_escalate_to or NO_PARTY,
        )
    return _programme(row, settings)


def _programme(row: Any, settings: Settings) -> Programme:
    return Programme(
        row.ref,
        Deadlines(row.acknowledge_days, row.remedy_days),
        row.escalate_to or settings.grievance_escalate_to or NO_PARTY,
        row.employer_ref,
        row.handler_login,
    )


def set_programme(
    settings: Settings,
    engine: Engine,
    ref: str,
    *,
    employer_ref: str | None,
    acknowledge_days: int,
    remedy_days: int,
    escalate_to: str | None,
    handler_login: str | None,
    actor: str,
) -> Programme:
    """Create or change a programme (its deadlines apply to cases filed from now on and to the
    open cases of its employer)."""
    Deadlines(acknowledge_days, remedy_days)  # validates
    values = {
        "employer_ref": employer_ref,
        "acknowledge_days": acknowledge_days,
        "remedy_days": remedy_days,
        "escalate_to": escalate_to,
        "handler_login": handler_login,
    }
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if handler_login is not None:
            _handler_account(conn, handler_login)
        exists = conn.scalar(select(_programmes.c.id).where(_programmes.c.ref == ref))
        if exists is None:
            conn.execute(insert(_programmes).values(ref=ref, **values))
        else:
            conn.execute(update(_programmes).where(_programmes.c.ref == ref).values(**values))
        write_audit(conn, at=now, actor=actor, action="grievance_programme", subject=ref)
        row = conn.execute(select(_programmes).where(_programmes.c.ref == ref)).one()
    return _programme(row, settings)


def programmes(settings: Settings, engine: Engine) -> list[Programme]:
    """Every programme, the default first."""
    with engine.connect() as conn:
        rows = conn.execute(select(_programmes).order_by(_programmes.c.ref)).all()
        found = [_programme(r, settings) for r in rows]
        if not any(p.ref == DEFAULT_PROGRAMME for p in found):
            found.insert(0, _programme_for(conn, settings, None))
    return sorted(found, key=lambda p: (p.ref != DEFAULT_PROGRAMME, p.ref))


# --- assignment -------------------------------------------------------------------------------


def _handler_account(conn: Connection, login: str) -> int:
    row = conn.execute(
        select(_accounts.c.id, _accounts.c.role).where(_accounts.c.login == login)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no account '{login}'; check the spelling")
    if row.role != Role.CASE_HANDLER.value:
        raise InvalidInputError(f"'{login}' is not a case handler; only case handlers get cases")
    return int(row.id)


def _auto_assign(
    conn: Connection,
    ref: str,
    *,
    worker_ref: str | None,
    programme: Programme,
    assign_to: int | None,
    now: datetime,
) -> list[int]:
    """Assign a new case: to whoever logged it, else to the handlers the worker is assigned to,
    else to the programme's handler. Unassigned cases wait on the dashboard."""
    handlers: list[int] = []
    if assign_to is not None:
        handlers = [assign_to]
    elif worker_ref is not None:
        handlers = list(
            conn.scalars(
                select(_assignments.c.account_id).where(
                    _assignments.c.subject_kind == "worker",
                    _assignments.c.subject_ref == worker_ref,
                )
            )
        )
    if not handlers and programme.handler_login:
        handlers = [_handler_account(conn, programme.handler_login)]
    for account in sorted(set(handlers)):
        conn.execute(
            insert(_assignments).values(
                account_id=account, subject_kind="grievance", subject_ref=ref, assigned_at=now
            )
        )
    return handlers


def assign(engine: Engine, ref: str, login: str, *, actor: str) -> None:
    """Assign case `ref` to case handler `login` (they then see the complainant's identity)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        account = _handler_account(conn, login)
        if conn.scalar(select(_cases.c.id).where(_cases.c.ref == ref)) is None:
            raise NotFoundError(f"no grievance case '{ref}'")
        already = conn.scalar(
            select(_assignments.c.id).where(
                _assignments.c.account_id == account,
                _assignments.c.subject_kind == "grievance",
                _assignments.c.subject_ref == ref,
            )
        )
        if already is None:
            conn.execute(
                insert(_assignments).values(
                    account_id=account, subject_kind="grievance", subject_ref=ref, assigned_at=now
                )
            )
        write_audit(conn, at=now, actor=actor, action="assign_case", subject=f"grievance:{ref}")


def _emails_of(conn: Connection, account_ids: Iterable[int]) -> list[str]:
    ids = sorted(set(account_ids))
    if not ids:
        return []
    logins = conn.scalars(select(_accounts.c.login).where(_accounts.c.id.in_(ids)))
    return [login for login in logins if "@" in login]


# --- reading cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One transition as pages show it."""

    action: str
    source: str
    target: str
    actor_kind: str
    actor: str
    at: datetime
    note: str


@dataclass
class CaseView:
    """A case as one principal may see it: `identity_visible` False means redacted (no worker
    reference, no words, no contact, no journey event)."""

    ref: str
    status: str
    category: str
    channel: str
    anonymous: bool
    source_type: str
    programme_ref: str
    filed_at: datetime
    acknowledge_by: datetime
    remedy_by: datetime
    overdue: bool
    escalated_to: str | None
    employer_ref: str | None
    founded: bool | None
    decision_reason: str | None
    remedy_description: str | None
    remedy_amount: str | None
    remedy_currency: str | None
    satisfaction: int | None
    consent_to_supplier: bool
    identity_visible: bool
    worker_ref: str | None = None
    event_ref: str | None = None
    text: str | None = None
    finding_refs: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """JSON-ready fields (datetimes as ISO 8601)."""
        out = asdict(self)
        for name in ("filed_at", "acknowledge_by", "remedy_by"):
            out[name] = getattr(self, name).isoformat()
        out["steps"] = [s | {"at": s["at"].isoformat()} for s in out["steps"]]
        return out


def _case_of(row: Any, steps: Sequence[Any]) -> Case:
    remedy = (
        domain.Remedy(row.remedy_description, row.remedy_amount, row.remedy_currency)
        if row.remedy_description
        else None
    )
    return Case(
        ref=row.ref,
        category=_category(row.category),
        status=Status(row.status),
        filed_at=_aware(row.filed_at),
        history=tuple(
            domain.Transition(
                Action(s.action),
                Status(s.from_status),
                Status(s.to_status),
                ActorKind(s.actor_kind),
                s.actor,
                _aware(s.at),
                s.note,
            )
            for s in steps
        ),
        remedy=remedy,
        escalated_to=row.escalated_to,
        founded=row.founded,
        decision_reason=row.decision_reason,
        satisfaction=row.satisfaction,
    )


def _category(value: str) -> Category:
    """A stored category (imported events may carry categories of their own: other)."""
    return Category(value) if value in CATEGORY_VALUES else Category.OTHER


CATEGORY_VALUES = frozenset(c.value for c in Category)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _steps_of(conn: Connection, case_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(_steps).where(_steps.c.grievance_id == case_id).order_by(_steps.c.id)
        ).all()
    )


def _programmes_by_ref(conn: Connection, settings: Settings) -> dict[str, Programme]:
    found = {r.ref: _programme(r, settings) for r in conn.execute(select(_programmes)).all()}
    found.setdefault(DEFAULT_PROGRAMME, _programme_for(conn, settings, None))
    return found


def _view(
    conn: Connection,
    settings: Settings,
    who: Principal,
    row: Any,
    *,
    programmes: Mapping[str, Programme],
    now: datetime,
    with_steps: bool,
) -> CaseView:
    steps = _steps_of(conn, row.id) if with_steps else []
    case = _case_of(row, steps)
    programme = programmes.get(row.programme_ref) or programmes[DEFAULT_PROGRAMME]
    ack_by, remedy_by = domain.due_dates(case, programme.deadlines)
    identity = tenancy.can_see_complainant(who, row)
    actor = _actor_kind(who, row)
    return CaseView(
        ref=row.ref,
        status=row.status,
        category=row.category,
        channel=row.channel,
        anonymous=row.anonymous,
        source_type=row.source_type,
        programme_ref=row.programme_ref,
        filed_at=case.filed_at,
        acknowledge_by=ack_by,
        remedy_by=remedy_by,
        overdue=domain.overdue(case, programme.deadlines, now) is not None,
        escalated_to=row.escalated_to,
        employer_ref=row.employer_ref,
        founded=row.founded,
        decision_reason=row.decision_reason,
        remedy_description=row.remedy_description,
        remedy_amount=row.remedy_amount,
        remedy_currency=row.remedy_currency,
        satisfaction=row.satisfaction,
        consent_to_supplier=row.consent_to_supplier,
        identity_visible=identity,
        worker_ref=row.worker_ref if identity else None,
        event_ref=row.event_ref if identity else None,
        finding_refs=json.loads(row.finding_refs or "[]"),
        steps=[
            Step(
                s.action,
                s.from_status,
                s.to_status,
                s.actor_kind,
                s.actor if identity or s.actor_kind != "worker" else "the worker",
                _aware(s.at),
                s.note if identity or s.actor_kind != "worker" else "",
            )
            for s in steps
        ],
        actions=(
            [a.value for a in domain.allowed_actions(case, actor)] if actor is not None else []
        ),
    )


def _actor_kind(who: Principal, row: Any) -> ActorKind | None:
    """Which side of the case `who` acts on, if any (tenancy decides who may handle it)."""
    if who.role is Role.WORKER and row.worker_ref is not None and row.worker_ref == who.worker_ref:
        return ActorKind.WORKER
    if tenancy.may_handle_grievance(who, row):
        return ActorKind.HANDLER
    return None


@dataclass(frozen=True)
class CasePage:
    """A page of cases and the total the filter matched."""

    items: list[CaseView]
    total: int
    limit: int
    offset: int


def list_cases(
    settings: Settings,
    engine: Engine,
    who: Principal,
    *,
    status: str | None = None,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> CasePage:
    """The cases `who` may see, newest first, redacted where the identity is not theirs."""
    moment = now or datetime.now(UTC)
    with engine.connect() as conn:
        clauses = [tenancy.visible_grievances(conn, who)]
        if status:
            clauses.append(_cases.c.status == status)
        programmes = _programmes_by_ref(conn, settings)
        query = select(_cases).where(*clauses).order_by(_cases.c.filed_at.desc(), _cases.c.id)
        if overdue_only:
            rows = conn.execute(query).all()
            views = [
                _view(conn, settings, who, r, programmes=programmes, now=moment, with_steps=False)
                for r in rows
            ]
            views = [v for v in views if v.overdue]
            return CasePage(views[offset : offset + limit], len(views), limit, offset)
        total = conn.scalar(select(func.count()).select_from(_cases).where(*clauses)) or 0
        rows = conn.execute(query.limit(limit).offset(offset)).all()
        items = [
            _view(conn, settings, who, r, programmes=programmes, now=moment, with_steps=False)
            for r in rows
        ]
    return CasePage(items, int(total), limit, offset)


def case_detail(
    settings: Settings, engine: Engine, who: Principal, ref: str, *, now: datetime | None = None
) -> CaseView:
    """Case `ref` as `who` may see it (NotFoundError outside their view); reading the worker's
    words is audited."""
    moment = now or datetime.now(UTC)
    with engine.begin() as conn:
        row = _visible_row(conn, who, ref)
        view = _view(
            conn,
            settings,
            who,
            row,
            programmes=_programmes_by_ref(conn, settings),
            now=moment,
            with_steps=True,
        )
        if view.identity_visible:
            view.text = _decrypt_text(conn, settings, row, "text", moment)
            if view.text is not None:
                write_audit(
                    conn,
                    at=moment,
                    actor=who.actor,
                    action="read_personal_data",
                    subject=f"grievance:{ref}",
                )
    return view


def _visible_row(conn: Connection, who: Principal, ref: str) -> Any:
    row = conn.execute(
        select(_cases).where(_cases.c.ref == ref, tenancy.visible_grievances(conn, who))
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no grievance case '{ref}'")
    return row


def _case_key(conn: Connection, settings: Settings, row: Any, now: datetime) -> bytes | None:
    master_key = keys.load_master_key(settings)
    if row.case_key_wrapped is not None:
        return master_key.unwrap(row.case_key_wrapped, f"grievance:{row.ref}")
    if row.worker_ref is None:
        return None
    return WorkerKeys(conn, master_key, now).find(row.worker_ref)


def _decrypt_text(
    conn: Connection, settings: Settings, row: Any, what: str, now: datetime
) -> str | None:
    blob = row.text_ciphertext if what == "text" else row.contact_ciphertext
    if blob is None:
        return None
    key = _case_key(conn, settings, row, now)
    if key is None:  # the worker was erased: their words are gone with their key
        return None
    return decrypt(key, blob, _aad(row.ref, what)).decode()


# --- moving a case ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What someone asks to do to a case."""

    action: Action
    note: str = ""
    remedy_description: str | None = None
    remedy_amount: str | None = None
    remedy_currency: str | None = None
    satisfaction: int | None = None
    escalate_to: str | None = None


def act(
    settings: Settings,
    engine: Engine,
    who: Principal,
    ref: str,
    change: Change,
    *,
    now: datetime | None = None,
    wording: Wording = english_wording,
    notifier: Notifier | None = None,
) -> CaseView:
    """Apply `change` to case `ref` on behalf of `who`; the case as they now see it."""
    moment = now or datetime.now(UTC)
    with engine.connect() as conn, conn.begin():
        row = _visible_row(conn, who, ref)
        row = conn.execute(select(_cases).where(_cases.c.id == row.id).with_for_update()).one()
        actor = _actor_kind(who, row)
        if actor is None:
            raise _refused(change.action, ref)
        escalate_to = change.escalate_to
        if change.action is Action.ESCALATE and not escalate_to:
            escalate_to = _programme_of(conn, settings, row).escalate_to
        _apply(
            conn,
            settings,
            row,
            change,
            actor_kind=actor,
            actor=who.actor,
            now=moment,
            escalate_to=escalate_to,
        )
        contact = _worker_contact(conn, settings, row, moment)
        escalated_staff = (
            _staff_of(conn, escalate_to or "") if change.action is Action.ESCALATE else []
        )
    if change.action in (Action.DELIVER_REMEDY, Action.CONFIRM_RECEIPT):
        journal_log.publish(settings, engine, moment)
    _notify(
        settings,
        notifier=notifier,
        wording=wording,
        row=row,
        action=change.action,
        contact=contact,
        staff=escalated_staff,
        escalate_to=escalate_to,
    )
    return case_detail(settings, engine, who, ref, now=moment)


def _refused(action: Action, ref: str) -> FairpathError:
    if action in (
        Action.ACCEPT_REMEDY,
        Action.REJECT_REMEDY,
        Action.CONFIRM_RECEIPT,
        Action.REPORT_NOT_RECEIVED,
        Action.APPEAL,
    ):
        return NotAllowed(f"only the worker who filed case {ref} may do that")
    return NotAllowed(f"only a case handler assigned to case {ref} may do that")


class NotAllowed(FairpathError):
    """The principal may see a case but not move it (answered 403)."""


def _programme_of(conn: Connection, settings: Settings, row: Any) -> Programme:
    programmes = _programmes_by_ref(conn, settings)
    return programmes.get(row.programme_ref) or programmes[DEFAULT_PROGRAMME]


def _apply(
    conn: Connection,
    settings: Settings,
    row: Any,
    change: Change,
    *,
    actor_kind: ActorKind,
    actor: str,
    now: datetime,
    escalate_to: str | None,
) -> Case:
    case = _case_of(row, _steps_of(conn, row.id))
    remedy = None
    if change.action is Action.PROPOSE_REMEDY:
        remedy = _remedy(change)
    after = domain.apply(
        case,
        change.action,
        actor_kind=actor_kind,
        actor=actor,
        at=now,
        note=change.note.strip(),
        remedy=remedy,
        escalate_to=escalate_to,
        satisfaction=change.satisfaction,
    )
    values: dict[str, Any] = {
        "status": after.status.value,
        "founded": after.founded,
        "decision_reason": after.decision_reason,
        "escalated_to": after.escalated_to,
        "satisfaction": after.satisfaction,
    }
    if after.remedy is not None:
        values |= {
            "remedy_description": after.remedy.description,
            "remedy_amount": after.remedy.amount,
            "remedy_currency": after.remedy.currency,
        }
    if change.action is Action.ACKNOWLEDGE:
        values["acknowledged_at"] = now
    if change.action in (Action.PROPOSE_REMEDY, Action.FIND_UNFOUNDED):
        values["decided_at"] = now
    if change.action is Action.ESCALATE:
        values["escalated_at"] = now
    if change.action is Action.CONFIRM_RECEIPT:
        values["closed_at"] = now
    values |= _remedy_events(conn, settings, row, change.action, now)
    conn.execute(update(_cases).where(_cases.c.id == row.id).values(**values))
    step = after.history[-1]
    conn.execute(
        insert(_steps).values(
            grievance_id=row.id,
            action=step.action.value,
            from_status=step.source.value,
            to_status=step.target.value,
            actor_kind=step.actor_kind.value,
            actor=step.actor,
            at=step.at,
            note=step.note,
        )
    )
    write_audit(
        conn, at=now, actor=actor, action=f"grievance_{change.action.value}", subject=row.ref
    )
    return after


def _remedy(change: Change) -> domain.Remedy:
    amount = (change.remedy_amount or "").strip() or None
    currency = (change.remedy_currency or "").strip().upper() or None
    if amount is not None:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InvalidInputError(
                f"remedy amount '{amount[:20]}' is not a number; write it like 1250.00"
            ) from None
        if not value.is_finite() or value <= 0:
            raise InvalidInputError("the remedy amount must be more than zero")
        amount = str(value)
    if currency is not None and not codes.is_currency(currency):
        raise InvalidInputError(f"'{currency[:8]}' is not an ISO 4217 currency code (e.g. MYR)")
    return domain.Remedy((change.remedy_description or "").strip(), amount, currency)


_COVERS = {"recruitment_fees": "recruitment_fees", "wages": "wages"}


def _remedy_events(
    conn: Connection, settings: Settings, row: Any, action: Action, now: datetime
) -> dict[str, Any]:
    """The `remedy_paid` events of a money remedy: the payer's claim on delivery, the worker's
    confirmation as its correction (only that one lowers what is owed)."""
    if action not in (Action.DELIVER_REMEDY, Action.CONFIRM_RECEIPT):
        return {}
    if row.worker_ref is None or row.remedy_amount is None or row.remedy_currency is None:
        return {}
    confirmed = action is Action.CONFIRM_RECEIPT
    ref = f"remedy-{row.ref}-{'confirmed' if confirmed else 'delivered'}"
    data: dict[str, Any] = {
        "amount": row.remedy_amount,
        "currency": row.remedy_currency,
        "covers": _COVERS.get(row.category, "other"),
        "confirmed_by_worker": confirmed,
    }
    findings = json.loads(row.finding_refs or "[]")
    if findings:
        data["finding_refs"] = findings
    event = {
        "kind": "event",
        "ref": ref,
        "worker_ref": row.worker_ref,
        "type": "remedy_paid",
        "date": now.date().isoformat(),
        "source": "worker" if confirmed else "ngo",
        "evidence": {"kind": "testimony"},
        "supersedes": row.remedy_event_ref if confirmed else None,
        "data": data,
    }
    _record_event(conn, settings, keys.load_master_key(settings), event, now)
    return {"remedy_event_ref": ref}


def _worker_contact(
    conn: Connection, settings: Settings, row: Any, now: datetime
) -> tuple[str, str] | None:
    if row.contact_ciphertext is None or row.channel not in ("sms", "whatsapp"):
        return None
    number = _decrypt_text(conn, settings, row, "contact", now)
    return (row.channel, number) if number else None


def _staff_of(conn: Connection, org_ref: str) -> list[str]:
    ids = conn.scalars(
        select(_accounts.c.id).where(
            _accounts.c.org_ref == org_ref,
            _accounts.c.role.in_([Role.CASE_HANDLER.value, Role.ORG_ADMIN.value]),
            _accounts.c.disabled_at.is_(None),
        )
    )
    return _emails_of(conn, ids)


#: Actions a worker hears about, by the notification kind the wording translates.
WORKER_NOTICES = {
    Action.ACKNOWLEDGE: "acknowledged",
    Action.PROPOSE_REMEDY: "remedy_proposed",
    Action.FIND_UNFOUNDED: "unfounded",
    Action.DELIVER_REMEDY: "remedy_delivered",
    Action.ESCALATE: "escalated",
}


def _notify(
    settings: Settings,
    *,
    notifier: Notifier | None,
    wording: Wording,
    row: Any,
    action: Action,
    contact: tuple[str, str] | None,
    staff: Sequence[str],
    escalate_to: str | None,
) -> None:
    notify = notifier or notifier_for(settings)
    kind = WORKER_NOTICES.get(action)
    if kind is not None and contact is not None:
        channel, number = contact
        text = wording(row.language, kind, {"ref": row.ref})
        deliver(notify, Notification(channel, number, kind, row.ref, text))
    for email in staff:
        deliver(
            notify,
            Notification(
                "email",
                email,
                "escalated_to_you",
                row.ref,
                f"Grievance {row.ref} was escalated to {escalate_to}: it missed a deadline or "
                "its worker asked for an independent review. Please take it up.",
            ),
        )


# --- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalated:
    """A case the tick escalated, and why."""

    ref: str
    to: str
    reason: str


def tick(
    settings: Settings,
    engine: Engine,
    now: datetime,
    *,
    wording: Wording = english_wording,
    notifier: Notifier | None = None,
) -> list[Escalated]:
    """Escalate every open case past its deadline to its programme's independent party."""
    done: list[Escalated] = []
    with engine.connect() as conn:
        programmes = _programmes_by_ref(conn, settings)
        rows = conn.execute(
            select(_cases).where(
                _cases.c.status.in_(
                    [Status.RECEIVED.value, Status.ACKNOWLEDGED.value, Status.INVESTIGATING.value]
                )
            )
        ).all()
    for row in rows:
        programme = programmes.get(row.programme_ref) or programmes[DEFAULT_PROGRAMME]
        late = domain.overdue(_case_of(row, []), programme.deadlines, now)
        if late is None:
            continue
        with engine.connect() as conn, conn.begin():
            fresh = conn.execute(
                select(_cases).where(_cases.c.id == row.id).with_for_update()
            ).one()
            if fresh.status != row.status:
                continue  # moved meanwhile (another tick, a handler)
            _apply(
                conn,
                settings,
                fresh,
                Change(Action.ESCALATE, note=late.reason),
                actor_kind=ActorKind.SYSTEM,
                actor="system:deadline",
                now=now,
                escalate_to=programme.escalate_to,
            )
            contact = _worker_contact(conn, settings, fresh, now)
            staff = _staff_of(conn, programme.escalate_to)
        _notify(
            settings,
            notifier=notifier,
            wording=wording,
            row=fresh,
            action=Action.ESCALATE,
            contact=contact,
            staff=staff,
            escalate_to=programme.escalate_to,
        )
        done.append(Escalated(row.ref, programme.escalate_to, late.reason))
    return done


# --- the retaliation watch --------------------------------------------------------------------


@dataclass(frozen=True)
class RetaliationFlag:
    """A worker who complained and then was dismissed, paid less or moved."""

    case_ref: str
    filed_on: str
    signals: list[domain.Signal]


def retaliation_watch(engine: Engine, who: Principal) -> list[RetaliationFlag]:
    """Signals of retaliation on the cases `who` may see (no worker named where they may not
    see the complainant)."""
    flags: list[RetaliationFlag] = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(_cases.c.ref, _cases.c.worker_ref, _cases.c.filed_at).where(
                tenancy.visible_grievances(conn, who), _cases.c.worker_ref.is_not(None)
            )
        ).all()
        for row in rows:
            signals = _signals(conn, row.worker_ref, _aware(row.filed_at).date())
            if signals:
                flags.append(
                    RetaliationFlag(row.ref, _aware(row.filed_at).date().isoformat(), signals)
                )
    return flags


def _signals(conn: Connection, worker_ref: str, filed_on: Any) -> list[domain.Signal]:
    events = conn.execute(
        select(_events.c.ref, _events.c.type, _events.c.date, _events.c.canonical).where(
            _events.c.worker_ref == worker_ref,
            _events.c.type.in_(["contract_ended", "payslip", "contract_signed", "job_offered"]),
        )
    ).all()
    superseded = {json.loads(e.canonical).get("supersedes") for e in events}
    ended, pay, places = [], [], []
    worker = conn.execute(
        select(_workers.c.site_ref).where(_workers.c.ref == worker_ref)
    ).one_or_none()
    for event in events:
        if event.ref in superseded:
            continue
        data = json.loads(event.canonical)["data"]
        if event.type == "contract_ended":
            ended.append(domain.Ended(event.date, data["reason"]))
        elif event.type == "payslip":
            pay.append(
                domain.Pay(
                    date.fromisoformat(data["period_end"]), data["currency"], data["basic_pay"]
                )
            )
        elif event.type == "contract_signed":
            places.append(domain.Placement(event.date, data.get("site_ref")))
    if places and worker is not None and worker.site_ref and places[0].site_ref is None:
        places[0] = domain.Placement(places[0].on, worker.site_ref)
    return domain.retaliation_signals(filed_on, ended, pay, places)


# --- the register and the indicators ----------------------------------------------------------

REGISTER_FIELDS = (
    "ref",
    "filed_on",
    "source_type",
    "channel",
    "category",
    "ilo_indicators",
    "anonymous",
    "status",
    "founded",
    "decision_reason",
    "follow_up",
    "remedy",
    "acknowledged_on",
    "decided_on",
    "closed_on",
    "escalated_to",
    "confirmed_by_worker",
    "satisfaction",
)


def register(settings: Settings, engine: Engine, who: Principal) -> list[dict[str, str]]:
    """The complaints register a CSDDD Art. 14 / LkSG §8 procedure keeps: one row per case,
    never the complainant's identity or words."""
    out = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(_cases)
            .where(tenancy.visible_grievances(conn, who))
            .order_by(_cases.c.filed_at, _cases.c.id)
        ).all()
        last_steps = _last_steps(conn, [r.id for r in rows])
    for r in rows:
        indicators = domain.CATEGORY_MAP.get(_category(r.category), ((), ()))[0]
        remedy = ""
        if r.remedy_description:
            remedy = r.remedy_description + (
                f" ({r.remedy_amount} {r.remedy_currency})" if r.remedy_amount else ""
            )
        out.append(
            {
                "ref": r.ref,
                "filed_on": _day(r.filed_at),
                "source_type": r.source_type,
                "channel": r.channel,
                "category": r.category,
                "ilo_indicators": " ".join(indicators),
                "anonymous": "yes" if r.anonymous else "no",
                "status": r.status,
                "founded": "" if r.founded is None else ("founded" if r.founded else "unfounded"),
                "decision_reason": r.decision_reason or "",
                "follow_up": last_steps.get(r.id, ""),
                "remedy": remedy,
                "acknowledged_on": _day(r.acknowledged_at),
                "decided_on": _day(r.decided_at),
                "closed_on": _day(r.closed_at),
                "escalated_to": r.escalated_to or "",
                "confirmed_by_worker": "yes" if r.status == Status.CLOSED.value else "no",
                "satisfaction": "" if r.satisfaction is None else str(r.satisfaction),
            }
        )
    return out


def _last_steps(conn: Connection, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for step in conn.execute(
            select(_steps.c.grievance_id, _steps.c.action, _steps.c.at)
            .where(_steps.c.grievance_id.in_(chunk))
            .order_by(_steps.c.id)
        ):
            found[step.grievance_id] = f"{step.action.replace('_', ' ')} on {_day(step.at)}"
    return found


def _day(moment: datetime | None) -> str:
    return "" if moment is None else _aware(moment).date().isoformat()


def register_text(rows: list[dict[str, str]], form: str) -> str:
    """The register as CSV or JSON text."""
    if form == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if form != "csv":
        raise InvalidInputError(f"format must be csv or json, not '{form[:10]}'")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REGISTER_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class Indicators:
    """UNGP 31 effectiveness indicators over the cases a principal sees."""

    cases: int
    open: int
    overdue: int
    escalated: int
    unassigned: int
    by_status: dict[str, int]
    median_days_to_acknowledge: float | None
    median_days_to_remedy: float | None
    remedies_delivered: int
    confirmed_by_worker: int
    share_confirmed_by_worker: float | None
    mean_satisfaction: float | None
    retaliation_flags: int


def indicators(
    settings: Settings, engine: Engine, who: Principal, now: datetime | None = None
) -> Indicators:
    """Time to acknowledge and to remedy (medians, days), how many delivered remedies the worker
    confirmed, satisfaction (1–5), and the counts a dashboard shows."""
    moment = now or datetime.now(UTC)
    with engine.connect() as conn:
        programmes = _programmes_by_ref(conn, settings)
        rows = conn.execute(select(_cases).where(tenancy.visible_grievances(conn, who))).all()
        assigned = set(
            conn.scalars(
                select(_assignments.c.subject_ref).where(_assignments.c.subject_kind == "grievance")
            )
        )
    to_ack, to_remedy, scores = [], [], []
    statuses: Counter[str] = Counter()
    overdue = delivered = confirmed = 0
    for r in rows:
        statuses[r.status] += 1
        filed = _aware(r.filed_at)
        if r.acknowledged_at is not None:
            to_ack.append((_aware(r.acknowledged_at) - filed).total_seconds() / 86400)
        if r.decided_at is not None and r.founded:
            to_remedy.append((_aware(r.decided_at) - filed).total_seconds() / 86400)
        if r.status in (Status.REMEDY_DELIVERED.value, Status.CLOSED.value):
            delivered += 1
        if r.status == Status.CLOSED.value:
            confirmed += 1
        if r.satisfaction is not None:
            scores.append(r.satisfaction)
        programme = programmes.get(r.programme_ref) or programmes[DEFAULT_PROGRAMME]
        if domain.overdue(_case_of(r, []), programme.deadlines, moment) is not None:
            overdue += 1
    flags = retaliation_watch(engine, who)
    return Indicators(
        cases=len(rows),
        open=sum(n for s, n in statuses.items() if Status(s) in domain.OPEN),
        overdue=overdue,
        escalated=sum(1 for r in rows if r.escalated_to),
        unassigned=sum(1 for r in rows if r.ref not in assigned),
        by_status=dict(sorted(statuses.items())),
        median_days_to_acknowledge=_median(to_ack),
        median_days_to_remedy=_median(to_remedy),
        remedies_delivered=delivered,
        confirmed_by_worker=confirmed,
        share_confirmed_by_worker=(confirmed / delivered) if delivered else None,
        mean_satisfaction=(sum(scores) / len(scores)) if scores else None,
        retaliation_flags=len(flags),
    )


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


# --- the demo ----------------------------------------------------------------------------------


def seed_demo_cases(settings: Settings, engine: Engine, now: datetime) -> list[str]:
    """Cases for the demo (after its assessment): open, overdue, escalated, unfounded and one
    closed on the worker's confirmation whose remedy pays a finding. Returns their references."""
    findings = table_of(FindingRow)
    with engine.connect() as conn:
        owed = conn.execute(
            select(
                findings.c.ref,
                findings.c.worker_ref,
                findings.c.owed_minor,
                findings.c.owed_currency,
            )
            .where(findings.c.owed_currency.is_not(None), findings.c.owed_minor > 0)
            .order_by(findings.c.id)
            .limit(1)
        ).one_or_none()
        workers = list(conn.scalars(select(_workers.c.ref).order_by(_workers.c.ref).limit(5)))
    if owed is None or len(workers) < 4:
        return []
    plans = [
        (workers[0], Category.WAGES, timedelta(days=2), []),
        (workers[1], Category.DOCUMENT_RETENTION, timedelta(days=9), []),
        (workers[2], Category.WORKING_HOURS, timedelta(days=40), [Action.ACKNOWLEDGE]),
        (
            workers[3],
            Category.CONTRACT,
            timedelta(days=25),
            [Action.ACKNOWLEDGE, Action.INVESTIGATE, Action.FIND_UNFOUNDED],
        ),
        (
            owed.worker_ref,
            Category.RECRUITMENT_FEES,
            timedelta(days=20),
            [
                Action.ACKNOWLEDGE,
                Action.INVESTIGATE,
                Action.PROPOSE_REMEDY,
                Action.ACCEPT_REMEDY,
                Action.DELIVER_REMEDY,
                Action.CONFIRM_RECEIPT,
            ],
        ),
    ]
    refs = []
    for worker, category, age, moves in plans:
        filed_at = now - age
        filed = file_grievance(
            settings,
            engine,
            Intake(
                channel=Channel.WEB,
                category=category,
                anonymous=True,
                text="(demo) " + category.value.replace("_", " "),
                worker_ref=worker,
                finding_refs=(owed.ref,) if worker == owed.worker_ref else (),
            ),
            actor="demo",
            now=filed_at,
        )
        amount = str(from_minor(int(owed.owed_minor), owed.owed_currency))
        for hour, action in enumerate(moves, 1):
            change = Change(
                action,
                note="(demo) the payslips match the signed contract"
                if action is Action.FIND_UNFOUNDED
                else "",
                remedy_description="(demo) repay the recruitment fee in full",
                remedy_amount=amount,
                remedy_currency=owed.owed_currency,
                satisfaction=4,
            )
            kind = ActorKind.WORKER if RULES_BY_WORKER.get(action) else ActorKind.HANDLER
            with engine.connect() as conn, conn.begin():
                row = conn.execute(select(_cases).where(_cases.c.ref == filed.ref)).one()
                _apply(
                    conn,
                    settings,
                    row,
                    change,
                    actor_kind=kind,
                    actor="demo:worker" if kind is ActorKind.WORKER else "demo:case-handler",
                    now=filed_at + timedelta(days=hour),
                    escalate_to=None,
                )
        refs.append(filed.ref)
    tick(settings, engine, now - timedelta(days=8))  # the 40-day-old case escalates at day 32
    journal_log.publish(settings, engine, now)
    return refs


RULES_BY_WORKER = {
    action: ActorKind.WORKER in rule.actors and ActorKind.HANDLER not in rule.actors
    for action, rule in domain.RULES.items()
}
