"""The journey records of spec/journey-format.md §1–2, as typed, validated, immutable values.

One class per record kind (organization, site, link, worker) and per event type; an event's
`data` is typed by its `type`. Validation follows §2 exactly: amounts are exact decimals,
countries/currencies/languages come from real code lists, dates are ISO 8601, and unknown
fields are errors unless their name starts with `x_` (kept, not interpreted).

These classes are the one place the format's fields are declared; parsing (interchange),
storage and the rules all read them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from fairpath.domain import codes

# --- value types -------------------------------------------------------------------------

_REF = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _ref(value: str) -> str:
    if not _REF.match(value):
        raise PydanticCustomError(
            "ref",
            "'{value}' is not a valid reference; use 1–64 letters, digits, '-', '_' or '.'",
            {"value": value[:80]},
        )
    return value


def _country(value: str) -> str:
    if not codes.is_country(value):
        raise PydanticCustomError(
            "country",
            "'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. NP, MY, QA)",
            {"value": value[:80]},
        )
    return value


def _currency(value: str) -> str:
    if not codes.is_currency(value):
        raise PydanticCustomError(
            "currency",
            "'{value}' is not an ISO 4217 currency code (e.g. NPR, MYR, USD)",
            {"value": value[:80]},
        )
    return value


def _language(value: str) -> str:
    if not codes.is_language(value):
        raise PydanticCustomError(
            "language",
            "'{value}' is not a BCP 47 language tag (e.g. ne, bn, vi, fil, my)",
            {"value": value[:80]},
        )
    return value


def _sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise PydanticCustomError(
            "sha256",
            "'{value}' is not a SHA-256 hex digest (64 lowercase hex digits)",
            {"value": value[:80]},
        )
    return value


Ref = Annotated[str, AfterValidator(_ref)]
# Dates and decimals use pydantic's own (compiled) parsers: ISO 8601 days, exact decimals
# (`"1200.00"`, never via float: JSON is read with parse_float=Decimal, CSV/XLSX cells are
# text). Their error types are turned into clerk-friendly sentences in interchange/problems.py.
IsoDate = date
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Number = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Country = Annotated[str, AfterValidator(_country)]
Currency = Annotated[str, AfterValidator(_currency)]
Language = Annotated[str, AfterValidator(_language)]
Sha256 = Annotated[str, AfterValidator(_sha256)]


# --- the base of every record --------------------------------------------------------------


class Record(BaseModel):
    """A part of the journey format: immutable; unknown fields kept for `unknown_fields`.

    Fields outside the format are allowed through validation (as pydantic "extra" fields) and
    then refused by `unknown_fields` unless their name starts with `x_` (spec §2). Checking
    after validation, instead of in a Python validator on every nested part, keeps validation
    in pydantic's compiled core: a million-event import spends its time on the data.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    @property
    def extensions(self) -> dict[str, Any]:
        """The `x_…` fields, kept as given."""
        return dict(self.model_extra or {})


FieldPath = tuple[str | int, ...]


def unknown_fields(record: Record) -> list[FieldPath]:
    """Paths of fields in a validated record that the format does not have (`x_…` aside).

    Runs on every imported record: a path is built only for a field found, so the common
    answer, none, costs one look at each nested part.
    """
    found: list[FieldPath] = []
    extra = record.__pydantic_extra__
    if extra:
        found.extend((name,) for name in extra if not name.startswith("x_"))
    values = record.__dict__
    for name in _nested_models(type(record)):
        value = values[name]
        if isinstance(value, Record):
            if inner := unknown_fields(value):
                found.extend((name, *path) for path in inner)
        elif value:
            for index, item in enumerate(value):
                if inner := unknown_fields(item):
                    found.extend((name, index, *path) for path in inner)
    return found


def unknown_fields_in(data: Any, model: type[Record]) -> list[FieldPath]:
    """Paths of fields in raw input `data` for `model` that the format does not have.

    For input that failed validation, so that unknown fields are reported together with
    every other problem of the record.
    """
    found: list[FieldPath] = []
    _walk_raw(data, model, (), found)
    return found


def _walk_raw(data: Any, model: type[Record], at: FieldPath, found: list[FieldPath]) -> None:
    if not isinstance(data, dict):
        return
    nested = _nested_models(model)
    for name, value in data.items():
        if name not in model.model_fields:
            if not str(name).startswith("x_"):
                found.append((*at, name))
        elif name in nested:
            inner = nested[name]
            if isinstance(value, list):
                for index, item in enumerate(value):
                    _walk_raw(item, inner, (*at, name, index), found)
            else:
                _walk_raw(value, inner, (*at, name), found)


@cache
def _nested_models(model: type[Record]) -> dict[str, type[Record]]:
    """Fields of `model` that hold another Record (directly, optionally, or in a list)."""
    out: dict[str, type[Record]] = {}
    for name, info in model.model_fields.items():
        for candidate in _flatten(info.annotation):
            if isinstance(candidate, type) and issubclass(candidate, Record):
                out[name] = candidate
    return out


def _flatten(annotation: Any) -> list[Any]:
    args = get_args(annotation)
    if not args:
        return [annotation]
    return [leaf for arg in args for leaf in _flatten(arg)]


# --- enumerations (spec §1) ------------------------------------------------------------------


class OrgRole(StrEnum):
    BRAND = "brand"
    SUPPLIER = "supplier"
    EMPLOYER = "employer"
    RECRUITER = "recruiter"
    SUB_AGENT = "sub_agent"
    NGO = "ngo"
    UNION = "union"
    AUDITOR = "auditor"
    LENDER = "lender"


class IrisStatus(StrEnum):
    CERTIFIED = "certified"
    IN_PROGRESS = "in_progress"
    NONE = "none"


class Sector(StrEnum):
    MANUFACTURING = "manufacturing"
    AGRICULTURE = "agriculture"
    FISHING = "fishing"
    CONSTRUCTION = "construction"
    DOMESTIC_WORK = "domestic_work"
    HOSPITALITY = "hospitality"
    CLEANING_SECURITY = "cleaning_security"
    OTHER = "other"


class LinkType(StrEnum):
    BUYS_FROM = "buys_from"
    RECRUITS_FOR = "recruits_for"
    SUBCONTRACTS_TO = "subcontracts_to"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class Source(StrEnum):
    WORKER = "worker"
    RECRUITER = "recruiter"
    EMPLOYER = "employer"
    AUDITOR = "auditor"
    NGO = "ngo"
    GOVERNMENT = "government"


class EvidenceKind(StrEnum):
    TESTIMONY = "testimony"
    RECEIPT = "receipt"
    CONTRACT_DOCUMENT = "contract_document"
    PAYROLL_RECORD = "payroll_record"
    BANK_RECORD = "bank_record"
    AUDIT_RECORD = "audit_record"
    PHOTO = "photo"
    OTHER = "other"


class EventType(StrEnum):
    JOB_OFFERED = "job_offered"
    CONTRACT_SIGNED = "contract_signed"
    FEE_PAID = "fee_paid"
    LOAN_TAKEN = "loan_taken"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    DOCUMENT_HELD = "document_held"
    DOCUMENT_RETURNED = "document_returned"
    PAYSLIP = "payslip"
    CONTRACT_ENDED = "contract_ended"
    REMEDY_PAID = "remedy_paid"
    GRIEVANCE_FILED = "grievance_filed"
    RETURNED_HOME = "returned_home"


class ContractStage(StrEnum):
    PRE_DEPARTURE = "pre_departure"
    ON_ARRIVAL = "on_arrival"
    RENEWAL = "renewal"


class PaidToRole(StrEnum):
    RECRUITER = "recruiter"
    SUB_AGENT = "sub_agent"
    EMPLOYER = "employer"
    GOVERNMENT = "government"
    MEDICAL_CENTRE = "medical_centre"
    TRAINING_CENTRE = "training_centre"
    TRAVEL_AGENT = "travel_agent"
    LENDER = "lender"
    OTHER = "other"


class FeePurpose(StrEnum):
    SERVICE_FEE = "service_fee"
    PLACEMENT_FEE = "placement_fee"
    VISA = "visa"
    WORK_PERMIT = "work_permit"
    MEDICAL = "medical"
    TRAINING = "training"
    TRAVEL = "travel"
    DOCUMENTS = "documents"
    INSURANCE = "insurance"
    DEPOSIT = "deposit"
    BRIBE = "bribe"
    OTHER = "other"


class LenderRole(StrEnum):
    RECRUITER = "recruiter"
    EMPLOYER = "employer"
    MONEYLENDER = "moneylender"
    BANK = "bank"
    COOPERATIVE = "cooperative"
    FAMILY = "family"
    OTHER = "other"


class LoanPurpose(StrEnum):
    RECRUITMENT = "recruitment"
    OTHER = "other"


class Document(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    WORK_PERMIT = "work_permit"
    BANK_CARD = "bank_card"
    CONTRACT = "contract"


class HeldByRole(StrEnum):
    EMPLOYER = "employer"
    RECRUITER = "recruiter"
    SUB_AGENT = "sub_agent"
    OTHER = "other"


class EndReason(StrEnum):
    COMPLETED = "completed"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    TERMINATED_EARLY_BY_EMPLOYER = "terminated_early_by_employer"
    REPATRIATED = "repatriated"
    DIED = "died"
    OTHER = "other"


class RemedyCovers(StrEnum):
    RECRUITMENT_FEES = "recruitment_fees"
    WAGES = "wages"
    OTHER = "other"


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    VOICE = "voice"
    IN_PERSON = "in_person"
    HOTLINE = "hotline"
    OTHER = "other"


class DeductionKind(StrEnum):
    TAX = "tax"
    SOCIAL_SECURITY = "social_security"
    INSURANCE = "insurance"
    HOUSING = "housing"
    FOOD = "food"
    UTILITIES = "utilities"
    RECRUITMENT_FEE = "recruitment_fee"
    LOAN_REPAYMENT = "loan_repayment"
    ADVANCE = "advance"
    LEVY = "levy"
    FINE = "fine"
    DEPOSIT = "deposit"
    OTHER = "other"


class WagePer(StrEnum):
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"


class Provision(StrEnum):
    """How housing or food is provided under a contract's terms."""

    FREE = "free"
    DEDUCTED = "deducted"
    ALLOWANCE = "allowance"
    NONE = "none"


# --- registries (spec §1.1–1.4) ---------------------------------------------------------------


class Licence(Record):
    number: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=300)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None

    def valid_on(self, day: date) -> bool:
        """True when the licence covers `day` (open ends count as covering)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Organization(Record):
    kind: Literal["organization"] = "organization"
    ref: Ref
    name: str = Field(min_length=1, max_length=300)
    roles: list[OrgRole] = Field(min_length=1)
    country: Country
    licence: Licence | None = None
    iris_status: IrisStatus = IrisStatus.NONE
    os_id: str | None = Field(default=None, max_length=64)


class Site(Record):
    kind: Literal["site"] = "site"
    ref: Ref
    org_ref: Ref
    name: str = Field(min_length=1, max_length=300)
    country: Country
    region: str | None = Field(default=None, max_length=200)
    sector: Sector
    os_id: str | None = Field(default=None, max_length=64)


class Link(Record):
    kind: Literal["link"] = "link"
    from_ref: Ref
    to_ref: Ref
    type: LinkType
    tier: int | None = Field(default=None, ge=1, le=20)

    @model_validator(mode="after")
    def _tier_only_on_buys_from(self) -> Link:
        if self.tier is not None and self.type is not LinkType.BUYS_FROM:
            raise PydanticCustomError(
                "tier",
                "'tier' is only for buys_from links; leave it empty for {type}",
                {"type": self.type.value},
            )
        return self

    @property
    def identity(self) -> tuple[str, str, str]:
        """A link is identified by (from_ref, to_ref, type) (spec §1)."""
        return (self.from_ref, self.to_ref, self.type.value)


class WorkerPII(Record):
    """Personal data: stored encrypted, never logged, never exported without the flag."""

    full_name: str | None = Field(default=None, max_length=300)
    birth_date: IsoDate | None = None
    passport_number: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=320)


class Worker(Record):
    kind: Literal["worker"] = "worker"
    ref: Ref
    origin_country: Country
    destination_country: Country
    sector: Sector
    employer_ref: Ref | None = None
    site_ref: Ref | None = None
    recruiter_refs: list[Ref] = Field(default_factory=list)
    gender: Gender = Gender.UNDISCLOSED
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    languages: list[Language] = Field(default_factory=list)
    pii: WorkerPII | None = None


# --- event data (spec §1.5) ---------------------------------------------------------------------


class Wage(Record):
    amount: Amount
    currency: Currency
    per: WagePer


class AgreedDeduction(Record):
    kind: DeductionKind
    amount: Amount
    per: WagePer


class Terms(Record):
    job_title: str = Field(min_length=1, max_length=200)
    wage: Wage
    normal_hours_per_week: Number = Field(gt=0, le=168)
    rest_days_per_week: int = Field(ge=0, le=7)
    overtime_multiplier: Number
    duration_months: int = Field(ge=0, le=600)
    housing: Provision
    food: Provision
    deductions: list[AgreedDeduction] | None = None


class JobOffered(Record):
    employer_ref: Ref
    site_ref: Ref | None = None
    terms: Terms


class ContractSigned(Record):
    stage: ContractStage
    employer_ref: Ref
    site_ref: Ref | None = None
    language: Language
    worker_understands_language: bool
    copy_given_to_worker: bool
    terms: Terms


class FeePaid(Record):
    amount: Amount
    currency: Currency
    paid_to_ref: Ref | None = None
    paid_to_role: PaidToRole
    purpose: FeePurpose
    via_deduction: bool = False


class LoanTaken(Record):
    amount: Amount
    currency: Currency
    lender_ref: Ref | None = None
    lender_role: LenderRole
    annual_interest_pct: Number | None = None
    purpose: LoanPurpose
    collateral: str | None = Field(default=None, max_length=500)


class Departed(Record):
    from_country: Country


class Arrived(Record):
    country: Country


class DocumentHeld(Record):
    document: Document
    held_by_ref: Ref | None = None
    held_by_role: HeldByRole
    worker_can_retrieve: bool
    worker_consented_in_writing: bool


class DocumentReturned(Record):
    document: Document


class Deduction(Record):
    kind: DeductionKind
    amount: Amount


class Payslip(Record):
    period_start: IsoDate
    period_end: IsoDate
    currency: Currency
    normal_hours: Number
    overtime_hours: Number
    rest_days_worked: int = Field(ge=0, le=31)
    basic_pay: Amount
    overtime_pay: Amount
    allowances: Amount | None = None
    deductions: list[Deduction] = Field(default_factory=list)
    net_pay: Amount
    paid_on: IsoDate | None = None
    paid_amount: Amount | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> Payslip:
        if self.period_end < self.period_start:
            raise PydanticCustomError(
                "period",
                "period_end {end} is before period_start {start}; swap them",
                {"end": str(self.period_end), "start": str(self.period_start)},
            )
        return self

    @property
    def amount_paid(self) -> Decimal:
        """What reached the worker: `paid_amount`, else `net_pay` when paid, else nothing."""
        if self.paid_on is None:
            return self.paid_amount if self.paid_amount is not None else Decimal(0)
        return self.paid_amount if self.paid_amount is not None else self.net_pay


class ContractEnded(Record):
    reason: EndReason
    final_pay_on: IsoDate | None = None
    final_pay_amount: Amount | None = None
    end_of_service_paid: Amount | None = None


class RemedyPaid(Record):
    amount: Amount
    currency: Currency
    covers: RemedyCovers
    finding_refs: list[str] | None = None
    confirmed_by_worker: bool


class GrievanceText(Record):
    """The worker's own words: personal data, encrypted at rest."""

    text: str = Field(min_length=1, max_length=10_000)


class GrievanceFiled(Record):
    channel: Channel
    category: str = Field(min_length=1, max_length=64)
    anonymous: bool
    pii: GrievanceText | None = None


class ReturnedHome(Record):
    country: Country


class Evidence(Record):
    kind: EvidenceKind
    sha256: Sha256 | None = None


# --- events --------------------------------------------------------------------------------------


class _EventBase(Record):
    kind: Literal["event"] = "event"
    ref: Ref
    worker_ref: Ref
    date: IsoDate
    source: Source
    evidence: Evidence | None = None
    supersedes: Ref | None = None


class JobOfferedEvent(_EventBase):
    type: Literal[EventType.JOB_OFFERED]
    data: JobOffered


class ContractSignedEvent(_EventBase):
    type: Literal[EventType.CONTRACT_SIGNED]
    data: ContractSigned


class FeePaidEvent(_EventBase):
    type: Literal[EventType.FEE_PAID]
    data: FeePaid


class LoanTakenEvent(_EventBase):
    type: Literal[EventType.LOAN_TAKEN]
    data: LoanTaken


class DepartedEvent(_EventBase):
    type: Literal[EventType.DEPARTED]
    data: Departed


class ArrivedEvent(_EventBase):
    type: Literal[EventType.ARRIVED]
    data: Arrived


class DocumentHeldEvent(_EventBase):
    type: Literal[EventType.DOCUMENT_HELD]
    data: DocumentHeld


class DocumentReturnedEvent(_EventBase):
    type: Literal[EventType.DOCUMENT_RETURNED]
    data: DocumentReturned


class PayslipEvent(_EventBase):
    type: Literal[EventType.PAYSLIP]
    data: Payslip


class ContractEndedEvent(_EventBase):
    type: Literal[EventType.CONTRACT_ENDED]
    data: ContractEnded


class RemedyPaidEvent(_EventBase):
    type: Literal[EventType.REMEDY_PAID]
    data: RemedyPaid


class GrievanceFiledEvent(_EventBase):
    type: Literal[EventType.GRIEVANCE_FILED]
    data: GrievanceFiled


class ReturnedHomeEvent(_EventBase):
    type: Literal[EventType.RETURNED_HOME]
    data: ReturnedHome


Event = Annotated[
    JobOfferedEvent
    | ContractSignedEvent
    | FeePaidEvent
    | LoanTakenEvent
    | DepartedEvent
    | ArrivedEvent
    | DocumentHeldEvent
    | DocumentReturnedEvent
    | PayslipEvent
    | ContractEndedEvent
    | RemedyPaidEvent
    | GrievanceFiledEvent
    | ReturnedHomeEvent,
    Field(discriminator="type"),
]

AnyRecord = Annotated[Organization | Site | Link | Worker | Event, Field(discriminator="kind")]

EVENT_DATA: dict[EventType, type[Record]] = {
    EventType.JOB_OFFERED: JobOffered,
    EventType.CONTRACT_SIGNED: ContractSigned,
    EventType.FEE_PAID: FeePaid,
    EventType.LOAN_TAKEN: LoanTaken,
    EventType.DEPARTED: Departed,
    EventType.ARRIVED: Arrived,
    EventType.DOCUMENT_HELD: DocumentHeld,
    EventType.DOCUMENT_RETURNED: DocumentReturned,
    EventType.PAYSLIP: Payslip,
    EventType.CONTRACT_ENDED: ContractEnded,
    EventType.REMEDY_PAID: RemedyPaid,
    EventType.GRIEVANCE_FILED: GrievanceFiled,
    EventType.RETURNED_HOME: ReturnedHome,
}
