"""The packaged law tables and the loader: provenance, law in force, overrides, bad files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fairpath.data import LawDataError, load_law_book, load_rates
from fairpath.domain.law import Confidence, LawBook

DEMO_DESTINATIONS = ("MY", "QA", "TW", "HK", "TH", "SA", "AE")


def test_every_value_keeps_its_source_confidence_and_table(law: LawBook) -> None:
    assert law.facts
    for fact in law.facts:
        assert fact.source.strip(), fact
        assert fact.confidence in Confidence
        assert fact.table.startswith("fairpath:law/")


def test_demo_destinations_have_a_currency_and_a_minimum_wage_answer(law: LawBook) -> None:
    for country in DEMO_DESTINATIONS:
        assert country in law.currencies
        # Either a minimum wage or a cited statement that there is none — for some sector.
        assert law.minimum_wage_rows(country), country


def test_minimum_wage_rows_list_every_version_for_a_columnar_engine(law: LawBook) -> None:
    rows = law.minimum_wage_rows("HK")
    assert [(r.value.amount, r.effective_from) for r in rows] == [
        (Decimal(4870), date(2023, 9, 30)),
        (Decimal(4990), date(2024, 9, 28)),
        (Decimal(5100), date(2025, 9, 30)),
    ]


def test_law_in_force_picks_the_latest_version_on_or_before_the_date(law: LawBook) -> None:
    def hk(on: date) -> Decimal:
        cited = law.law_in_force("HK", "domestic_work", on).get("minimum_wage.month")
        assert cited is not None
        return Decimal(cited.value.amount)

    assert hk(date(2025, 9, 29)) == 4990
    assert hk(date(2025, 9, 30)) == 5100  # the day the new wage takes effect
    assert (
        law.law_in_force("HK", "domestic_work", date(2023, 9, 29)).get("minimum_wage.month") is None
    )


def test_sector_specific_values_apply_only_to_their_sector(law: LawBook) -> None:
    on = date(2025, 6, 1)
    factory = law.law_in_force("TW", "manufacturing", on).get("minimum_wage.month")
    household = law.law_in_force("TW", "domestic_work", on).get("minimum_wage.month")
    assert factory is not None and factory.value.amount == 28590
    assert household is not None and household.value.amount == 20000
    # Malaysia's minimum wage excludes domestic workers: missing, not zero.
    assert law.law_in_force("MY", "domestic_work", on).get("minimum_wage.month") is None


def test_a_region_specific_wage_beats_the_national_floor(law: LawBook) -> None:
    bangkok = law.law_in_force("TH", "manufacturing", date(2025, 7, 1), region="bangkok")
    elsewhere = law.law_in_force("TH", "manufacturing", date(2025, 7, 1), region="Nan")
    assert bangkok.get("minimum_wage.day").value.amount == 400  # type: ignore[union-attr]
    assert elsewhere.get("minimum_wage.day").value.amount == 337  # type: ignore[union-attr]


def test_effective_until_ends_a_value(law: LawBook) -> None:
    assert law.law_in_force("JO", "manufacturing", date(2027, 12, 31)).get("minimum_wage.month")
    assert (
        law.law_in_force("JO", "manufacturing", date(2028, 1, 1)).get("minimum_wage.month") is None
    )


def test_a_law_that_sets_no_minimum_wage_is_cited_not_missing(law: LawBook) -> None:
    cited = law.law_in_force("SA", "construction", date(2025, 1, 1)).get("minimum_wage.month")
    assert cited is not None and cited.value is None and "recruitmentadvisor" in cited.source


def test_origin_fee_caps_follow_destination_sector_and_gender(law: LawBook) -> None:
    on = date(2024, 1, 1)
    caps = law.fee_caps("NP", "MY", on, sector="manufacturing", gender="male")
    assert [c.value.amount for c in caps] == [Decimal(10000)]
    assert law.fee_caps("NP", "TW", on, sector="manufacturing", gender="male") == ()
    assert not law.fee_caps("NP", "MY", date(2015, 7, 5), sector="manufacturing", gender="male")
    female = law.fee_caps("BD", "SA", on, sector="domestic_work", gender="female")
    assert {c.key for c in female} == {"fee_cap.migration_cost_sa", "fee_cap.female_workers_sa"}
    household = law.fee_caps("PH", "HK", on, sector="domestic_work", gender="female")
    assert any(c.value.is_ban for c in household)


def test_standards_carry_the_ilo_and_iris_names(law: LawBook) -> None:
    assert law.standards["FL07"].name == "Retention of identity documents"
    assert law.standards["IRIS-1"].name.startswith("Prohibition of Recruitment Fees")
    assert {f"FL{i:02d}" for i in range(1, 12)} <= law.standards.keys()


def _override(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "province.yaml"
    path.write_text("schema: fairpath-law/1\ncountries:\n" + body, encoding="utf-8")
    return path


def test_an_operator_file_adds_a_province_wage_and_is_named_as_its_table(
    tmp_path: Path,
) -> None:
    path = _override(
        tmp_path,
        """  TH:
    facts:
      minimum_wage.day:
        - value: {amount: "372", currency: THB}
          effective_from: 2025-01-01
          regions: [Nonthaburi]
          confidence: P
          source: "Wage Committee announcement No. 13 (province table)"
""",
    )
    book = load_law_book([path])
    cited = book.law_in_force("TH", "agriculture", date(2025, 3, 1), region="Nonthaburi").get(
        "minimum_wage.day"
    )
    assert cited is not None and cited.value.amount == 372
    assert cited.table == str(path)
    assert str(path) in book.tables


def test_an_override_with_the_same_scope_and_date_replaces_the_packaged_value(
    tmp_path: Path,
) -> None:
    path = _override(
        tmp_path,
        """  MY:
    facts:
      payment_deadline_days:
        - value: 10
          except_sectors: [domestic_work]
          confidence: P
          source: "collective agreement"
""",
    )
    cited = (
        load_law_book([path])
        .law_in_force("MY", "manufacturing", date(2025, 1, 1))
        .get("payment_deadline_days")
    )
    assert cited is not None and cited.value == 10 and cited.table == str(path)


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        (
            "  MY:\n    facts:\n      minimum_wage.month:\n        - value: {amount: 1.5, "
            "currency: MYR}\n          confidence: S\n          source: x\n",
            "countries.MY.facts.minimum_wage.month[0].value.amount",
            "in quotes",
        ),
        (
            "  MY:\n    facts:\n      minimum_wages:\n        - value: 1\n"
            "          confidence: S\n          source: x\n",
            "countries.MY.facts.minimum_wages[0].value",
            "not a known law value",
        ),
        (
            "  MY:\n    facts:\n      weekly_rest_days:\n        - value: 1\n"
            "          confidence: S\n",
            "countries.MY.facts.weekly_rest_days[0]",
            "needs a 'source'",
        ),
        (
            "  XX:\n    facts: {}\n",
            "countries.XX",
            "not an ISO 3166-1",
        ),
        (
            "  MY:\n    facts:\n      weekly_rest_days:\n        - value: 1\n"
            "          confidence: maybe\n          source: x\n",
            "countries.MY.facts.weekly_rest_days[0].confidence",
            "P (primary)",
        ),
    ],
)
def test_a_malformed_override_names_the_file_and_the_key(
    tmp_path: Path, body: str, where: str, says: str
) -> None:
    path = _override(tmp_path, body)
    with pytest.raises(LawDataError) as caught:
        load_law_book([path])
    assert caught.value.where == f"{path}: {where}"
    assert says in caught.value.message


def test_a_missing_override_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LawDataError, match="cannot read the file"):
        load_law_book([tmp_path / "nope.yaml"])


def test_a_rate_override_replaces_a_row_and_names_both_files(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "# operator rates\ncurrency,year,lcu_per_usd,source,confidence\n"
        "MMK,2023,2100,Central Bank of Myanmar reference rate,S\n",
        encoding="utf-8",
    )
    table = load_rates(path)
    assert table.rows[("MMK", 2023)].lcu_per_usd == 2100
    assert table.rows[("MMK", 2023)].table == str(path)
    assert str(path) in table.name and "fx_rates.csv" in table.name


def test_a_bad_rate_row_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "# comment\ncurrency,year,lcu_per_usd,source,confidence\nNPR,2026,abc,x,P\n",
        encoding="utf-8",
    )
    with pytest.raises(LawDataError) as caught:
        load_rates(path)
    assert caught.value.where == f"{path} line 3"
    assert "lcu_per_usd" in caught.value.message
