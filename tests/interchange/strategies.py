"""Hypothesis strategies for valid journey records and whole data sets (reusable by any test).

`data_sets()` draws a consistent data set — organizations, sites of those organizations, links
between them, workers employed and recruited by them, and events of every type for those
workers — as domain records. Every value is one the format allows; text is arbitrary Unicode
except control characters (which neither a spreadsheet nor a clerk can type).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from fairpath.domain import journey as j
from fairpath.interchange.layout import EVENT_MODELS

COUNTRIES = ["NP", "MY", "QA", "BD", "VN", "PH", "MM", "SA", "AE", "IN"]
CURRENCIES = ["NPR", "MYR", "QAR", "BDT", "USD", "JPY", "KWD"]
LANGUAGES = ["ne", "en", "bn", "vi", "fil", "my", "ms", "ar"]

countries = st.sampled_from(COUNTRIES)
currencies = st.sampled_from(CURRENCIES)
languages = st.sampled_from(LANGUAGES)

# Text a person could type: any letter or symbol of any script, no control characters, no
# surrogates or non-characters (XLSX cannot store them).
text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=24)
refs = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)
days = st.dates(min_value=j.date(1990, 1, 1), max_value=j.date(2040, 12, 31))
sha256 = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


@st.composite
def amounts(draw: st.DrawFn, max_value: int = 10**9) -> str:
    """A non-negative decimal written as a clerk would: `1700`, `1700.5`, `1700.00`."""
    units = draw(st.integers(0, max_value))
    places = draw(st.integers(0, 3))
    return format(Decimal(units).scaleb(-places), "f")


def enum_values(enum: type[j.StrEnum]) -> st.SearchStrategy[str]:
    return st.sampled_from([m.value for m in enum])


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


@st.composite
def extensions(draw: st.DrawFn) -> dict[str, str]:
    """Zero or one `x_` field (text: the only extension value all three forms keep as is)."""
    if draw(st.booleans()):
        return {}
    name = draw(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True))
    return {name: draw(text)}


@st.composite
def organizations(draw: st.DrawFn, ref: str) -> j.Organization:
    licence = draw(
        optional(
            st.fixed_dictionaries(
                {"number": text, "issuer": text},
                optional={"valid_from": days.map(str), "valid_until": days.map(str)},
            )
        )
    )
    roles = draw(st.lists(enum_values(j.OrgRole), min_size=1, max_size=3, unique=True))
    return j.Organization.model_validate(
        _drop_none(
            {
                "kind": "organization",
                "ref": ref,
                "name": draw(text),
                "roles": roles,
                "country": draw(countries),
                "licence": licence,
                "iris_status": draw(optional(enum_values(j.IrisStatus))),
                "os_id": draw(optional(st.from_regex(r"[A-Z0-9]{4,14}", fullmatch=True))),
                **draw(extensions()),
            }
        )
    )


def _terms(draw: st.DrawFn) -> dict[str, Any]:
    deductions = draw(
        optional(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": enum_values(j.DeductionKind),
                        "amount": amounts(10**5),
                        "per": enum_values(j.WagePer),
                    }
                ),
                min_size=1,
                max_size=3,
            )
        )
    )
    return _drop_none(
        {
            "job_title": draw(text),
            "wage": {
                "amount": draw(amounts()),
                "currency": draw(currencies),
                "per": draw(enum_values(j.WagePer)),
            },
            "normal_hours_per_week": str(draw(st.integers(1, 84))),
            "rest_days_per_week": draw(st.integers(0, 7)),
            "overtime_multiplier": draw(st.sampled_from(["1", "1.25", "1.5", "2.0"])),
            "duration_months": draw(st.integers(0, 600)),
            "housing": draw(enum_values(j.Provision)),
            "food": draw(enum_values(j.Provision)),
            "deductions": deductions,
        }
    )


def _event_data(
    draw: st.DrawFn, event_type: str, orgs: list[str], sites: list[str]
) -> dict[str, Any]:
    org = st.sampled_from(orgs)
    site = optional(st.sampled_from(sites)) if sites else st.none()
    yes_no = st.booleans()
    money = {"amount": draw(amounts()), "currency": draw(currencies)}
    by_type: dict[str, Any] = {
        "job_offered": lambda: {
            "employer_ref": draw(org),
            "site_ref": draw(site),
            "terms": _terms(draw),
        },
        "contract_signed": lambda: {
            "stage": draw(enum_values(j.ContractStage)),
            "employer_ref": draw(org),
            "site_ref": draw(site),
            "language": draw(languages),
            "worker_understands_language": draw(yes_no),
            "copy_given_to_worker": draw(yes_no),
            "terms": _terms(draw),
        },
        "fee_paid": lambda: {
            **money,
            "paid_to_ref": draw(optional(org)),
            "paid_to_role": draw(enum_values(j.PaidToRole)),
            "purpose": draw(enum_values(j.FeePurpose)),
            "via_deduction": draw(optional(yes_no)),
        },
        "loan_taken": lambda: {
            **money,
            "lender_ref": draw(optional(org)),
            "lender_role": draw(enum_values(j.LenderRole)),
            "annual_interest_pct": draw(optional(amounts(200))),
            "purpose": draw(enum_values(j.LoanPurpose)),
            "collateral": draw(optional(text)),
        },
        "departed": lambda: {"from_country": draw(countries)},
        "arrived": lambda: {"country": draw(countries)},
        "document_held": lambda: {
            "document": draw(enum_values(j.Document)),
            "held_by_ref": draw(optional(org)),
            "held_by_role": draw(enum_values(j.HeldByRole)),
            "worker_can_retrieve": draw(yes_no),
            "worker_consented_in_writing": draw(yes_no),
        },
        "document_returned": lambda: {"document": draw(enum_values(j.Document))},
        "payslip": lambda: _payslip(draw),
        "contract_ended": lambda: {
            "reason": draw(enum_values(j.EndReason)),
            "final_pay_on": draw(optional(days.map(str))),
            "final_pay_amount": draw(optional(amounts())),
            "end_of_service_paid": draw(optional(amounts())),
        },
        "remedy_paid": lambda: {
            **money,
            "covers": draw(enum_values(j.RemedyCovers)),
            "finding_refs": draw(optional(st.lists(refs, min_size=1, max_size=3))),
            "confirmed_by_worker": draw(yes_no),
        },
        "grievance_filed": lambda: {
            "channel": draw(enum_values(j.Channel)),
            "category": draw(st.sampled_from(["wages", "fees", "documents", "housing"])),
            "anonymous": draw(yes_no),
            "pii": draw(optional(st.fixed_dictionaries({"text": text}))),
        },
        "returned_home": lambda: {"country": draw(countries)},
    }
    return _drop_none(by_type[event_type]())


def _payslip(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(days)
    end = draw(st.dates(min_value=start, max_value=j.date(2041, 12, 31)))
    deductions = draw(
        st.lists(
            st.fixed_dictionaries({"kind": enum_values(j.DeductionKind), "amount": amounts(10**5)}),
            max_size=3,
        )
    )
    return _drop_none(
        {
            "period_start": str(start),
            "period_end": str(end),
            "currency": draw(currencies),
            "normal_hours": draw(amounts(400)),
            "overtime_hours": draw(amounts(200)),
            "rest_days_worked": draw(st.integers(0, 31)),
            "basic_pay": draw(amounts()),
            "overtime_pay": draw(amounts()),
            "allowances": draw(optional(amounts())),
            "deductions": deductions or None,
            "net_pay": draw(amounts()),
            "paid_on": draw(optional(days.map(str))),
            "paid_amount": draw(optional(amounts())),
        }
    )


@st.composite
def events(
    draw: st.DrawFn,
    ref: str,
    *,
    worker_refs: list[str],
    orgs: list[str],
    sites: list[str],
    event_type: str | None = None,
) -> BaseModel:
    """One valid event of `event_type` (any type when None) for one of `worker_refs`."""
    event_type = event_type or draw(enum_values(j.EventType))
    evidence = draw(
        optional(
            st.fixed_dictionaries(
                {"kind": enum_values(j.EvidenceKind)}, optional={"sha256": sha256}
            )
        )
    )
    record = {
        "kind": "event",
        "ref": ref,
        "worker_ref": draw(st.sampled_from(worker_refs)),
        "type": event_type,
        "date": str(draw(days)),
        "source": draw(enum_values(j.Source)),
        "evidence": evidence,
        "data": _event_data(draw, event_type, orgs, sites),
        **draw(extensions()),
    }
    return EVENT_MODELS[event_type].model_validate(_drop_none(record))


@st.composite
def workers(draw: st.DrawFn, ref: str, orgs: list[str], sites: list[str]) -> j.Worker:
    pii = draw(
        optional(
            st.fixed_dictionaries(
                {},
                optional={
                    "full_name": text,
                    "birth_date": days.map(str),
                    "passport_number": st.from_regex(r"[A-Z]{1,2}[0-9]{6,8}", fullmatch=True),
                    "phone": st.from_regex(r"\+[0-9]{8,14}", fullmatch=True),
                    "email": st.emails(),
                },
            )
        )
    )
    return j.Worker.model_validate(
        _drop_none(
            {
                "kind": "worker",
                "ref": ref,
                "origin_country": draw(countries),
                "destination_country": draw(countries),
                "sector": draw(enum_values(j.Sector)),
                "employer_ref": draw(optional(st.sampled_from(orgs))),
                "site_ref": draw(optional(st.sampled_from(sites))) if sites else None,
                "recruiter_refs": draw(st.lists(st.sampled_from(orgs), max_size=3)) or None,
                "gender": draw(optional(enum_values(j.Gender))),
                "birth_year": draw(optional(st.integers(1950, 2010))),
                "languages": draw(st.lists(languages, max_size=3)) or None,
                "pii": pii,
                **draw(extensions()),
            }
        )
    )


@st.composite
def data_sets(draw: st.DrawFn, max_events: int = 12) -> list[BaseModel]:
    """A consistent data set: every reference names a record of the same set."""
    org_refs = draw(st.lists(refs, min_size=1, max_size=3, unique=True))
    orgs = [draw(organizations(r)) for r in org_refs]
    site_refs = draw(st.lists(refs, max_size=2, unique=True))
    sites = [
        j.Site.model_validate(
            _drop_none(
                {
                    "kind": "site",
                    "ref": r,
                    "org_ref": draw(st.sampled_from(org_refs)),
                    "name": draw(text),
                    "country": draw(countries),
                    "region": draw(optional(text)),
                    "sector": draw(enum_values(j.Sector)),
                }
            )
        )
        for r in site_refs
    ]
    links = []
    seen_links = set()
    for _ in range(draw(st.integers(0, 2))):
        link_type = draw(enum_values(j.LinkType))
        ident = (draw(st.sampled_from(org_refs)), draw(st.sampled_from(org_refs)), link_type)
        if ident in seen_links:
            continue
        seen_links.add(ident)
        tier = draw(optional(st.integers(1, 20))) if link_type == "buys_from" else None
        links.append(
            j.Link.model_validate(
                _drop_none(
                    {"from_ref": ident[0], "to_ref": ident[1], "type": link_type, "tier": tier}
                )
            )
        )
    worker_refs = draw(st.lists(refs, min_size=1, max_size=3, unique=True))
    ws = [draw(workers(r, org_refs, site_refs)) for r in worker_refs]
    event_refs = draw(st.lists(refs, max_size=max_events, unique=True))
    evs = [
        draw(events(r, worker_refs=worker_refs, orgs=org_refs, sites=site_refs)) for r in event_refs
    ]
    return [*orgs, *sites, *links, *ws, *evs]
