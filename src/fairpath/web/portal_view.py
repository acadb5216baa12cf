"""What the worker portal shows, computed from the worker's own journey and the law data.

Owns the view models of the portal pages — the contract as promised and as signed with every
term that got worse, the fees paid against the origin country's cap, the documents held and
returned, the rights on the worker's corridor, a verified receipt in plain words — and the
worker-facing words for the format's codes (event types, fee purposes, documents, rules…),
marked with `N_` so they are extracted into the catalogues and translated where shown.

Nothing here reads the database or the clock: the routes in `web.portal` pass the journey, the
law book and today's date in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fairpath.domain.journey import (
    ContractSignedEvent,
    ContractStage,
    EventType,
    Provision,
    Terms,
)
from fairpath.domain.law import Cited, FeeCap, LawBook, WageRate
from fairpath.domain.rules.arithmetic import hourly_rate, monthly_wage
from fairpath.domain.rules.journey import Journey, PromisedTerms
from fairpath.web.i18n import N_

# --- the format's codes in plain words ---------------------------------------------------------

EVENT_TYPES: Mapping[str, str] = {
    "job_offered": N_("Job offered"),
    "contract_signed": N_("Contract signed"),
    "fee_paid": N_("Fee paid"),
    "loan_taken": N_("Loan taken"),
    "departed": N_("Left home country"),
    "arrived": N_("Arrived"),
    "document_held": N_("Document taken"),
    "document_returned": N_("Document returned"),
    "payslip": N_("Payslip"),
    "contract_ended": N_("Contract ended"),
    "remedy_paid": N_("Money paid back to you"),
    "grievance_filed": N_("Grievance raised"),
    "returned_home": N_("Returned home"),
}
STAGES: Mapping[str, str] = {
    "pre_departure": N_("before you left"),
    "job_offered": N_("in the job offer"),
    "on_arrival": N_("on arrival"),
    "renewal": N_("on renewal"),
}
WAGE_PER: Mapping[str, str] = {
    "month": N_("%(amount)s a month"),
    "day": N_("%(amount)s a day"),
    "hour": N_("%(amount)s an hour"),
}
PROVISIONS: Mapping[str, str] = {
    "free": N_("free"),
    "deducted": N_("taken from your pay"),
    "allowance": N_("paid as an allowance"),
    "none": N_("not provided"),
}
FEE_PURPOSES: Mapping[str, str] = {
    "service_fee": N_("service fee"),
    "placement_fee": N_("placement fee"),
    "visa": N_("visa"),
    "work_permit": N_("work permit"),
    "medical": N_("medical check"),
    "training": N_("training"),
    "travel": N_("travel"),
    "documents": N_("documents"),
    "insurance": N_("insurance"),
    "deposit": N_("deposit"),
    "bribe": N_("bribe"),
    "other": N_("other"),
}
PAID_TO: Mapping[str, str] = {
    "recruiter": N_("recruitment agency"),
    "sub_agent": N_("sub-agent or broker"),
    "employer": N_("employer"),
    "government": N_("government"),
    "medical_centre": N_("medical centre"),
    "training_centre": N_("training centre"),
    "travel_agent": N_("travel agent"),
    "lender": N_("lender"),
    "other": N_("other"),
}
DOCUMENTS: Mapping[str, str] = {
    "passport": N_("Passport"),
    "national_id": N_("National ID card"),
    "work_permit": N_("Work permit"),
    "bank_card": N_("Bank card"),
    "contract": N_("Contract"),
}
HELD_BY: Mapping[str, str] = {
    "employer": N_("employer"),
    "recruiter": N_("recruitment agency"),
    "sub_agent": N_("sub-agent or broker"),
    "other": N_("someone else"),
}
#: A worker-facing title per rule of the catalogue (spec/rules.md).
RULES: Mapping[str, str] = {
    "CONTRACT_SUBSTITUTION": N_("Your contract was changed for the worse"),
    "NO_CONTRACT_BEFORE_DEPARTURE": N_("You had no contract before you left"),
    "CONTRACT_NOT_UNDERSTOOD": N_("Your contract is not in a language you read"),
    "FEE_PAID_BY_WORKER": N_("You paid recruitment fees"),
    "FEE_ABOVE_LEGAL_CAP": N_("You paid more than the law allows"),
    "RECRUITMENT_DEBT": N_("You took a loan to pay for recruitment"),
    "DOCUMENT_RETAINED": N_("Someone kept your document"),
    "UNDERAGE_RECRUITMENT": N_("You were recruited under age"),
    "UNLICENSED_RECRUITER": N_("Your recruiter had no valid licence"),
    "EXCESSIVE_OVERTIME": N_("Too many overtime hours"),
    "NO_WEEKLY_REST": N_("No weekly rest day"),
    "BELOW_MINIMUM_WAGE": N_("Paid less than the minimum wage"),
    "BELOW_PROMISED_WAGE": N_("Paid less than promised"),
    "OVERTIME_UNDERPAID": N_("Overtime paid too little"),
    "UNLAWFUL_DEDUCTION": N_("Money taken from your pay without right"),
    "WAGES_WITHHELD": N_("Wages paid late or not at all"),
    "FINAL_SETTLEMENT_UNPAID": N_("Final pay not paid"),
}
OTHER_RULE = N_("A problem was found")
#: Sentences of the services a worker meets on the card sign-in page, translated when shown.
SERVICE_SENTENCES = (
    N_("the card code or the PIN is not right; check the card and try again"),
    N_("the sign-in form expired; reload the page and try again"),
)
#: A value shown as it is recorded (a job title, an organisation's name): not translated.
VERBATIM = "%(text)s"


def words(table: Mapping[str, str], code: str) -> str:
    """The msgid for `code` in `table`; the code itself (spaced) when the table lacks it."""
    return table.get(code, code.replace("_", " "))


# --- my contract -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRow:
    """One term of the contract: as promised, as signed, and whether it got worse.

    Values are (msgid, variables) pairs so the template translates them; `change` says in
    words how it got worse (never colour alone)."""

    label: str
    promised: tuple[str, dict[str, Any]]
    signed: tuple[str, dict[str, Any]] | None
    worse: bool
    change: str | None = None


@dataclass(frozen=True)
class ContractView:
    """The promised terms, the later signed contract and the comparison, term by term."""

    promised: PromisedTerms | None
    signed: ContractSignedEvent | None
    rows: list[TermRow]
    copy_given: bool | None
    understands: bool | None

    @property
    def worse(self) -> list[TermRow]:
        return [row for row in self.rows if row.worse]


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"money": (amount, currency)}


def _wage(terms: Terms) -> tuple[str, dict[str, Any]]:
    return words(WAGE_PER, terms.wage.per.value), _money(terms.wage.amount, terms.wage.currency)


def _rate(terms: Terms) -> tuple[str, dict[str, Any]]:
    rate = hourly_rate(monthly_wage(terms), terms.normal_hours_per_week).quantize(Decimal("0.01"))
    return N_("%(amount)s an hour"), _money(rate, terms.wage.currency)


def _provision(value: Provision) -> tuple[str, dict[str, Any]]:
    return words(PROVISIONS, value.value), {}


def _plain(value: Any, msgid: str) -> tuple[str, dict[str, Any]]:
    return msgid, {"number": value}


def contract_view(journey: Journey, org_names: Mapping[str, str]) -> ContractView:
    """The comparison the CONTRACT_SUBSTITUTION rule makes (domain.rules.terms), term by term,
    against the newest contract signed on arrival or on renewal after the promise."""
    promised = journey.promised_terms()
    if promised is None:
        return ContractView(None, None, [], None, None)
    later = [
        c
        for c in journey.contracts(ContractStage.ON_ARRIVAL, ContractStage.RENEWAL)
        if c.ref != promised.event_ref and c.date >= promised.event_date
    ]
    signed = later[-1] if later else None
    old = promised.terms
    new = signed.data.terms if signed else None
    rows = [
        _row(N_("Job"), (VERBATIM, {"text": old.job_title}), _job(new), _job_worse(old, new)),
        _row(
            N_("Employer"),
            _org(promised.employer_ref, org_names),
            _signed_org(signed, org_names),
            signed is not None and signed.data.employer_ref != promised.employer_ref,
        ),
        _row(N_("Wage"), _wage(old), _wage(new) if new else None, _wage_worse(old, new)),
        _row(
            N_("Pay per hour of normal work"),
            _rate(old),
            _rate(new) if new else None,
            _rate_worse(old, new),
        ),
        _row(
            N_("Normal hours a week"),
            _plain(old.normal_hours_per_week, N_("%(number)s hours")),
            _plain(new.normal_hours_per_week, N_("%(number)s hours")) if new else None,
            new is not None and new.normal_hours_per_week > old.normal_hours_per_week,
        ),
        _row(
            N_("Rest days a week"),
            _plain(old.rest_days_per_week, N_("%(number)s rest day(s)")),
            _plain(new.rest_days_per_week, N_("%(number)s rest day(s)")) if new else None,
            new is not None and new.rest_days_per_week < old.rest_days_per_week,
        ),
        _row(
            N_("Overtime pay"),
            _plain(old.overtime_multiplier, N_("%(number)s times normal pay")),
            _plain(new.overtime_multiplier, N_("%(number)s times normal pay")) if new else None,
            new is not None and new.overtime_multiplier < old.overtime_multiplier,
        ),
        _row(
            N_("Length of contract"),
            _plain(old.duration_months, N_("%(number)s months")),
            _plain(new.duration_months, N_("%(number)s months")) if new else None,
            new is not None and new.duration_months > old.duration_months,
        ),
        _row(
            N_("Housing"),
            _provision(old.housing),
            _provision(new.housing) if new else None,
            new is not None
            and old.housing is Provision.FREE
            and new.housing in (Provision.DEDUCTED, Provision.NONE),
        ),
        _row(
            N_("Food"),
            _provision(old.food),
            _provision(new.food) if new else None,
            new is not None
            and old.food is Provision.FREE
            and new.food in (Provision.DEDUCTED, Provision.NONE),
        ),
    ]
    return ContractView(
        promised,
        signed,
        rows,
        signed.data.copy_given_to_worker if signed else None,
        signed.data.worker_understands_language if signed else None,
    )


def _row(
    label: str,
    promised: tuple[str, dict[str, Any]],
    signed: tuple[str, dict[str, Any]] | None,
    worse: bool,
) -> TermRow:
    return TermRow(label, promised, signed, worse, N_("Worse than promised") if worse else None)


def _job(terms: Terms | None) -> tuple[str, dict[str, Any]] | None:
    return (VERBATIM, {"text": terms.job_title}) if terms else None


def _job_worse(old: Terms, new: Terms | None) -> bool:
    # As the rule compares titles: case and spacing do not count as a change.
    return new is not None and " ".join(new.job_title.casefold().split()) != " ".join(
        old.job_title.casefold().split()
    )


def _org(ref: str, names: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    return VERBATIM, {"text": names.get(ref, ref)}


def _signed_org(
    signed: ContractSignedEvent | None, names: Mapping[str, str]
) -> tuple[str, dict[str, Any]] | None:
    return _org(signed.data.employer_ref, names) if signed else None


def _wage_worse(old: Terms, new: Terms | None) -> bool:
    """A lower wage for the same period in the same currency (the hourly rate row catches a
    wage that stays while the hours grow)."""
    return (
        new is not None
        and new.wage.currency == old.wage.currency
        and new.wage.per is old.wage.per
        and new.wage.amount < old.wage.amount
    )


def _rate_worse(old: Terms, new: Terms | None) -> bool:
    """Lower pay per hour of normal work. Compared only in one currency: across currencies the
    rule converts with the rate table, and its finding (on the pay page) says the result."""
    if new is None or new.wage.currency != old.wage.currency:
        return False
    before = hourly_rate(monthly_wage(old), old.normal_hours_per_week)
    after = hourly_rate(monthly_wage(new), new.normal_hours_per_week)
    return after < before


# --- fees I paid and what the law allowed --------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    """One fee the worker paid."""

    ref: str
    day: date
    amount: Decimal
    currency: str
    purpose: str
    paid_to: str
    via_deduction: bool


@dataclass(frozen=True)
class CapLine:
    """What the origin country's law allows a worker on this corridor to be charged."""

    msgid: str
    variables: dict[str, Any]
    source: str


@dataclass(frozen=True)
class FeesView:
    """Fees paid, totals per currency, and the law's caps and bans on the corridor."""

    fees: list[FeeLine]
    totals: dict[str, Decimal]
    caps: list[CapLine]
    destination_ban: Cited[Any] | None
    origin: str
    destination: str


def fees_view(journey: Journey, law: LawBook, today: date) -> FeesView:
    """The fee_paid events and the caps in force when the first fee was paid (else today)."""
    fees = [
        FeeLine(
            e.ref,
            e.date,
            e.data.amount,
            e.data.currency,
            words(FEE_PURPOSES, e.data.purpose.value),
            words(PAID_TO, e.data.paid_to_role.value),
            e.data.via_deduction,
        )
        for e in journey.of_type(EventType.FEE_PAID)
    ]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for fee in fees:
        totals[fee.currency] += fee.amount
    on = fees[0].day if fees else today
    worker = journey.worker
    caps = [
        _cap_line(cited)
        for cited in law.fee_caps(
            journey.origin,
            journey.destination,
            on,
            sector=journey.sector,
            gender=worker.gender.value,
        )
    ]
    banned = law.law_in_force(journey.destination, journey.sector, on).get("worker_fees_banned")
    return FeesView(
        fees,
        dict(totals),
        caps,
        banned if banned is not None and banned.value else None,
        journey.origin,
        journey.destination,
    )


def _cap_line(cited: Cited[FeeCap]) -> CapLine:
    cap = cited.value
    scope = N_("all fees") if cap.covers == "all_fees" else N_("the agency's fees")
    if cap.is_ban:
        return CapLine(
            N_("The law says you pay nothing for %(what)s."), {"what": scope}, cited.source
        )
    if cap.basis == "per_worker" and cap.amount is not None:
        return CapLine(
            N_("The law allows at most %(amount)s for %(what)s."),
            {"what": scope, "money": (cap.amount, cap.currency)},
            cited.source,
        )
    return CapLine(
        N_("The law allows at most %(months)s month(s) of your wage for %(what)s."),
        {"what": scope, "months": cap.months},
        cited.source,
    )


# --- my documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentLine:
    """A document someone took: by whom, since when, and whether it came back."""

    document: str
    held_by: str
    since: date
    can_retrieve: bool
    consented: bool
    returned_on: date | None


def documents_view(journey: Journey) -> list[DocumentLine]:
    """document_held events, each matched with the first later return of that document."""
    returns: dict[str, list[date]] = defaultdict(list)
    for event in journey.of_type(EventType.DOCUMENT_RETURNED):
        returns[event.data.document.value].append(event.date)
    lines = []
    for event in journey.of_type(EventType.DOCUMENT_HELD):
        kind = event.data.document.value
        back = next((d for d in sorted(returns[kind]) if d >= event.date), None)
        lines.append(
            DocumentLine(
                words(DOCUMENTS, kind),
                words(HELD_BY, event.data.held_by_role.value),
                event.date,
                event.data.worker_can_retrieve,
                event.data.worker_consented_in_writing,
                back,
            )
        )
    return lines


# --- my rights on my corridor --------------------------------------------------------------------


@dataclass(frozen=True)
class Right:
    """One right in plain words, with the law data's source."""

    msgid: str
    variables: dict[str, Any]
    source: str


@dataclass
class RightsView:
    """The destination's law in force today for the worker's sector, and the origin's fee rules."""

    origin: str
    destination: str
    rights: list[Right] = field(default_factory=list)


def rights_view(journey: Journey, law: LawBook, today: date) -> RightsView:
    """Plain sentences from the law tables (docs/law-data.md), each with its source."""
    country = law.law_in_force(journey.destination, journey.sector, today, region=journey.region)
    view = RightsView(journey.origin, journey.destination)
    for cited in country.minimum_wages():
        rate: WageRate | None = cited.value
        if rate is None:
            view.rights.append(
                Right(N_("The law here sets no minimum wage for your work."), {}, cited.source)
            )
        else:
            view.rights.append(
                Right(
                    N_("Minimum wage: %(amount)s."),
                    {"wage": (rate.amount, rate.currency, rate.per.value)},
                    cited.source,
                )
            )
    simple = (
        ("max_normal_hours_week", N_("Normal work is at most %(number)s hours a week.")),
        ("max_normal_hours_day", N_("Normal work is at most %(number)s hours a day.")),
        ("overtime_multiplier", N_("Overtime is paid at least %(number)s times normal pay.")),
        ("weekly_rest_days", N_("You have at least %(number)s rest day(s) a week.")),
        (
            "payment_deadline_days",
            N_("Wages must be paid within %(number)s days of the pay period."),
        ),
    )
    for key, msgid in simple:
        value = country.get(key)
        if value is not None and value.value is not None:
            view.rights.append(Right(msgid, {"number": value.value}, value.source))
    passport = country.get("passport_retention_prohibited")
    if passport is not None and passport.value:
        view.rights.append(
            Right(
                N_("Your employer may not keep your passport. Ask for it back."),
                {},
                passport.source,
            )
        )
    fees = country.get("worker_fees_banned")
    if fees is not None and fees.value:
        view.rights.append(
            Right(N_("Workers must not pay recruitment fees here."), {}, fees.source)
        )
    for cap in law.fee_caps(
        journey.origin,
        journey.destination,
        today,
        sector=journey.sector,
        gender=journey.worker.gender.value,
    ):
        line = _cap_line(cap)
        view.rights.append(Right(line.msgid, line.variables, line.source))
    return view


# --- a receipt in plain words --------------------------------------------------------------------

FIELDS: Mapping[str, str] = {
    "amount": N_("Amount"),
    "currency": N_("Currency"),
    "purpose": N_("What for"),
    "paid_to_role": N_("Paid to"),
    "paid_to_ref": N_("Paid to"),
    "basic_pay": N_("Basic pay"),
    "overtime_pay": N_("Overtime pay"),
    "net_pay": N_("Net pay"),
    "paid_amount": N_("Amount paid"),
    "paid_on": N_("Paid on"),
    "period_start": N_("Pay period from"),
    "period_end": N_("Pay period to"),
    "normal_hours": N_("Normal hours"),
    "overtime_hours": N_("Overtime hours"),
    "document": N_("Document"),
    "employer_ref": N_("Employer"),
    "stage": N_("When"),
    "job_title": N_("Job"),
}


def record_lines(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label msgid, value) of a logged record's own fields, for the receipt check page."""
    lines: list[tuple[str, str]] = []
    data = record.get("data")
    if not isinstance(data, Mapping):
        return lines
    for name, value in _flat(data):
        leaf = name.rsplit(".", 1)[-1]
        if leaf not in FIELDS or isinstance(value, Mapping | list):
            continue
        text = str(value)
        if leaf == "purpose":
            text = words(FEE_PURPOSES, text)
        elif leaf == "paid_to_role":
            text = words(PAID_TO, text)
        elif leaf == "document":
            text = words(DOCUMENTS, text)
        elif leaf == "stage":
            text = words(STAGES, text)
        lines.append((FIELDS[leaf], text))
    return lines


def _flat(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, Mapping):
            out.extend(_flat(value, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", value))
    return out


def own_event_refs(journey_events: Sequence[Any]) -> set[str]:
    """The references of a worker's events (current and superseded): receipts they may get."""
    return {str(event.ref) for event in journey_events}
