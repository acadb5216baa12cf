"""The migration corridors of the demo data set and what recruitment costs in each.

A corridor is origin → destination → sector, with its employers, its recruiter chain and its
fees. Two fee schedules per corridor: `capped_fees` is what a worker pays when the recruiter
keeps to the origin country's law (still a finding under the Employer Pays Principle), and
`excess_fees` what a worker pays when the recruiter charges far above the cap, as surveys
report. Amounts are whole units of the origin currency (ranges drawn uniformly, rounded to
`step`); legal caps are cited from shared/reference/corridor_rules.yaml, observed costs from its
`recruitment_cost_observations` or named where they come from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairpath.demo import chain
from fairpath.demo.law import HONG_KONG, MALAYSIA, QATAR, TAIWAN, THAILAND, Destination
from fairpath.demo.people import (
    BANGLADESH,
    INDONESIA,
    MYANMAR,
    NEPAL,
    PHILIPPINES,
    VIET_NAM,
    Origin,
)


@dataclass(frozen=True, slots=True)
class Fee:
    """One recruitment cost a worker pays before departure."""

    purpose: str  # journey-format FeePaid.purpose
    paid_to_role: str
    payee: str  # "origin" agency, "sub" agent, "destination" agency, or "" (no ref: state, clinic)
    low: int
    high: int
    step: int
    currency: str = ""  # empty: the origin currency


@dataclass(frozen=True, slots=True)
class Employer:
    ref: str
    site_ref: str
    job_titles: tuple[str, ...]
    substituted_title: str  # the job a substituted contract names instead
    weight: int


@dataclass(frozen=True, slots=True)
class Loan:
    """How workers of a corridor borrow for recruitment."""

    lender_ref: str  # the moneylender or finance company; "" when none is in the data set
    currency: str  # empty: the origin currency
    low: int
    high: int
    step: int
    collateral: str


@dataclass(frozen=True, slots=True)
class Corridor:
    key: str
    origin: Origin
    destination: Destination
    sector: str
    weight: int  # relative share of workers
    employers: tuple[Employer, ...]
    origin_agencies: tuple[str, ...]  # licensed
    lapsed_agency: str  # an agency whose licence lapsed; "" when none
    sub_agent: str  # unlicensed village agent
    destination_agency: str
    capped_fees: tuple[Fee, ...]
    excess_fees: tuple[Fee, ...]
    loan: Loan
    contract_months: int
    male_share: float
    age_range: tuple[int, int]
    housing: str  # promised housing/food provision
    food: str
    # Agreed monthly deductions in the contract, hundredths of the destination currency.
    agreed_deductions: tuple[tuple[str, int], ...] = ()


_MY_EMPLOYERS = (
    Employer(
        chain.KV_BOTTLING,
        chain.KV_BOTTLING_SITE,
        ("Production operator", "Bottling line operator", "Forklift driver"),
        "General worker",
        3,
    ),
    Employer(
        chain.PENANG_CIRCUIT,
        chain.PENANG_CIRCUIT_SITE,
        ("Machine operator", "SMT line operator", "Quality inspector"),
        "General worker",
        2,
    ),
)
_QA_CONSTRUCTION = (
    Employer(
        chain.GULF_CREST,
        chain.GULF_CREST_SITE,
        ("Mason", "Steel fixer", "Carpenter", "Electrician", "Scaffolder"),
        "General labourer",
        1,
    ),
)
_QA_HOTEL = (
    Employer(
        chain.PEARL_BAY,
        chain.PEARL_BAY_SITE,
        ("Room attendant", "Kitchen steward", "Waiter", "Laundry attendant"),
        "Cleaner",
        1,
    ),
)
_TW_EMPLOYERS = (
    Employer(
        chain.FORMOSA_LIANHE,
        chain.FORMOSA_LIANHE_SITE,
        ("Electronics assembly operator", "Test operator"),
        "Packing worker",
        3,
    ),
    Employer(
        chain.HSINCHU_MICRO,
        chain.HSINCHU_MICRO_SITE,
        ("Electronics assembly operator", "Machine operator"),
        "Packing worker",
        1,
    ),
)
_TH_PROCESSING = (
    Employer(
        chain.MAHACHAI_OCEAN,
        chain.MAHACHAI_OCEAN_SITE,
        ("Shrimp peeler", "Fish processing worker", "Packing worker"),
        "Cleaner",
        1,
    ),
)
_TH_FISHING = (
    Employer(chain.SAKHON_MARINE, chain.SAKHON_MARINE_VESSEL, ("Deckhand",), "Deckhand", 1),
)
# Households are assigned by index (chain.household_of); the ref here is a placeholder.
_HK_HOUSEHOLD = (Employer("", "", ("Domestic helper",), "Domestic helper and shop assistant", 1),)

# Nepal: under "Free Visa, Free Ticket" (2015-07-06) an agency may charge at most NPR 10,000;
# the worker also pays the Foreign Employment Welfare Fund (NPR 1,500) and term-life insurance
# (NPR 3,700) (corridor_rules.yaml NP). Medical examination and orientation fees are typical
# clinic/centre charges, not legal figures.
_NEPAL_CAPPED = (
    Fee("service_fee", "recruiter", "origin", 10_000, 10_000, 1_000),
    Fee("other", "government", "", 1_500, 1_500, 100),
    Fee("insurance", "other", "", 3_700, 3_700, 100),
    Fee("medical", "medical_centre", "", 4_500, 6_500, 500),
    Fee("training", "training_centre", "", 700, 1_000, 100),
)
# Observed: far above the cap (KNOMAD-ILO surveys: 1-7 months of earnings); here
# NPR 90,000-160,000, i.e. about 2-4 months of a Malaysian minimum wage, and the air ticket
# that "Free Ticket" puts on the employer bought by the worker from the agency's travel agent.
_NEPAL_EXCESS = (
    Fee("service_fee", "recruiter", "origin", 90_000, 160_000, 5_000),
    Fee("travel", "travel_agent", "", 35_000, 55_000, 1_000),
    Fee("other", "government", "", 1_500, 1_500, 100),
    Fee("insurance", "other", "", 3_700, 3_700, 100),
    Fee("medical", "medical_centre", "", 4_500, 6_500, 500),
    Fee("placement_fee", "sub_agent", "sub", 10_000, 30_000, 5_000),
)
# Bangladesh → Malaysia: government-fixed total of BDT 78,990 (2022-07-06, corridor_rules.yaml
# BD). Observed: BBS Cost of Migration Survey 2020 — actual spend ~2.5x the fixed rate.
_BD_MY_CAPPED = (
    Fee("service_fee", "recruiter", "origin", 55_000, 62_000, 1_000),
    Fee("medical", "medical_centre", "", 8_000, 9_000, 500),
    Fee("documents", "government", "", 3_500, 4_500, 500),
    Fee("training", "training_centre", "", 2_000, 2_000, 100),
)
_BD_MY_EXCESS = (
    Fee("service_fee", "recruiter", "origin", 180_000, 320_000, 10_000),
    Fee("medical", "medical_centre", "", 8_000, 10_000, 500),
    Fee("documents", "government", "", 3_500, 4_500, 500),
    Fee("placement_fee", "sub_agent", "sub", 20_000, 60_000, 5_000),
)
# Bangladesh → Qatar: Qatar bans any fee to the worker (Labour Law 14/2004 Art. 33); BD fixes
# no Qatar figure in the reference. Observed costs as for Malaysia (BBS 2020: 17.6 months of
# earnings to recoup).
_BD_QA_CAPPED = (
    Fee("medical", "medical_centre", "", 8_000, 9_000, 500),
    Fee("documents", "government", "", 3_500, 4_500, 500),
)
_BD_QA_EXCESS = (
    Fee("service_fee", "recruiter", "origin", 200_000, 350_000, 10_000),
    Fee("medical", "medical_centre", "", 8_000, 10_000, 500),
    Fee("visa", "recruiter", "origin", 40_000, 80_000, 5_000),
    Fee("placement_fee", "sub_agent", "sub", 20_000, 60_000, 5_000),
)
# Viet Nam: service fee at most one month's wage per 12 months of contract (Law 69/2020 Art. 23):
# for a 36-month Taiwanese contract about 3 x NT$28,590, i.e. ~VND 64 million (fx_rates.csv 2024).
_VN_CAPPED = (
    Fee("service_fee", "recruiter", "origin", 40_000_000, 60_000_000, 1_000_000),
    Fee("medical", "medical_centre", "", 1_500_000, 2_000_000, 100_000),
    Fee("training", "training_centre", "", 2_500_000, 3_500_000, 100_000),
    Fee("documents", "government", "", 1_000_000, 1_500_000, 100_000),
)
_VN_EXCESS = (
    Fee("service_fee", "recruiter", "origin", 90_000_000, 140_000_000, 5_000_000),
    Fee("deposit", "recruiter", "origin", 20_000_000, 40_000_000, 5_000_000),
    Fee("medical", "medical_centre", "", 1_500_000, 2_000_000, 100_000),
    Fee("placement_fee", "sub_agent", "sub", 5_000_000, 15_000_000, 1_000_000),
)
# Philippines → Hong Kong: no placement fee may be charged to household service workers (POEA
# GB Res. 6, s.2006); the worker pays documentation and the DOH medical (2016 POEA Rules s.50).
# The Hong Kong agency may take at most 10 % of the first month's wage (Cap. 57A) —
# HK$499 on a HK$4,990 wage (corridor_rules.yaml PH, HK).
_PH_CAPPED = (
    Fee("documents", "government", "", 2_000, 4_000, 100),
    Fee("medical", "medical_centre", "", 2_500, 3_500, 100),
    Fee("service_fee", "recruiter", "destination", 499, 499, 1, currency="HKD"),
)
# Observed: placement fees disguised as "training" and agency charges (HK NGOs' reports).
_PH_EXCESS = (
    Fee("documents", "government", "", 2_000, 4_000, 100),
    Fee("medical", "medical_centre", "", 2_500, 3_500, 100),
    Fee("training", "training_centre", "", 15_000, 40_000, 1_000),
    Fee("placement_fee", "recruiter", "origin", 20_000, 50_000, 1_000),
    Fee("service_fee", "recruiter", "destination", 8_000, 12_000, 500, currency="HKD"),
)
# Myanmar → Thailand (MOU): agency service charge at most MMK 300,000 (corridor_rules.yaml MM);
# Thailand bars licensed recruiters from charging the worker (Royal Decree B.E. 2559).
_MM_CAPPED = (
    Fee("service_fee", "recruiter", "origin", 300_000, 300_000, 10_000),
    Fee("documents", "government", "", 50_000, 70_000, 5_000),
    Fee("medical", "medical_centre", "", 30_000, 40_000, 5_000),
)
_MM_EXCESS = (
    Fee("service_fee", "recruiter", "origin", 900_000, 1_800_000, 50_000),
    Fee("documents", "government", "", 50_000, 70_000, 5_000),
    Fee("placement_fee", "sub_agent", "sub", 200_000, 500_000, 50_000),
    Fee("work_permit", "recruiter", "destination", 3_000, 5_000, 500, currency="THB"),
)
# Indonesia: zero placement cost since 2021-08-12 (BP2MI Reg. 9/2020); the worker may pay only
# personal documents and the domestic medical test (BP2MI Reg. 2/2020 Art. 3).
_ID_CAPPED = (
    Fee("documents", "government", "", 350_000, 500_000, 10_000),
    Fee("medical", "medical_centre", "", 600_000, 900_000, 50_000),
)
_ID_EXCESS = (
    Fee("documents", "government", "", 350_000, 500_000, 10_000),
    Fee("placement_fee", "recruiter", "origin", 15_000_000, 25_000_000, 500_000),
    Fee("training", "training_centre", "", 3_000_000, 6_000_000, 250_000),
    Fee("placement_fee", "sub_agent", "sub", 1_000_000, 3_000_000, 250_000),
)

# Recruitment loans. Nepal and Bangladesh: village moneylenders against land; Hong Kong
# helpers: a finance company the agency arranges, repaid from wages.
_NP_LOAN = Loan(chain.BIRTAMODE_LENDER, "", 80_000, 200_000, 5_000, "family land certificate")
_BD_LOAN = Loan(chain.CUMILLA_CREDIT, "", 150_000, 400_000, 10_000, "family land deed")
_VN_LOAN = Loan("", "", 50_000_000, 150_000_000, 5_000_000, "house registration book")
_HK_LOAN = Loan(chain.KOWLOON_EASYCASH, "HKD", 8_000, 16_000, 500, "")
_MM_LOAN = Loan("", "", 500_000, 1_500_000, 50_000, "gold jewellery")

# Taiwan: board and lodging deducted as agreed in the contract (NT$2,500 each).
_TW_DEDUCTIONS = (("housing", 250_000), ("food", 250_000))

CORRIDORS: tuple[Corridor, ...] = (
    Corridor(
        "NP-MY-manufacturing",
        NEPAL,
        MALAYSIA,
        "manufacturing",
        18,
        _MY_EMPLOYERS,
        (chain.EVEREST,),
        chain.HIMAL,
        chain.JHAPA_AGENT,
        chain.KL_STAFFING,
        _NEPAL_CAPPED,
        _NEPAL_EXCESS,
        _NP_LOAN,
        36,
        0.90,
        (20, 40),
        "free",
        "none",
    ),
    Corridor(
        "NP-QA-construction",
        NEPAL,
        QATAR,
        "construction",
        12,
        _QA_CONSTRUCTION,
        (chain.EVEREST,),
        chain.HIMAL,
        chain.JHAPA_AGENT,
        chain.DOHA_LINK,
        _NEPAL_CAPPED,
        _NEPAL_EXCESS,
        _NP_LOAN,
        24,
        1.0,
        (20, 45),
        "free",
        "free",
    ),
    Corridor(
        "BD-MY-manufacturing",
        BANGLADESH,
        MALAYSIA,
        "manufacturing",
        15,
        _MY_EMPLOYERS,
        (chain.PADMA, chain.MEGHNA),
        "",
        chain.CUMILLA_DALAL,
        chain.KL_STAFFING,
        _BD_MY_CAPPED,
        _BD_MY_EXCESS,
        _BD_LOAN,
        36,
        0.97,
        (20, 40),
        "free",
        "none",
    ),
    Corridor(
        "BD-QA-construction",
        BANGLADESH,
        QATAR,
        "construction",
        6,
        _QA_CONSTRUCTION,
        (chain.PADMA, chain.MEGHNA),
        "",
        chain.CUMILLA_DALAL,
        chain.DOHA_LINK,
        _BD_QA_CAPPED,
        _BD_QA_EXCESS,
        _BD_LOAN,
        24,
        1.0,
        (20, 45),
        "free",
        "free",
    ),
    Corridor(
        "BD-QA-hospitality",
        BANGLADESH,
        QATAR,
        "hospitality",
        4,
        _QA_HOTEL,
        (chain.MEGHNA,),
        "",
        chain.CUMILLA_DALAL,
        chain.DOHA_LINK,
        _BD_QA_CAPPED,
        _BD_QA_EXCESS,
        _BD_LOAN,
        24,
        0.85,
        (21, 40),
        "free",
        "free",
    ),
    Corridor(
        "VN-TW-manufacturing",
        VIET_NAM,
        TAIWAN,
        "manufacturing",
        15,
        _TW_EMPLOYERS,
        (chain.SONG_HONG,),
        "",
        chain.NGHE_AN_BROKER,
        chain.TAOYUAN_PACIFIC,
        _VN_CAPPED,
        _VN_EXCESS,
        _VN_LOAN,
        36,
        0.55,
        (20, 38),
        "deducted",
        "deducted",
        _TW_DEDUCTIONS,
    ),
    Corridor(
        "PH-HK-domestic_work",
        PHILIPPINES,
        HONG_KONG,
        "domestic_work",
        10,
        _HK_HOUSEHOLD,
        (chain.LUZON_BRIGHT,),
        chain.VISAYAS_STAR,
        "",
        chain.KOWLOON_HELPERS,
        _PH_CAPPED,
        _PH_EXCESS,
        _HK_LOAN,
        24,
        0.03,
        (24, 45),
        "free",
        "free",
    ),
    Corridor(
        "MM-TH-manufacturing",
        MYANMAR,
        THAILAND,
        "manufacturing",
        8,
        _TH_PROCESSING,
        (chain.GOLDEN_MYANMAR,),
        "",
        chain.MYAWADDY_BROKER,
        chain.SAKHON_LABOUR,
        _MM_CAPPED,
        _MM_EXCESS,
        _MM_LOAN,
        24,
        0.50,
        (19, 40),
        "free",
        "none",
    ),
    Corridor(
        "MM-TH-fishing",
        MYANMAR,
        THAILAND,
        "fishing",
        4,
        _TH_FISHING,
        (chain.GOLDEN_MYANMAR,),
        "",
        chain.MYAWADDY_BROKER,
        chain.SAKHON_LABOUR,
        _MM_CAPPED,
        _MM_EXCESS,
        _MM_LOAN,
        24,
        1.0,
        (18, 40),
        "free",
        "free",
    ),
    Corridor(
        "ID-HK-domestic_work",
        INDONESIA,
        HONG_KONG,
        "domestic_work",
        8,
        _HK_HOUSEHOLD,
        (chain.NUSANTARA,),
        "",
        chain.CILACAP_SPONSOR,
        chain.KOWLOON_HELPERS,
        _ID_CAPPED,
        _ID_EXCESS,
        _HK_LOAN,
        24,
        0.02,
        (23, 42),
        "free",
        "free",
    ),
)

# Cumulative weights for picking a corridor with one uniform draw.
_TOTAL_WEIGHT = sum(c.weight for c in CORRIDORS)
CUMULATIVE: tuple[tuple[float, Corridor], ...] = tuple(
    (sum(c.weight for c in CORRIDORS[: i + 1]) / _TOTAL_WEIGHT, corridor)
    for i, corridor in enumerate(CORRIDORS)
)


def pick_corridor(u: float) -> Corridor:
    """The corridor for a uniform draw `u` in [0, 1)."""
    for bound, corridor in CUMULATIVE:
        if u < bound:
            return corridor
    return CORRIDORS[-1]


# Annual average exchange rates, local currency per US dollar, for 2024 (fx_rates.csv: World
# Bank WDI PA.NUS.FCRF; TWD from FRED AEXTAUS). MMK: the table's latest year is 2020. Used
# only to size remedy payments in the destination currency.
USD_RATES: dict[str, str] = {
    "NPR": "133.73",
    "BDT": "115.60",
    "VND": "24164.89",
    "PHP": "57.2907",
    "MMK": "1381.62",
    "IDR": "15855.45",
    "MYR": "4.5764",
    "QAR": "3.6400",
    "TWD": "32.1064",
    "HKD": "7.8038",
    "THB": "35.2935",
}
