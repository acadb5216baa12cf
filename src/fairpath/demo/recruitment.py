"""Before and on arrival: the promised terms, contracts, fees, loans, travel, passport.

A compliant recruiter issues a contract in the worker's language before departure and charges
nothing; what goes wrong instead (fees far above the legal cap, a loan from a moneylender, a
contract never handed over or in a language the worker cannot read, a worse contract signed on
arrival, a passport taken "for safekeeping") is decided by the worker's profile.
"""

from __future__ import annotations

from datetime import date

from fairpath.demo.corridors import Fee
from fairpath.demo.timeline import (
    Journey,
    Record,
    ceil_div,
    money,
    month_bounds,
    sha,
    stepped,
    uniform,
)

_RECEIPT = {"kind": "receipt", "sha256": None}
_TESTIMONY = {"kind": "testimony", "sha256": None}
_IMMIGRATION = {"kind": "other", "sha256": None}
_AUDIT = {"kind": "audit_record", "sha256": None}


def _terms(j: Journey) -> Record:
    corridor, dest, rng = j.corridor, j.corridor.destination, j.rng
    minimum = dest.minimum_on(date.fromordinal(j.offer))
    # Most employers promise the minimum; some a little more (rounded to 10 units).
    if rng.random() < 0.4:
        minimum = ceil_div(minimum * (100 + uniform(rng, 2, 15)), 100_000) * 1_000
    j.promised_wage = minimum
    titles = j.employer.job_titles
    terms: Record = {
        "job_title": titles[int(rng.random() * len(titles))],
        "wage": {
            "amount": money(minimum, dest.currency),
            "currency": dest.currency,
            "per": dest.wage_per,
        },
        "normal_hours_per_week": dest.normal_hours_per_week,
        "rest_days_per_week": dest.rest_days_per_week,
        "overtime_multiplier": dest.overtime_multiplier,
        "duration_months": corridor.contract_months,
        "housing": corridor.housing,
        "food": corridor.food,
    }
    if corridor.agreed_deductions:
        terms["deductions"] = [
            {"kind": kind, "amount": money(amount, dest.currency), "per": "month"}
            for kind, amount in corridor.agreed_deductions
        ]
    return terms


def _contract_language(j: Journey) -> tuple[str, bool]:
    """The language a contract is written in, and whether the worker reads it."""
    if not j.profile.not_understood:
        return j.reads[0], True
    for tag in (*j.corridor.destination.contract_languages, "en", "ar"):
        if tag not in j.reads:
            return tag, False
    return "ar", False  # unreachable with the demo's language lists


def recruit(j: Journey) -> None:
    """The job offer, the pre-departure contract (or its absence), fees and loans."""
    rng, profile = j.rng, j.profile
    j.terms = _terms(j)
    j.actual_terms = j.terms
    employer_data = {"employer_ref": j.employer_ref, "site_ref": j.site_ref}
    j.add(
        j.offer,
        "job_offered",
        "recruiter",
        {"kind": "contract_document", "sha256": None},
        {**employer_data, "terms": j.terms},
    )
    contract_day = j.offer + uniform(rng, 7, 28)
    j.first_contract = j.departed
    if not profile.no_contract or rng.random() < 0.5:
        language, understands = _contract_language(j)
        j.add(
            contract_day,
            "contract_signed",
            "recruiter",
            {"kind": "contract_document", "sha256": sha(rng)},
            {
                "stage": "pre_departure",
                **employer_data,
                "language": language,
                "worker_understands_language": understands,
                # A no-contract worker whose contract exists never got a copy of it.
                "copy_given_to_worker": not profile.no_contract,
                "terms": j.terms,
            },
        )
        j.first_contract = contract_day
    if profile.pays_fees:
        _fees(j)


def _fees(j: Journey) -> None:
    """The recruitment costs the worker pays between the offer and departure."""
    rng, corridor, profile = j.rng, j.corridor, j.profile
    schedule = corridor.excess_fees if profile.above_cap else corridor.capped_fees
    first = j.offer + 1
    last = j.departed - 2
    payee_refs = {
        "origin": j.origin_agency,
        "sub": j.sub_agent,
        "destination": corridor.destination_agency,
        "": "",
    }
    if profile.borrows:
        _loan(j, first)
    for fee in schedule:
        payee = payee_refs[fee.payee]
        if fee.payee and not payee:
            continue  # no village agent in this worker's chain
        day = uniform(rng, min(first + 2, last), last)
        amount = stepped(rng, fee.low, fee.high, fee.step)
        _fee_events(j, fee, payee, day, amount)


def _fee_events(j: Journey, fee: Fee, payee: str, day: int, amount: int) -> None:
    rng = j.rng
    currency = fee.currency or j.corridor.origin.currency
    base: Record = {"currency": currency}
    if payee:
        base["paid_to_ref"] = payee
    base["paid_to_role"] = fee.paid_to_role
    base["purpose"] = fee.purpose
    j.fees.append((amount * 100, currency))
    if j.profile.above_cap and fee.purpose == "service_fee" and rng.random() < 0.5:
        # The agency's receipt shows a lawful-looking tenth; the rest was paid in cash.
        official = amount // 10 // fee.step * fee.step or fee.step
        j.add(
            day,
            "fee_paid",
            "recruiter",
            {"kind": "receipt", "sha256": sha(rng)},
            {"amount": money(official * 100, currency), **base},
        )
        amount -= official
        evidence = _TESTIMONY
    else:
        evidence = _RECEIPT if rng.random() < 0.6 else _TESTIMONY
    seq = j.add(
        day, "fee_paid", "worker", evidence, {"amount": money(amount * 100, currency), **base}
    )
    if j.profile.correction and not j.corrected and rng.random() < 0.4:
        # An NGO case worker restates the amount after interviewing the worker.
        j.corrected = True
        restated = amount + stepped(rng, fee.step, max(fee.step, amount // 3), fee.step)
        j.add(
            day,
            "fee_paid",
            "ngo",
            _TESTIMONY,
            {"amount": money(restated * 100, currency), **base},
            supersedes=seq,
        )
        j.fees[-1] = (j.fees[-1][0] - amount * 100 + restated * 100, currency)


def _loan(j: Journey, day: int) -> None:
    rng, loan, profile = j.rng, j.corridor.loan, j.profile
    currency = loan.currency or j.corridor.origin.currency
    amount = stepped(rng, loan.low, loan.high, loan.step)
    data: Record = {"amount": money(amount * 100, currency), "currency": currency}
    if profile.usurious or (loan.lender_ref and rng.random() < 0.5):
        if loan.lender_ref:
            data["lender_ref"] = loan.lender_ref
        data["lender_role"] = "moneylender"
        interest = uniform(rng, 40, 60) if profile.usurious else uniform(rng, 18, 36)
        data["annual_interest_pct"] = str(interest)
    else:
        role = ("bank", "cooperative", "family", "recruiter")[int(rng.random() * 4)]
        data["lender_role"] = role
        if role == "recruiter":
            data["lender_ref"] = j.origin_agency
        if role != "family":
            data["annual_interest_pct"] = str(uniform(rng, 12, 24))
    data["purpose"] = "recruitment"
    if loan.collateral:
        data["collateral"] = loan.collateral
    j.add(day, "loan_taken", "worker", _TESTIMONY, data)


# --- travel, arrival, documents ------------------------------------------------------------


def travel_and_arrive(j: Journey) -> None:
    """Departure, arrival, the on-arrival contract (sometimes substituted), the passport."""
    rng, corridor, profile = j.rng, j.corridor, j.profile
    origin, destination = corridor.origin.country, corridor.destination.country
    j.add(j.departed, "departed", "government", _IMMIGRATION, {"from_country": origin})
    j.add(j.arrival, "arrived", "government", _IMMIGRATION, {"country": destination})
    if profile.substituted or rng.random() < 0.5:
        j.actual_terms = _substitute(j) if profile.substituted else j.terms
        language, understands = _contract_language(j)
        j.add(
            j.arrival + uniform(rng, 1, 10),
            "contract_signed",
            "employer",
            {"kind": "contract_document", "sha256": sha(rng)},
            {
                "stage": "on_arrival",
                "employer_ref": j.employer_ref,
                "site_ref": j.site_ref,
                "language": language,
                "worker_understands_language": understands,
                "copy_given_to_worker": True,
                "terms": j.actual_terms,
            },
        )
    if profile.passport_held:
        _passport(j)


def _substitute(j: Journey) -> Record:
    """A worse contract than the promised one, the way substitution happens in the field."""
    rng, dest, terms = j.rng, j.corridor.destination, j.terms
    worse = dict(terms)
    changes = 0
    if rng.random() < 0.5:
        worse["normal_hours_per_week"] = terms["normal_hours_per_week"] + uniform(rng, 4, 12)
        changes += 1
    if rng.random() < 0.4 and terms["rest_days_per_week"] > 0:
        worse["rest_days_per_week"] = terms["rest_days_per_week"] - 1
        changes += 1
    if terms["housing"] == "free" and dest.country != "HK" and rng.random() < 0.5:
        worse["housing"] = "deducted"
        changes += 1
    if j.profile.underpaid:
        low, high = dest.underpaid_wage
        worse["wage"] = {
            **terms["wage"],
            "amount": money(stepped(rng, low, high, 1_000), dest.currency),
        }
        changes += 1
    if not changes or rng.random() < 0.3:
        worse["job_title"] = j.employer.substituted_title
    return worse


def _passport(j: Journey) -> None:
    rng, profile = j.rng, j.profile
    by_employer = rng.random() < 0.75
    held_by = j.employer_ref if by_employer else j.corridor.destination_agency
    # Without safekeeping: mostly no retrieval and no consent; sometimes "retrievable" on paper
    # only, without the written consent that would make holding it lawful.
    retrievable = profile.safekeeping or rng.random() < 0.2
    day = j.arrival + uniform(rng, 0, 5)
    j.add(
        day,
        "document_held",
        "worker",
        _TESTIMONY if rng.random() < 0.7 else _AUDIT,
        {
            "document": "passport",
            "held_by_ref": held_by,
            "held_by_role": "employer" if by_employer else "recruiter",
            "worker_can_retrieve": retrievable,
            "worker_consented_in_writing": profile.safekeeping,
        },
    )
    if profile.passport_returned:
        back = day + uniform(rng, 30, 300)
        last_day = month_bounds(j.first_month + j.periods - 1)[1] if j.periods else j.arrival
        if back <= min(j.frame.as_of, last_day):
            j.add(back, "document_returned", "worker", _TESTIMONY, {"document": "passport"})
        else:
            profile.passport_returned = False
