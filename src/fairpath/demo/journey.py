"""One demo worker and their journey: the worker record and its events.

`build_worker` draws everything for worker number `index` from that worker's own random
stream, so a worker's journey does not depend on how many workers the data set has or on any
other worker; the data set is a pure function of (seed, as-of date, payslip months, size).

The journey follows the field: job offer, pre-departure contract, fees and loans, departure,
arrival, an on-arrival contract (sometimes substituted), passport handed over, monthly
payslips, and for some an ending, remedy, grievance and the way home. Which of these go wrong
is drawn by `profile.draw` from the shares in `shares`.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from fairpath.demo import chain
from fairpath.demo import profile as profiles
from fairpath.demo import shares as s
from fairpath.demo.corridors import USD_RATES, Corridor, pick_corridor
from fairpath.demo.law import Destination
from fairpath.demo.payroll import issue_payslips
from fairpath.demo.people import GRIEVANCE_TEXTS, email, full_name, languages
from fairpath.demo.profile import Profile
from fairpath.demo.recruitment import recruit, travel_and_arrive
from fairpath.demo.timeline import (
    Event,
    Frame,
    Journey,
    Record,
    ceil_div,
    iso,
    money,
    month_bounds,
    uniform,
)

_PAYROLL = {"kind": "payroll_record", "sha256": None}
_TESTIMONY = {"kind": "testimony", "sha256": None}
_BANK = {"kind": "bank_record", "sha256": None}


def build_worker(index: int, rng: random.Random, frame: Frame) -> tuple[Record, list[Event]]:
    """Worker number `index`: its worker record and its events, oldest first."""
    corridor = pick_corridor(rng.random())
    profile = profiles.draw(rng)
    journey = _start(index, rng, frame, corridor, profile)
    _schedule(journey)
    recruit(journey)
    travel_and_arrive(journey)
    issue_payslips(journey)
    _ending(journey)
    _remedy(journey)
    _grievance(journey)
    worker = _worker_record(journey)
    return worker, journey.numbered()


def _start(
    index: int, rng: random.Random, frame: Frame, corridor: Corridor, profile: Profile
) -> Journey:
    employers = corridor.employers
    employer = employers[0]
    if len(employers) > 1:
        pick = rng.random() * sum(e.weight for e in employers)
        for candidate in employers:
            pick -= candidate.weight
            if pick < 0:
                employer = candidate
                break
    if employer.ref:
        employer_ref, site_ref = employer.ref, employer.site_ref
    else:  # a Hong Kong household
        household = chain.household_of(index, frame.households)
        employer_ref = chain.household_ref(household)
        site_ref = chain.household_site_ref(household)
    agencies = corridor.origin_agencies
    origin_agency = agencies[int(rng.random() * len(agencies))]
    sub_agent = ""
    if profile.unlicensed_chain:
        # Through an unregistered village agent, or an agency whose licence has lapsed.
        if corridor.sub_agent and (not corridor.lapsed_agency or rng.random() < 0.65):
            sub_agent = corridor.sub_agent
        else:
            origin_agency = corridor.lapsed_agency
    recruiters = [origin_agency, corridor.destination_agency]
    if sub_agent:
        recruiters.insert(0, sub_agent)
    return Journey(
        rng=rng,
        frame=frame,
        ref=f"w-{index:06d}",
        corridor=corridor,
        profile=profile,
        employer_ref=employer_ref,
        site_ref=site_ref,
        employer=employer,
        recruiters=recruiters,
        sub_agent=sub_agent,
        origin_agency=origin_agency,
        reads=languages(rng, corridor.origin),
    )


def _schedule(j: Journey) -> None:
    """Arrival, departure and offer dates, and how many pay periods the journey has."""
    rng, frame, duration = j.rng, j.frame, j.corridor.contract_months
    if frame.payslip_months is None:
        # Arrivals spread over the 30 months before the as-of date; one payslip per full month.
        j.available = uniform(rng, 1, 30)
        j.periods = min(duration, j.available)
    else:
        j.available = frame.payslip_months + uniform(rng, 0, 2)
        j.periods = frame.payslip_months
    arrival_month = frame.last_month - j.available
    j.first_month = arrival_month + 1
    j.arrival = month_bounds(arrival_month)[0] + uniform(rng, 0, 27)
    j.departed = j.arrival - uniform(rng, 0, 1)
    j.offer = j.arrival - uniform(rng, 45, 150)
    if j.profile.early_end and j.periods > 1 and frame.payslip_months is None:
        j.periods = uniform(rng, 1, j.periods - 1)


# --- after the work ------------------------------------------------------------------------------


def _ending(j: Journey) -> None:
    """A contract that ran its course or ended early; final pay; for most, the way home."""
    rng, profile, dest = j.rng, j.profile, j.corridor.destination
    completed = j.periods >= j.corridor.contract_months
    early = profile.early_end and j.periods < j.available
    if not j.periods or not (completed or early):
        return
    end = j.ended_on
    monthly = dest.monthly(max(j.promised_wage, dest.minimum_on(date.fromordinal(end))))
    data: Record = {"reason": "completed" if completed else _early_reason(rng)}
    if profile.final_pay_unpaid and not profile.clean:
        if rng.random() < 0.5:
            data["final_pay_on"] = None
        else:
            data.update(
                final_pay_on=iso(end + uniform(rng, 1, 7)),
                final_pay_amount=money(monthly, dest.currency),
                end_of_service_paid=money(0, dest.currency),
            )
    else:
        data.update(
            final_pay_on=iso(end + uniform(rng, 1, 7)),
            final_pay_amount=money(monthly, dest.currency),
            end_of_service_paid=money(_end_of_service(dest, monthly, j.periods), dest.currency),
        )
    j.add(end, "contract_ended", "employer", _PAYROLL, data)
    if profile.passport_held and not profile.safekeeping and not profile.passport_returned:
        j.add(end, "document_returned", "worker", _TESTIMONY, {"document": "passport"})
    if rng.random() < 0.75:
        home = min(end + uniform(rng, 3, 25), j.frame.as_of)
        j.add(home, "returned_home", "worker", _TESTIMONY, {"country": j.corridor.origin.country})


def _early_reason(rng: random.Random) -> str:
    u = rng.random()
    if u < 0.35:
        return "resigned"
    if u < 0.65:
        return "terminated_early_by_employer"
    if u < 0.8:
        return "dismissed"
    return "repatriated"


def _end_of_service(dest: Destination, monthly: int, months: int) -> int:
    """A generous end-of-service payment, above every reading of the destination's law."""
    if dest.end_of_service_lump_days:
        if months < 4:
            return 0
        days = dest.end_of_service_lump_days if months >= 12 else 30
        daily = monthly // 26  # Thailand: the law's daily rate
        return daily * days
    return ceil_div(monthly * dest.end_of_service_days_per_year * months, 30 * 12)


def _remedy(j: Journey) -> None:
    """Fees (or wages) paid back to the worker, as a brand's remediation programme does."""
    rng, dest = j.rng, j.corridor.destination
    day = j.arrival + uniform(rng, 120, 540)
    if day > j.frame.as_of:
        return
    covers, owed = "", 0
    if j.fees and rng.random() < s.REMEDY_FRACTION:
        covers, owed = "recruitment_fees", _in_destination_currency(j.fees, dest.currency)
    elif j.wage_shortfall and rng.random() < s.REMEDY_FRACTION:
        covers, owed = "wages", j.wage_shortfall
    if not owed:
        return
    # Sometimes all of it, often part of it (rounded down to whole units).
    share = 100 if rng.random() < 0.5 else uniform(rng, 40, 90)
    amount = owed * share // 100 // 100 * 100
    if amount <= 0:
        return
    j.add(
        day,
        "remedy_paid",
        "employer",
        _BANK,
        {
            "amount": money(amount, dest.currency),
            "currency": dest.currency,
            "covers": covers,
            "confirmed_by_worker": rng.random() < s.REMEDY_CONFIRMED_FRACTION,
        },
    )


def _in_destination_currency(fees: list[tuple[int, str]], currency: str) -> int:
    """Fees in hundredths of `currency`, converted through the US dollar (rules.md)."""
    target = Decimal(USD_RATES[currency])
    total = sum(
        (Decimal(amount) / Decimal(USD_RATES[fee_currency]) for amount, fee_currency in fees),
        Decimal(0),
    )
    return int((total * target).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


_CHANNELS = (
    ("whatsapp", 0.35),
    ("hotline", 0.55),
    ("web", 0.70),
    ("sms", 0.80),
    ("in_person", 0.95),
    ("voice", 1.0),
)


def _grievance(j: Journey) -> None:
    rng, profile = j.rng, j.profile
    if not profiles.has_abuse(profile) or rng.random() >= s.GRIEVANCE_FRACTION:
        return
    categories = []
    if profile.pays_fees:
        categories.append("recruitment_fees")
    if profile.passport_held and not profile.safekeeping:
        categories.append("document_retention")
    if profile.underpaid or profile.unpaid_wages or profile.late_wages:
        categories.append("wages")
    if profile.excessive_overtime:
        categories.append("working_hours")
    if profile.substituted or not categories:
        categories.append("contract")
    category = categories[int(rng.random() * len(categories))]
    texts = GRIEVANCE_TEXTS[category]
    text = texts.get(j.reads[0], texts["en"]) if rng.random() < 0.7 else texts["en"]
    u = rng.random()
    channel = next(name for name, bound in _CHANNELS if u < bound)
    day = min(j.arrival + uniform(rng, 20, 400), j.frame.as_of)
    j.add(
        day,
        "grievance_filed",
        "ngo" if channel == "in_person" else "worker",
        _TESTIMONY,
        {
            "channel": channel,
            "category": category,
            "anonymous": rng.random() < 0.3,
            "pii": {"text": text},
        },
    )


# --- records -------------------------------------------------------------------------------------


def _worker_record(j: Journey) -> Record:
    rng, corridor, profile = j.rng, j.corridor, j.profile
    female = rng.random() >= corridor.male_share
    if profile.underage:
        # 16 or 17 on the first contract (or departure) date.
        birth = j.first_contract - uniform(rng, 16 * 365 + 5, 18 * 365 - 5)
    else:
        low, high = corridor.age_range
        birth = j.offer - uniform(rng, low * 365 + 5, high * 365 + 360)
    name = full_name(rng, corridor.origin, female=female)
    born = date.fromordinal(birth)
    return {
        "kind": "worker",
        "ref": j.ref,
        "origin_country": corridor.origin.country,
        "destination_country": corridor.destination.country,
        "sector": corridor.sector,
        "employer_ref": j.employer_ref,
        "site_ref": j.site_ref,
        "recruiter_refs": j.recruiters,
        "gender": "female" if female else "male",
        "birth_year": born.year,
        "languages": j.reads,
        "pii": {
            "full_name": name,
            "birth_date": born.isoformat(),
            "passport_number": corridor.origin.passport(rng),
            "phone": corridor.origin.phone(rng),
            "email": email(rng, name) if rng.random() < 0.2 else None,
        },
    }
