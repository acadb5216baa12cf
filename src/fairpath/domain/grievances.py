"""Grievance cases as a state machine: who may move a case, from where to where, and when it
is overdue.

A case is received, acknowledged, investigated, and either found unfounded (with reasons) or
answered with a remedy proposal that the *worker* accepts or rejects; a delivered remedy closes
the case only when the worker confirms receiving it (domain-anchors §3.1: "no tool makes the
worker confirm that remedy happened"). A rejected proposal or an unfounded finding can be
appealed; an overdue case escalates to an independent party (CSDDD Art. 14 asks for a
predictable procedure; UNGP 31 (b)/(c) for accessibility and predictability, with "clear time
frames for each stage").

Pure: no clock (every moment comes in as an argument), no database. Forbidden moves raise
`TransitionRefused` with a sentence saying what the case's state allows instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from fairpath.domain.errors import ConflictError, InvalidInputError


class Status(StrEnum):
    """Where a case stands."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    REMEDY_PROPOSED = "remedy_proposed"
    REMEDY_ACCEPTED = "remedy_accepted"
    REMEDY_REJECTED = "remedy_rejected"
    REMEDY_DELIVERED = "remedy_delivered"
    UNFOUNDED = "unfounded"
    APPEALED = "appealed"
    ESCALATED = "escalated"
    CLOSED = "closed"


class Action(StrEnum):
    """What someone does to a case."""

    ACKNOWLEDGE = "acknowledge"
    INVESTIGATE = "investigate"
    PROPOSE_REMEDY = "propose_remedy"
    FIND_UNFOUNDED = "find_unfounded"
    ACCEPT_REMEDY = "accept_remedy"
    REJECT_REMEDY = "reject_remedy"
    DELIVER_REMEDY = "deliver_remedy"
    CONFIRM_RECEIPT = "confirm_receipt"
    REPORT_NOT_RECEIVED = "report_not_received"
    APPEAL = "appeal"
    ESCALATE = "escalate"


class ActorKind(StrEnum):
    """Who acts: the worker (or their representative), a case handler, or the scheduler."""

    WORKER = "worker"
    HANDLER = "handler"
    SYSTEM = "system"


class Category(StrEnum):
    """What a grievance is about: the ILO forced-labour indicators and the rule catalogue's
    families, in the words a worker uses (the demo data set and the SMS menu use these)."""

    WAGES = "wages"
    RECRUITMENT_FEES = "recruitment_fees"
    DOCUMENT_RETENTION = "document_retention"
    WORKING_HOURS = "working_hours"
    CONTRACT = "contract"
    LIVING_CONDITIONS = "living_conditions"
    THREATS_VIOLENCE = "threats_violence"
    RESTRICTION_OF_MOVEMENT = "restriction_of_movement"
    RETALIATION = "retaliation"
    OTHER = "other"


#: Category → (ILO indicators, rule ids of the catalogue it corresponds to). Indicator ids are
#: those of data/law/standards.yaml (ILO, Indicators of Forced Labour, 2012).
CATEGORY_MAP: dict[Category, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Category.WAGES: (
        ("FL08",),
        (
            "BELOW_MINIMUM_WAGE",
            "BELOW_PROMISED_WAGE",
            "OVERTIME_UNDERPAID",
            "UNLAWFUL_DEDUCTION",
            "WAGES_WITHHELD",
            "FINAL_SETTLEMENT_UNPAID",
        ),
    ),
    Category.RECRUITMENT_FEES: (
        ("FL09",),
        ("FEE_PAID_BY_WORKER", "FEE_ABOVE_LEGAL_CAP", "RECRUITMENT_DEBT"),
    ),
    Category.DOCUMENT_RETENTION: (("FL07", "FL03"), ("DOCUMENT_RETAINED",)),
    Category.WORKING_HOURS: (("FL11",), ("EXCESSIVE_OVERTIME", "NO_WEEKLY_REST")),
    Category.CONTRACT: (
        ("FL02",),
        ("CONTRACT_SUBSTITUTION", "NO_CONTRACT_BEFORE_DEPARTURE", "CONTRACT_NOT_UNDERSTOOD"),
    ),
    Category.LIVING_CONDITIONS: (("FL10",), ()),
    Category.THREATS_VIOLENCE: (("FL05", "FL06"), ()),
    Category.RESTRICTION_OF_MOVEMENT: (("FL03", "FL04"), ()),
    Category.RETALIATION: (("FL06",), ()),
    Category.OTHER: ((), ()),
}

#: States in which a case still waits for someone; the others are settled.
OPEN = frozenset(Status) - {Status.CLOSED, Status.UNFOUNDED}

_HANDLER = frozenset({ActorKind.HANDLER})
_WORKER = frozenset({ActorKind.WORKER})


@dataclass(frozen=True, slots=True)
class Rule:
    """One allowed move: from these states, by these actors, to a state."""

    sources: frozenset[Status]
    target: Status
    actors: frozenset[ActorKind]


RULES: dict[Action, Rule] = {
    Action.ACKNOWLEDGE: Rule(frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED, _HANDLER),
    Action.INVESTIGATE: Rule(
        frozenset({Status.ACKNOWLEDGED, Status.APPEALED, Status.ESCALATED}),
        Status.INVESTIGATING,
        _HANDLER,
    ),
    Action.PROPOSE_REMEDY: Rule(
        frozenset({Status.INVESTIGATING, Status.ESCALATED}), Status.REMEDY_PROPOSED, _HANDLER
    ),
    Action.FIND_UNFOUNDED: Rule(
        frozenset({Status.INVESTIGATING, Status.ESCALATED}), Status.UNFOUNDED, _HANDLER
    ),
    Action.ACCEPT_REMEDY: Rule(
        frozenset({Status.REMEDY_PROPOSED}), Status.REMEDY_ACCEPTED, _WORKER
    ),
    Action.REJECT_REMEDY: Rule(
        frozenset({Status.REMEDY_PROPOSED}), Status.REMEDY_REJECTED, _WORKER
    ),
    Action.DELIVER_REMEDY: Rule(
        frozenset({Status.REMEDY_ACCEPTED}), Status.REMEDY_DELIVERED, _HANDLER
    ),
    Action.CONFIRM_RECEIPT: Rule(frozenset({Status.REMEDY_DELIVERED}), Status.CLOSED, _WORKER),
    Action.REPORT_NOT_RECEIVED: Rule(
        frozenset({Status.REMEDY_DELIVERED}), Status.REMEDY_ACCEPTED, _WORKER
    ),
    Action.APPEAL: Rule(
        frozenset({Status.REMEDY_REJECTED, Status.UNFOUNDED}), Status.APPEALED, _WORKER
    ),
    Action.ESCALATE: Rule(
        frozenset(
            {
                Status.RECEIVED,
                Status.ACKNOWLEDGED,
                Status.INVESTIGATING,
                Status.REMEDY_REJECTED,
                Status.APPEALED,
            }
        ),
        Status.ESCALATED,
        frozenset({ActorKind.HANDLER, ActorKind.SYSTEM, ActorKind.WORKER}),
    ),
}

_WHAT_NEXT: dict[Status, str] = {
    Status.RECEIVED: "it must be acknowledged first",
    Status.ACKNOWLEDGED: "it must be investigated first",
    Status.INVESTIGATING: "a remedy must be proposed or the complaint found unfounded first",
    Status.REMEDY_PROPOSED: "the worker must accept or reject the proposed remedy first",
    Status.REMEDY_ACCEPTED: "the accepted remedy must be delivered first",
    Status.REMEDY_REJECTED: "the worker may appeal, or the case be escalated",
    Status.REMEDY_DELIVERED: "the worker must confirm receiving the remedy first",
    Status.UNFOUNDED: "only the worker may appeal it now",
    Status.APPEALED: "the appeal must be investigated first",
    Status.ESCALATED: "the independent party must investigate it first",
    Status.CLOSED: "it is closed: the worker confirmed the remedy",
}


_ACTOR_WORDS = {
    ActorKind.HANDLER: "a case handler",
    ActorKind.SYSTEM: "the deadline scheduler",
    ActorKind.WORKER: "the worker",
}


class TransitionRefused(ConflictError):
    """A move the case's state or the actor does not allow; the message says what would."""


@dataclass(frozen=True, slots=True)
class Transition:
    """One recorded move: what, from where to where, by whom, when, and why."""

    action: Action
    source: Status
    target: Status
    actor_kind: ActorKind
    actor: str
    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class Remedy:
    """What is proposed to put things right; an amount when money is owed."""

    description: str
    amount: str | None = None  # a decimal string, never a float
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Deadlines:
    """A programme's time frames (UNGP 31 (c) "clear time frames for each stage")."""

    acknowledge_days: int = 7
    remedy_days: int = 30

    def __post_init__(self) -> None:
        if not 0 < self.acknowledge_days <= self.remedy_days:
            raise InvalidInputError(
                f"deadlines must satisfy 0 < acknowledge ({self.acknowledge_days} days) ≤ "
                f"remedy proposal ({self.remedy_days} days); change the programme's settings"
            )


@dataclass(frozen=True, slots=True)
class Case:
    """A grievance case and its history (newest transition last)."""

    ref: str
    category: Category
    status: Status
    filed_at: datetime
    history: tuple[Transition, ...] = ()
    remedy: Remedy | None = None
    escalated_to: str | None = None
    founded: bool | None = None
    decision_reason: str | None = None
    satisfaction: int | None = None

    @property
    def is_open(self) -> bool:
        """Still waiting for someone."""
        return self.status in OPEN

    def first(self, action: Action) -> datetime | None:
        """When `action` first happened, if it did."""
        return next((t.at for t in self.history if t.action is action), None)


def apply(
    case: Case,
    action: Action,
    *,
    actor_kind: ActorKind,
    actor: str,
    at: datetime,
    note: str = "",
    remedy: Remedy | None = None,
    escalate_to: str | None = None,
    satisfaction: int | None = None,
) -> Case:
    """The case after `action` by `actor` at `at`; TransitionRefused when not allowed."""
    rule = RULES[action]
    verb = action.value.replace("_", " ")
    if case.status not in rule.sources:
        raise TransitionRefused(
            f"case {case.ref} is {case.status.value.replace('_', ' ')}, so it cannot "
            f"{verb}: {_WHAT_NEXT[case.status]}"
        )
    if actor_kind not in rule.actors:
        who = " or ".join(_ACTOR_WORDS[a] for a in sorted(rule.actors))
        why = "; the case closes on the worker's word" if rule.actors == _WORKER else ""
        raise TransitionRefused(f"only {who} may {verb} on case {case.ref}{why}")
    if case.history and at < case.history[-1].at:
        raise InvalidInputError(
            f"{verb} at {at:%Y-%m-%d %H:%M} is before the case's last step "
            f"({case.history[-1].at:%Y-%m-%d %H:%M}); give the real time"
        )
    changes = _details(
        case, action, note=note, remedy=remedy, escalate_to=escalate_to, satisfaction=satisfaction
    )
    step = Transition(action, case.status, rule.target, actor_kind, actor, at, note)
    return replace(case, status=rule.target, history=(*case.history, step), **changes)


def _details(
    case: Case,
    action: Action,
    *,
    note: str,
    remedy: Remedy | None,
    escalate_to: str | None,
    satisfaction: int | None,
) -> dict[str, Any]:
    if action is Action.PROPOSE_REMEDY:
        if remedy is None or not remedy.description.strip():
            raise InvalidInputError(
                f"say what the remedy for case {case.ref} is (a description, and an amount with "
                "its currency when money is owed)"
            )
        if (remedy.amount is None) != (remedy.currency is None):
            raise InvalidInputError("give the remedy's amount and its currency together")
        return {"remedy": remedy, "founded": True, "decision_reason": note or None}
    if action is Action.FIND_UNFOUNDED:
        if not note.strip():
            raise InvalidInputError(
                f"say why case {case.ref} is unfounded: the worker and the register must see "
                "the reasons (CSDDD Art. 14, transparency for unfounded complaints)"
            )
        return {"founded": False, "decision_reason": note}
    if action is Action.ESCALATE:
        if not escalate_to:
            raise InvalidInputError(
                f"name the independent party case {case.ref} is escalated to (an NGO or brand)"
            )
        return {"escalated_to": escalate_to}
    if action is Action.CONFIRM_RECEIPT:
        if satisfaction is not None and not 1 <= satisfaction <= 5:
            raise InvalidInputError("satisfaction is a number from 1 (not at all) to 5 (fully)")
        return {"satisfaction": satisfaction}
    return {}


def allowed_actions(case: Case, actor_kind: ActorKind) -> list[Action]:
    """The moves `actor_kind` may make on `case` now (the buttons a page shows)."""
    return [
        action
        for action, rule in RULES.items()
        if case.status in rule.sources and actor_kind in rule.actors
    ]


# --- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overdue:
    """A case past a deadline: which one, and since when."""

    ref: str
    stage: str  # "acknowledge" or "propose remedy"
    due: datetime
    reason: str


def overdue(case: Case, deadlines: Deadlines, now: datetime) -> Overdue | None:
    """Whether `case` missed its acknowledgement or remedy-proposal deadline by `now`.

    An escalated case is in the independent party's hands and not escalated again; a case
    that already has a remedy proposal (or a decision) met its deadlines.
    """
    if case.status is Status.RECEIVED:
        due = case.filed_at + timedelta(days=deadlines.acknowledge_days)
        if now > due:
            return Overdue(
                case.ref,
                "acknowledge",
                due,
                f"not acknowledged within {deadlines.acknowledge_days} days",
            )
    if case.status in (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING):
        due = case.filed_at + timedelta(days=deadlines.remedy_days)
        if now > due:
            return Overdue(
                case.ref,
                "propose remedy",
                due,
                f"no remedy proposed or decision made within {deadlines.remedy_days} days",
            )
    return None


def due_dates(case: Case, deadlines: Deadlines) -> tuple[datetime, datetime]:
    """(acknowledge by, propose remedy by) for a case."""
    return (
        case.filed_at + timedelta(days=deadlines.acknowledge_days),
        case.filed_at + timedelta(days=deadlines.remedy_days),
    )


# --- the retaliation watch --------------------------------------------------------------------

#: How long after a grievance a dismissal, pay cut or move is flagged (ILO C158 Art. 5(c):
#: filing a complaint is not a valid reason for termination; 90 days is the watch window).
RETALIATION_WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class Signal:
    """Something that happened to a worker after a grievance and may be retaliation."""

    kind: str  # "dismissed", "pay_cut", "moved"
    on: date
    detail: str


@dataclass(frozen=True, slots=True)
class Ended:
    """A contract's end as the watch reads it."""

    on: date
    reason: str


@dataclass(frozen=True, slots=True)
class Pay:
    """A payslip's basic pay as the watch reads it."""

    period_end: date
    currency: str
    basic_pay: str  # decimal string


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a worker was placed from a day on (a contract's site)."""

    on: date
    site_ref: str | None


def retaliation_signals(
    filed_on: date,
    ended: list[Ended],
    payslips: list[Pay],
    placements: list[Placement],
    window_days: int = RETALIATION_WINDOW_DAYS,
) -> list[Signal]:
    """Dismissals, basic-pay drops and site moves within `window_days` after `filed_on`."""
    end = filed_on + timedelta(days=window_days)

    def inside(day: date) -> bool:
        return filed_on <= day <= end

    signals = [
        Signal("dismissed", e.on, f"contract ended: {e.reason.replace('_', ' ')}")
        for e in ended
        if inside(e.on) and e.reason in ("dismissed", "terminated_early_by_employer")
    ]
    ordered = sorted(payslips, key=lambda p: p.period_end)
    for before, after in pairwise(ordered):
        if (
            inside(after.period_end)
            and after.currency == before.currency
            and Decimal(after.basic_pay) < Decimal(before.basic_pay)
        ):
            signals.append(
                Signal(
                    "pay_cut",
                    after.period_end,
                    f"basic pay fell from {before.basic_pay} to {after.basic_pay} {after.currency}",
                )
            )
    places = sorted(placements, key=lambda p: p.on)
    for before_place, after_place in pairwise(places):
        if inside(after_place.on) and after_place.site_ref != before_place.site_ref:
            signals.append(
                Signal(
                    "moved",
                    after_place.on,
                    f"moved from site {before_place.site_ref or '—'} to "
                    f"{after_place.site_ref or '—'}",
                )
            )
    return sorted(signals, key=lambda s: s.on)
