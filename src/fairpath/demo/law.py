"""The destination-country figures the demo generator pays and schedules by.

A compliant demo employer pays at least the minimum wage in force, keeps overtime inside the
legal limit and pays it at the legal premium, and pays within the legal deadline; an abusive
one does not. The figures are copied from shared/reference (corridor_rules.yaml and
wage_rules.yaml, themselves cited to their sources) and the source is named beside each one.

Where a law is unclear or varies (Thai provincial minimum wages, Taiwan's two-step overtime
premium), the compliant employer takes the *highest* reading, so a "clean" demo worker stays
clean under any reading the rule engine takes; abusive figures are set well below the *lowest*
reading, so an abuse shows under any reading too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Destination:
    """One destination's pay and hours figures; money in hundredths of the currency unit."""

    country: str
    currency: str
    wage_per: str  # "month" or "day": how the law and contracts state the wage
    # (effective_from, minimum wage per `wage_per` in hundredths), oldest first. A period before
    # the first date is held to the first figure (a compliant employer pays at least that).
    minimum_wage: tuple[tuple[date, int], ...]
    normal_hours_per_week: int
    rest_days_per_week: int
    overtime_multiplier: str  # as written in the contract
    overtime_paid_at: tuple[int, int]  # the factor a compliant employer pays, as a fraction
    overtime_usual: tuple[int, int]  # monthly overtime hours inside the legal limit
    overtime_excessive: tuple[int, int]  # monthly overtime hours beyond the legal limit
    pay_within_days: int  # a compliant employer pays this many days after the period at most
    contract_languages: tuple[str, ...]  # languages the employer's own contract is written in
    underpaid_wage: tuple[int, int]  # per `wage_per`, hundredths: below any reading of the law
    # End of service: a compliant employer pays this many days' wage per year of service (or the
    # lump sum of `lump_days` for Thailand's banded severance), whatever the ending reason.
    end_of_service_days_per_year: int
    end_of_service_lump_days: int = 0

    def monthly(self, wage: int) -> int:
        """The monthly wage for a wage stated per `wage_per` (spec/rules.md: day × 26)."""
        return wage * 26 if self.wage_per == "day" else wage

    def minimum_on(self, day: date) -> int:
        """The minimum wage per `wage_per` in force on `day` (hundredths)."""
        amount = self.minimum_wage[0][1]
        for effective_from, value in self.minimum_wage:
            if effective_from <= day:
                amount = value
        return amount


MALAYSIA = Destination(
    country="MY",
    currency="MYR",
    wage_per="month",
    # Minimum Wages Order 2024: RM 1,700/month from 2025-02-01 (corridor_rules.yaml MY).
    minimum_wage=((date(2025, 2, 1), 170_000),),
    # Employment (Amendment) Act 2022: 45 h/week; Employment Act s.59: one rest day a week.
    normal_hours_per_week=45,
    rest_days_per_week=1,
    # Overtime 1.5x; at most 104 overtime hours a month (corridor_rules.yaml MY overtime).
    overtime_multiplier="1.5",
    overtime_paid_at=(3, 2),
    overtime_usual=(40, 100),
    overtime_excessive=(115, 170),
    # Employment Act s.19: wages paid within 7 days after the wage period (wage_rules.yaml MY).
    pay_within_days=7,
    contract_languages=("ms", "en"),
    underpaid_wage=(110_000, 145_000),
    # Employment Act: 10-20 days' wages per year of service (wage_rules.yaml MY); we pay 30.
    end_of_service_days_per_year=30,
)

QATAR = Destination(
    country="QA",
    currency="QAR",
    wage_per="month",
    # Law No. 17 of 2020: QAR 1,000 basic from 2021-03-20, plus QAR 500 housing and QAR 300
    # food unless provided; demo employers provide both (corridor_rules.yaml QA).
    minimum_wage=((date(2021, 3, 20), 100_000),),
    # Labour Law 14/2004 Art. 73: 48 h/week; Art. 75: one rest day; Art. 74: overtime +25 %,
    # at most 10 h a day in all, i.e. about 2 h x 26 days = 52 overtime hours a month.
    normal_hours_per_week=48,
    rest_days_per_week=1,
    overtime_multiplier="1.25",
    overtime_paid_at=(5, 4),
    overtime_usual=(20, 48),
    overtime_excessive=(65, 110),
    # WPS: paid within 7 days of the due date (wage_rules.yaml QA).
    pay_within_days=7,
    contract_languages=("ar", "en"),
    underpaid_wage=(70_000, 90_000),
    # Labour Law 14/2004: at least three weeks' wage per year of service (wage_rules.yaml QA);
    # we pay 30 days.
    end_of_service_days_per_year=30,
)

TAIWAN = Destination(
    country="TW",
    currency="TWD",
    wage_per="month",
    # NT$28,590/month from 2025-01-01, NT$29,500 from 2026-01-01 (corridor_rules.yaml TW).
    minimum_wage=((date(2025, 1, 1), 2_859_000), (date(2026, 1, 1), 2_950_000)),
    # LSA: 8 h/day, 40 h/week, two days off in seven (Art. 36); overtime at most 54 h/month;
    # premium x4/3 for the first 2 h and x5/3 for the next 2 h: compliant employers pay 5/3.
    normal_hours_per_week=40,
    rest_days_per_week=2,
    overtime_multiplier="1.34",
    overtime_paid_at=(5, 3),
    overtime_usual=(16, 46),
    overtime_excessive=(60, 100),
    # No statutory grace period found (wage_rules.yaml TW); demo employers pay by the 10th.
    pay_within_days=10,
    contract_languages=("zh", "en"),
    underpaid_wage=(2_200_000, 2_600_000),
    # LSA Art. 17: one month's average wage per year of service on termination; we pay 30 days.
    end_of_service_days_per_year=30,
)

HONG_KONG = Destination(
    country="HK",
    currency="HKD",
    wage_per="month",
    # Minimum Allowable Wage for foreign domestic helpers: HK$4,870 (2023-09-30), HK$4,990
    # (2024-09-28), HK$5,100 (2025-09-30) (corridor_rules.yaml HK).
    minimum_wage=(
        (date(2023, 9, 30), 487_000),
        (date(2024, 9, 28), 499_000),
        (date(2025, 9, 30), 510_000),
    ),
    # No statutory hours limit for domestic helpers (corridor_rules.yaml HK: null); the live-in
    # working week below is the contract's, not the law's. One rest day in every 7 (EO).
    normal_hours_per_week=60,
    rest_days_per_week=1,
    overtime_multiplier="1.0",
    overtime_paid_at=(1, 1),
    overtime_usual=(0, 0),
    overtime_excessive=(0, 0),  # the abuse in Hong Kong is working every rest day instead
    # EO: wages paid not later than 7 days after the end of the wage period (wage_rules.yaml HK).
    pay_within_days=7,
    contract_languages=("en", "zh"),
    underpaid_wage=(350_000, 450_000),
    # Severance only after 24 months (2/3 month per year); we pay a month per year.
    end_of_service_days_per_year=30,
)

THAILAND = Destination(
    country="TH",
    currency="THB",
    wage_per="day",
    # THB 337-400/day by province from 2025-01-01; 400 in Bangkok from 2025-07-01
    # (corridor_rules.yaml TH). Samut Sakhon's rate is 372; compliant demo employers pay 400,
    # the top of the range, so they are compliant under any province's figure.
    minimum_wage=((date(2025, 1, 1), 40_000),),
    # Labour Protection Act: 48 h/week, one rest day a week (s.28); overtime 1.5x, at most
    # 36 h/week (about 156 h/month) (corridor_rules.yaml TH).
    normal_hours_per_week=48,
    rest_days_per_week=1,
    overtime_multiplier="1.5",
    overtime_paid_at=(3, 2),
    overtime_usual=(30, 90),
    overtime_excessive=(170, 240),
    # No numeric grace period in the text seen (wage_rules.yaml TH); demo employers pay in 7 days.
    pay_within_days=7,
    contract_languages=("th",),
    underpaid_wage=(28_000, 33_000),  # below THB 337, the lowest provincial rate
    # LPA s.118 severance is a lump sum by band: 90 days' wage for 1-3 years (wage_rules.yaml TH).
    end_of_service_days_per_year=0,
    end_of_service_lump_days=90,
)


BY_COUNTRY: dict[str, Destination] = {
    d.country: d for d in (MALAYSIA, QATAR, TAIWAN, HONG_KONG, THAILAND)
}
