"""Rules on terms and deception: CONTRACT_SUBSTITUTION, NO_CONTRACT_BEFORE_DEPARTURE,
CONTRACT_NOT_UNDERSTOOD (spec/rules.md "Terms and deception"; ILO indicator FL02 deception,
IRIS principle 3 transparency of terms)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fairpath.domain.codes import primary_language
from fairpath.domain.journey import ContractStage, EventType, Provision, Terms
from fairpath.domain.rules.arithmetic import fmt, hourly_rate, monthly_wage
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note, Severity
from fairpath.domain.rules.journey import PromisedTerms

CONTRACT_SUBSTITUTION = "CONTRACT_SUBSTITUTION"
NO_CONTRACT_BEFORE_DEPARTURE = "NO_CONTRACT_BEFORE_DEPARTURE"
CONTRACT_NOT_UNDERSTOOD = "CONTRACT_NOT_UNDERSTOOD"

_WORSE_PROVISION = (Provision.DEDUCTED, Provision.NONE)


def _title(text: str) -> str:
    return " ".join(text.casefold().split())


def check_contract_substitution(ctx: RuleContext) -> Iterator[Finding | Note]:
    promised = ctx.promised()
    if promised is None:
        return
    later = [
        c
        for c in ctx.journey.contracts(ContractStage.ON_ARRIVAL, ContractStage.RENEWAL)
        if c.ref != promised.event_ref and c.date >= promised.event_date
    ]
    for contract in later:
        changes, notes, rate_notes = _worse_terms(ctx, promised, contract)
        yield from notes
        if not changes:
            continue
        stage = "on arrival" if contract.data.stage is ContractStage.ON_ARRIVAL else "on renewal"
        yield Finding(
            rule_id=CONTRACT_SUBSTITUTION,
            worker_ref=ctx.worker_ref,
            severity=Severity.HIGH,
            ilo_indicators=("FL02",),
            iris_principles=("IRIS-3",),
            evidence=(promised.event_ref, contract.ref),
            message=(
                f"The contract signed {stage} on {contract.date.isoformat()} is worse than the "
                f"terms promised ({promised.stage.replace('_', '-')}, "
                f"{promised.event_date.isoformat()}): {'; '.join(changes)}. Substituting a "
                "contract is deception (ILO indicator FL02; IRIS principle 3); wage shortfalls "
                "are owed against the promised terms."
            ),
            rate_notes=tuple(rate_notes),
        )


def _worse_terms(
    ctx: RuleContext, promised: PromisedTerms, contract: Any
) -> tuple[list[str], list[Note], list[str]]:
    old: Terms = promised.terms
    new: Terms = contract.data.terms
    changes: list[str] = []
    notes: list[Note] = []
    rate_notes: list[str] = []
    old_rate = ctx.to_dest(monthly_wage(old), old.wage.currency, contract.date)
    new_rate = ctx.to_dest(monthly_wage(new), new.wage.currency, contract.date)
    if old_rate.amount is None or new_rate.amount is None:
        missing = old_rate.missing or new_rate.missing
        notes.append(
            ctx.insufficient(
                CONTRACT_SUBSTITUTION,
                f"the hourly rates cannot be compared: {missing}",
                [promised.event_ref, contract.ref],
            )
        )
    else:
        rate_notes += [n for n in (old_rate.note, new_rate.note) if n]
        before = hourly_rate(old_rate.amount, old.normal_hours_per_week)
        after = hourly_rate(new_rate.amount, new.normal_hours_per_week)
        if after < before:
            ccy = ctx.currency or new.wage.currency
            changes.append(f"hourly rate {fmt(after, ccy)} instead of {fmt(before, ccy)}")
    if new.normal_hours_per_week > old.normal_hours_per_week:
        changes.append(
            f"{new.normal_hours_per_week} normal hours a week instead of "
            f"{old.normal_hours_per_week}"
        )
    if new.rest_days_per_week < old.rest_days_per_week:
        changes.append(
            f"{new.rest_days_per_week} rest days a week instead of {old.rest_days_per_week}"
        )
    if new.overtime_multiplier < old.overtime_multiplier:
        changes.append(
            f"overtime at {new.overtime_multiplier}x instead of {old.overtime_multiplier}x"
        )
    if new.duration_months > old.duration_months:
        changes.append(f"{new.duration_months} months instead of {old.duration_months}")
    for what, before_p, after_p in (
        ("housing", old.housing, new.housing),
        ("food", old.food, new.food),
    ):
        if before_p is Provision.FREE and after_p in _WORSE_PROVISION:
            changes.append(f"{what} {after_p.value} instead of free")
    if contract.data.employer_ref != promised.employer_ref:
        changes.append(f"employer {contract.data.employer_ref} instead of {promised.employer_ref}")
    if _title(new.job_title) != _title(old.job_title):
        changes.append(f"job '{new.job_title}' instead of '{old.job_title}'")
    return changes, notes, rate_notes


def check_no_contract_before_departure(ctx: RuleContext) -> Iterator[Finding | Note]:
    departures = ctx.journey.of_type(EventType.DEPARTED)
    if not departures:
        return
    departed = departures[0]
    pre = ctx.journey.contracts(ContractStage.PRE_DEPARTURE)
    given = [c for c in pre if c.data.copy_given_to_worker and c.date <= departed.date]
    if given:
        return
    detail = (
        "the pre-departure contract was not given to the worker before leaving"
        if pre
        else "no pre-departure contract is recorded"
    )
    yield Finding(
        rule_id=NO_CONTRACT_BEFORE_DEPARTURE,
        worker_ref=ctx.worker_ref,
        severity=Severity.MEDIUM,
        ilo_indicators=("FL02",),
        iris_principles=("IRIS-3",),
        evidence=(departed.ref, *(c.ref for c in pre)),
        message=(
            f"The worker left {ctx.country_name(departed.data.from_country)} on "
            f"{departed.date.isoformat()} without a copy of a written contract: {detail}. "
            "Workers must receive their contract before departure (IRIS principle 3)."
        ),
    )


def check_contract_not_understood(ctx: RuleContext) -> Iterator[Finding | Note]:
    known = {primary_language(tag) for tag in ctx.journey.worker.languages}
    for contract in ctx.journey.contracts():
        data = contract.data
        reasons = []
        if not data.worker_understands_language:
            reasons.append("the worker does not understand its language")
        if known and primary_language(data.language) not in known:
            reasons.append(
                f"it is written in '{data.language}', which is not among the languages the "
                f"worker reads ({', '.join(ctx.journey.worker.languages)})"
            )
        elif not known and data.worker_understands_language:
            yield ctx.insufficient(
                CONTRACT_NOT_UNDERSTOOD,
                "the worker's languages are not recorded, so the contract's language "
                f"'{data.language}' cannot be checked",
                [contract.ref],
            )
        if not reasons:
            continue
        yield Finding(
            rule_id=CONTRACT_NOT_UNDERSTOOD,
            worker_ref=ctx.worker_ref,
            severity=Severity.MEDIUM,
            ilo_indicators=("FL02",),
            iris_principles=("IRIS-3",),
            evidence=(contract.ref,),
            message=(
                f"The {data.stage.value.replace('_', '-')} contract of "
                f"{contract.date.isoformat()} cannot be understood by the worker: "
                f"{'; '.join(reasons)}. Terms must be in a language the worker understands "
                "(IRIS principle 3)."
            ),
        )
