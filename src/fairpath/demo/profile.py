"""Which abuses one demo worker meets: drawn once per worker from the shares in `shares`."""

from __future__ import annotations

import random
from dataclasses import dataclass

from fairpath.demo import shares as s

# Shares are of all workers; clean workers get none, so the rest draw at share / (1 - clean).
_SCALE = 1.0 / (1.0 - s.CLEAN_SHARE)


@dataclass(slots=True)
class Profile:
    """The patterns of one worker's journey (no field set: a clean worker)."""

    clean: bool = False
    pays_fees: bool = False
    above_cap: bool = False
    borrows: bool = False
    usurious: bool = False
    unlicensed_chain: bool = False
    substituted: bool = False
    no_contract: bool = False
    not_understood: bool = False
    passport_held: bool = False
    safekeeping: bool = False
    passport_returned: bool = False
    underpaid: bool = False
    excessive_overtime: bool = False
    overtime_underpaid: bool = False
    unlawful_deduction: bool = False
    late_wages: bool = False
    unpaid_wages: bool = False
    underage: bool = False
    early_end: bool = False
    final_pay_unpaid: bool = False
    correction: bool = False


def draw(rng: random.Random) -> Profile:
    """One worker's patterns. The number of draws is fixed, so later draws stay aligned."""
    u = [rng.random() for _ in range(22)]
    profile = Profile()
    profile.correction = u[21] < s.CORRECTION_SHARE  # clean workers' records get corrected too
    if u[0] < s.CLEAN_SHARE:
        profile.clean = True
        return profile
    # One draw for fees: above the cap ⊂ fee payers.
    profile.above_cap = u[1] < s.FEE_ABOVE_CAP_SHARE * _SCALE
    profile.pays_fees = u[1] < s.FEE_PAYER_SHARE * _SCALE
    profile.borrows = profile.pays_fees and u[2] < s.RECRUITMENT_LOAN_SHARE / s.FEE_PAYER_SHARE
    profile.usurious = profile.borrows and u[3] < s.USURIOUS_LOAN_FRACTION
    profile.unlicensed_chain = u[4] < s.UNLICENSED_CHAIN_SHARE * _SCALE
    profile.substituted = u[5] < s.SUBSTITUTED_CONTRACT_SHARE * _SCALE
    profile.no_contract = u[6] < s.NO_CONTRACT_BEFORE_DEPARTURE_SHARE * _SCALE
    profile.not_understood = u[7] < s.CONTRACT_NOT_UNDERSTOOD_SHARE * _SCALE
    profile.passport_held = u[8] < s.PASSPORT_HELD_SHARE * _SCALE
    profile.safekeeping = profile.passport_held and u[9] < s.PASSPORT_SAFEKEEPING_FRACTION
    profile.passport_returned = (
        profile.passport_held and not profile.safekeeping and u[10] < s.PASSPORT_RETURNED_FRACTION
    )
    profile.underpaid = u[11] < s.UNDERPAID_SHARE * _SCALE
    profile.excessive_overtime = u[12] < s.EXCESSIVE_OVERTIME_SHARE * _SCALE
    profile.overtime_underpaid = u[13] < s.OVERTIME_UNDERPAID_SHARE * _SCALE
    profile.unlawful_deduction = u[14] < s.UNLAWFUL_DEDUCTION_SHARE * _SCALE
    profile.late_wages = u[15] < s.LATE_WAGES_SHARE * _SCALE
    profile.unpaid_wages = u[16] < s.UNPAID_WAGES_SHARE * _SCALE
    profile.underage = u[17] < s.UNDERAGE_SHARE * _SCALE
    profile.early_end = u[18] < s.EARLY_END_SHARE * _SCALE
    profile.final_pay_unpaid = u[19] < s.FINAL_PAY_UNPAID_FRACTION
    return profile


def has_abuse(profile: Profile) -> bool:
    """True when the worker meets at least one pattern a rule turns into a finding."""
    return not profile.clean and (
        profile.pays_fees
        or profile.unlicensed_chain
        or profile.substituted
        or profile.no_contract
        or profile.not_understood
        or (profile.passport_held and not profile.safekeeping)
        or profile.underpaid
        or profile.excessive_overtime
        or profile.overtime_underpaid
        or profile.unlawful_deduction
        or profile.late_wages
        or profile.unpaid_wages
        or profile.underage
    )
