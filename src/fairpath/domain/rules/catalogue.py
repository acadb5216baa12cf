"""The rule catalogue (spec/rules.md, version 1): every rule id with its metadata and check.

The ids are stable — reports, exports and APIs use them. docs/rules.md has one section per id
(a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from fairpath.domain.rules import documents, fees, hours, terms, wages
from fairpath.domain.rules.context import RuleContext
from fairpath.domain.rules.findings import Finding, Note

Check = Callable[[RuleContext], Iterable[Finding | Note]]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: str
    family: str
    title: str
    severity: str  # the severity logic, in words
    ilo_indicators: tuple[str, ...]
    iris_principles: tuple[str, ...]
    legal_basis: str
    remedy: str  # the remedy arithmetic, in words
    check: Check


_RULES = (
    RuleInfo(
        id=fees.FEE_PAID_BY_WORKER,
        family="fees",
        title="Recruitment fees paid by the worker",
        severity="medium below 1 month of wages; high from 1 month; critical from 3 months",
        ilo_indicators=("FL09",),
        iris_principles=("IRIS-1",),
        legal_basis="Employer Pays Principle: ILO General principles and operational guidelines "
        "for fair recruitment (2019); ILO C181 Art. 7; IRIS principle 1",
        remedy="every fee paid, converted to the destination currency at its own date's rate, "
        "summed, rounded half-even",
        check=fees.check_fee_paid_by_worker,
    ),
    RuleInfo(
        id=fees.FEE_ABOVE_LEGAL_CAP,
        family="fees",
        title="Fees above the origin country's cap or in breach of a ban",
        severity="high",
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        legal_basis="origin-country fee caps (e.g. Nepal 'Free Visa, Free Ticket') and "
        "destination bans on worker-paid fees (law tables)",
        remedy="none separately: the excess is inside FEE_PAID_BY_WORKER's amount",
        check=fees.check_fee_above_legal_cap,
    ),
    RuleInfo(
        id=fees.RECRUITMENT_DEBT,
        family="fees",
        title="Debt taken on for recruitment",
        severity="high from 1 month of wages; critical from 3 months or interest above 36 % a year",
        ilo_indicators=("FL09",),
        iris_principles=("IRIS-1",),
        legal_basis="ILO forced-labour indicator FL09 (debt bondage); IRIS principle 1",
        remedy="none separately",
        check=fees.check_recruitment_debt,
    ),
    RuleInfo(
        id=terms.CONTRACT_SUBSTITUTION,
        family="terms",
        title="Contract substituted with worse terms",
        severity="high",
        ilo_indicators=("FL02",),
        iris_principles=("IRIS-3",),
        legal_basis="ILO indicator FL02 (deception); IRIS principle 3",
        remedy="none separately: shortfalls are owed through the wage rules against the "
        "promised terms",
        check=terms.check_contract_substitution,
    ),
    RuleInfo(
        id=terms.NO_CONTRACT_BEFORE_DEPARTURE,
        family="terms",
        title="No written contract before departure",
        severity="medium",
        ilo_indicators=("FL02",),
        iris_principles=("IRIS-3",),
        legal_basis="IRIS principle 3 (transparency of terms)",
        remedy="none",
        check=terms.check_no_contract_before_departure,
    ),
    RuleInfo(
        id=terms.CONTRACT_NOT_UNDERSTOOD,
        family="terms",
        title="Contract in a language the worker does not understand",
        severity="medium",
        ilo_indicators=("FL02",),
        iris_principles=("IRIS-3",),
        legal_basis="IRIS principle 3 (transparency of terms)",
        remedy="none",
        check=terms.check_contract_not_understood,
    ),
    RuleInfo(
        id=wages.BELOW_MINIMUM_WAGE,
        family="wages",
        title="Basic pay below the minimum wage",
        severity="high",
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        legal_basis="the destination's minimum wage in force at period_end (law tables)",
        remedy="minimum wage pro-rated to the period minus basic pay",
        check=wages.check_below_minimum_wage,
    ),
    RuleInfo(
        id=wages.BELOW_PROMISED_WAGE,
        family="wages",
        title="Basic pay below the promised wage",
        severity="high",
        ilo_indicators=("FL02",),
        iris_principles=("IRIS-3",),
        legal_basis="the promised terms (ILO indicator FL02, deception)",
        remedy="promised monthly wage × period months minus the larger of basic pay and the "
        "minimum wage due",
        check=wages.check_below_promised_wage,
    ),
    RuleInfo(
        id=wages.OVERTIME_UNDERPAID,
        family="wages",
        title="Overtime paid below the legal or promised premium",
        severity="medium",
        ilo_indicators=("FL08",),
        iris_principles=("IRIS-A",),
        legal_basis="the destination's overtime premium (law tables) or the promised one, "
        "whichever is higher",
        remedy="overtime hours × promised hourly rate × max(legal, promised multiplier) minus "
        "overtime pay",
        check=wages.check_overtime_underpaid,
    ),
    RuleInfo(
        id=wages.UNLAWFUL_DEDUCTION,
        family="wages",
        title="Unlawful deductions from wages",
        severity="high",
        ilo_indicators=("FL08", "FL09"),
        iris_principles=("IRIS-1",),
        legal_basis="ILO C095 Art. 9; destination bans on fines and caps on deductions "
        "(law tables)",
        remedy="the unlawful deductions (less what FEE_PAID_BY_WORKER already owes) plus the "
        "excess of the other deductions over the cap",
        check=wages.check_unlawful_deduction,
    ),
    RuleInfo(
        id=wages.WAGES_WITHHELD,
        family="wages",
        title="Wages paid late, short or not at all",
        severity="high; critical when unpaid past the deadline",
        ilo_indicators=("FL08",),
        iris_principles=(),
        legal_basis="the destination's wage-payment deadline (law tables)",
        remedy="net pay minus what was paid",
        check=wages.check_wages_withheld,
    ),
    RuleInfo(
        id=wages.FINAL_SETTLEMENT_UNPAID,
        family="wages",
        title="Final pay or end-of-service benefit not paid",
        severity="high",
        ilo_indicators=("FL08",),
        iris_principles=(),
        legal_basis="the destination's final-settlement deadline and end-of-service formula "
        "(law tables)",
        remedy="end-of-service benefit due for the service length minus end_of_service_paid",
        check=wages.check_final_settlement_unpaid,
    ),
    RuleInfo(
        id=hours.EXCESSIVE_OVERTIME,
        family="hours",
        title="Overtime above the legal limit",
        severity="medium; high above 1.5 × the limit",
        ilo_indicators=("FL11",),
        iris_principles=(),
        legal_basis="the destination's overtime limits (law tables)",
        remedy="none",
        check=hours.check_excessive_overtime,
    ),
    RuleInfo(
        id=hours.NO_WEEKLY_REST,
        family="hours",
        title="No weekly rest day",
        severity="medium",
        ilo_indicators=("FL11", "FL10"),
        iris_principles=(),
        legal_basis="the destination's weekly rest days (law tables) and the promised terms",
        remedy="none",
        check=hours.check_no_weekly_rest,
    ),
    RuleInfo(
        id=documents.DOCUMENT_RETAINED,
        family="documents",
        title="Identity documents retained",
        severity="high; critical for a passport the worker cannot retrieve",
        ilo_indicators=("FL07", "FL03"),
        iris_principles=("IRIS-2",),
        legal_basis="ILO indicator FL07; destination passport laws (law tables); IRIS principle 2",
        remedy="none",
        check=documents.check_document_retained,
    ),
    RuleInfo(
        id=documents.UNDERAGE_RECRUITMENT,
        family="documents",
        title="Worker recruited under 18",
        severity="critical",
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        legal_basis="IRIS criterion A.3",
        remedy="none",
        check=documents.check_underage_recruitment,
    ),
    RuleInfo(
        id=documents.UNLICENSED_RECRUITER,
        family="documents",
        title="Recruiter without a valid licence",
        severity="high",
        ilo_indicators=(),
        iris_principles=("IRIS-A",),
        legal_basis="IRIS criterion A.1",
        remedy="none",
        check=documents.check_unlicensed_recruiter,
    ),
)

#: Every rule of spec/rules.md by id, in the spec's order.
CATALOGUE: Mapping[str, RuleInfo] = {rule.id: rule for rule in _RULES}
