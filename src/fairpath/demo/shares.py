"""How often each abuse occurs in the demo data set: one named share per kind, of all workers.

Every share below is the probability that a generated worker shows that pattern. The draws are
made with the worker's own seeded random stream, so the shares are deterministic by seed and
hold on any size of data set (within sampling noise). "Clean" workers are drawn first and get
none of the patterns; the other shares are then drawn among the remaining workers, scaled so
that each share below is a share of *all* workers, as the constant's name says.

The figures are chosen to look like the field, not to measure it. Where a figure leans on a
survey, the survey is named (see also reference/corridor_rules.yaml, recruitment_cost_observations).
"""

from __future__ import annotations

# Workers whose journey has no finding at all: no fees, a contract in their language before
# departure, no documents held, wages paid in full and on time, hours within the law.
CLEAN_SHARE = 0.20

# Workers who paid any recruitment fee or related cost themselves. Surveys find most workers in
# these corridors pay (BBS Cost of Migration Survey 2020: Bangladeshi migrants paid ~2.5x the
# government-fixed rate; KNOMAD-ILO surveys: 1-7 months of earnings).
FEE_PAYER_SHARE = 0.60
# Of all workers: fees paid to recruiters/sub-agents above the origin country's legal cap
# (subset of the fee payers; the rest pay the capped/state amounts only).
FEE_ABOVE_CAP_SHARE = 0.40
# Of all workers: borrowed to pay recruitment costs (subset of the fee payers; BBS 2020: 78 % of
# Bangladeshi migrants borrowed).
RECRUITMENT_LOAN_SHARE = 0.30
# Of the borrowers: loans from moneylenders at usurious interest (> 36 % a year).
USURIOUS_LOAN_FRACTION = 0.45

# A later on-arrival contract worse than the promised terms (lower wage, more hours, fewer rest
# days, housing no longer free, another job title).
SUBSTITUTED_CONTRACT_SHARE = 0.15
# No pre-departure contract at all, or one the worker never got a copy of.
NO_CONTRACT_BEFORE_DEPARTURE_SHARE = 0.10
# A contract written in a language the worker does not read.
CONTRACT_NOT_UNDERSTOOD_SHARE = 0.12

# Passport handed to the employer or recruiter on arrival.
PASSPORT_HELD_SHARE = 0.25
# Of the held passports: lawful safekeeping (written consent, retrievable on request within
# 24 hours; Qatar Law 21/2015 allows this) rather than retention.
PASSPORT_SAFEKEEPING_FRACTION = 0.30
# Of the retained (not safekept) passports: given back later.
PASSPORT_RETURNED_FRACTION = 0.25

# Basic pay below the destination's minimum wage.
UNDERPAID_SHARE = 0.10
# Overtime beyond the destination's legal limit (Hong Kong, which has none for domestic
# workers: every rest day of the month worked instead).
EXCESSIVE_OVERTIME_SHARE = 0.20
# Overtime paid at the plain hourly rate instead of the legal premium.
OVERTIME_UNDERPAID_SHARE = 0.08
# Recruitment fees or placement loans recovered by deduction from wages (ILO C095 Art. 9).
UNLAWFUL_DEDUCTION_SHARE = 0.08
# Some payslips paid weeks after the legal deadline.
LATE_WAGES_SHARE = 0.07
# The last one to three payslips not paid at all.
UNPAID_WAGES_SHARE = 0.03

# Under 18 on the first contract date (IRIS criterion A.3).
UNDERAGE_SHARE = 0.01
# Recruited through an unlicensed sub-agent or an agency whose licence had lapsed.
UNLICENSED_CHAIN_SHARE = 0.15

# Of all workers whose contract ended: final pay or end-of-service benefit not paid.
FINAL_PAY_UNPAID_FRACTION = 0.35
# Contracts ended early (resigned, dismissed, terminated by the employer, repatriated).
EARLY_END_SHARE = 0.08

# Of the fee payers: fees (partly) reimbursed as remedy; of those, confirmed by the worker.
REMEDY_FRACTION = 0.15
REMEDY_CONFIRMED_FRACTION = 0.60
# Of the workers with at least one abuse: a grievance filed.
GRIEVANCE_FRACTION = 0.06
# A correction (an event with `supersedes`): a payslip re-issued, or a fee amount restated.
CORRECTION_SHARE = 0.03
