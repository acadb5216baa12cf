"""`fairpath assess`, `fairpath rules` and `fairpath law show` as a person runs them (both
engines for `assess`)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import Result
from typer.testing import CliRunner

from fairpath.cli.main import app
from fairpath.config import Settings
from fairpath.domain.rules import CATALOGUE
from fairpath.services.assessment import findings_of, latest_run, notes_of
from tests.assessment.conftest import Loaded

runner = CliRunner()


def run_cli(settings: Settings, *args: str) -> Result:
    env = {"FAIRPATH_DATABASE_URL": settings.database_url or ""}
    return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)


def test_json_output_is_exactly_the_stored_findings(loaded: Loaded) -> None:
    settings, engine = loaded
    result = run_cli(settings, "assess", "--as-of", "2025-12-01", "--format", "json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert list(printed) == ["as_of", "findings", "notes"]
    assert printed["as_of"] == "2025-12-01"
    run = latest_run(engine)
    assert run is not None
    assert printed["findings"] == [f.to_json() for f in findings_of(engine, run.id)]
    assert printed["notes"] == [n.to_json() for n in notes_of(engine, run.id)]
    [minimum] = [
        f
        for f in printed["findings"]
        if f["worker_ref"] == "w-0002" and f["rule_id"] == "BELOW_MINIMUM_WAGE"
    ]
    assert minimum["owed"] == {"amount": "200.00", "currency": "MYR"}
    assert f"run {run.id} stored" in result.stderr


def test_csv_output_has_a_row_per_finding(loaded: Loaded) -> None:
    settings, engine = loaded
    result = run_cli(
        settings, "assess", "--as-of", "2025-12-01", "--worker", "w-0002", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    run = latest_run(engine, worker_ref="w-0002")
    assert run is not None and run.worker_ref == "w-0002"
    assert [r["ref"] for r in rows] == [f.ref for f in findings_of(engine, run.id)]
    owed = {r["rule_id"]: (r["owed_amount"], r["owed_currency"]) for r in rows}
    assert owed["BELOW_PROMISED_WAGE"] == ("100.00", "MYR")


def test_table_summarises_and_says_how_to_see_everything(loaded: Loaded) -> None:
    settings, engine = loaded
    result = run_cli(settings, "assess", "--as-of", "2025-12-01", "--limit", "1")
    assert result.exit_code == 0, result.output
    run = latest_run(engine)
    assert run is not None
    out = result.stdout
    assert f"Assessment run {run.id} as of 2025-12-01: 2 workers" in out
    assert "BELOW_MINIMUM_WAGE" in out and "all rules" in out
    assert f"Findings (1 of {run.findings})" in out
    assert "--format json" in out
    # Remedy per currency: the stored total for MYR is printed with separators.
    assert f"{run.owed['MYR']:,}" in out


def test_a_bad_as_of_date_is_explained_without_a_traceback(loaded: Loaded) -> None:
    settings, engine = loaded
    result = run_cli(settings, "assess", "--as-of", "2025-13-01")
    assert result.exit_code == 2
    assert "'2025-13-01' is not a date" in result.output
    assert "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output
    assert latest_run(engine) is None


def test_rules_lists_every_rule_of_the_catalogue(settings: Settings) -> None:
    result = run_cli(settings, "rules")
    assert result.exit_code == 0, result.output
    for rule_id, rule in CATALOGUE.items():
        assert f"\n{rule_id}  [" in result.stdout
        assert rule.legal_basis in result.stdout
    # Indicators are named, not just numbered.
    assert "FL07 Retention of identity documents" in result.stdout


def test_rules_refuses_an_unknown_rule_id(settings: Settings) -> None:
    result = run_cli(settings, "rules", "NOT_A_RULE")
    assert result.exit_code == 2
    assert "'NOT_A_RULE' is not a rule id" in result.output


def test_law_show_gives_the_minimum_wage_with_its_source(settings: Settings) -> None:
    result = run_cli(settings, "law", "show", "MY", "--on", "2025-06-01")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Malaysia (MY) — law in force on 2025-06-01" in out
    assert "minimum_wage.month: 1,700 MYR a month" in out
    block = out.split("minimum_wage.month:", 1)[1]
    assert "Minimum Wages Order 2024" in block
    assert "confidence S · in force from 2025-02-01 · table fairpath:law/destinations.yaml" in block


def test_law_show_before_a_change_gives_the_older_value(settings: Settings) -> None:
    # Taiwan's monthly minimum wage is NT$28,590 until NT$29,500 takes effect on 1 Jan 2026.
    before = run_cli(settings, "law", "show", "TW", "--on", "2025-12-31").stdout
    after = run_cli(settings, "law", "show", "TW", "--on", "2026-01-01").stdout
    assert "minimum_wage.month: 28,590 TWD a month" in before
    assert "minimum_wage.month: 29,500 TWD a month" in after


def test_law_show_refuses_a_code_that_is_not_a_country(settings: Settings) -> None:
    result = run_cli(settings, "law", "show", "XX")
    assert result.exit_code == 2
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in result.output
