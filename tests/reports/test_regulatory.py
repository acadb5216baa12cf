"""Regulator-shaped exports: each validates against its schema, a broken one does not, the
files say the same thing, and the cbp-wro pack's log proofs verify against its checkpoint."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fairpath.cli.main import app
from fairpath.domain.errors import InvalidInputError
from fairpath.ledger.checkpoint import parse_checkpoint
from fairpath.ledger.merkle import leaf_hash, verify_inclusion
from fairpath.ledger.proof_bundle import parse_bundle
from fairpath.reports import schemas
from fairpath.reports.build import Report, build_report
from fairpath.reports.regulatory import FRAMEWORKS, build_export, flatten
from fairpath.reports.scorecards import build_scorecard, scorecard_csv
from tests.reports.conftest import Demo

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _runner(demo: Demo) -> CliRunner:
    """A CLI runner on the data set's database (the CLI reads FAIRPATH_DATABASE_URL)."""
    return CliRunner(env={"FAIRPATH_DATABASE_URL": demo.settings.database_url or ""})


@pytest.fixture(scope="module")
def report(demo: Demo) -> Report:
    return build_report(demo.settings, demo.engine, "harbourline", None, NOW, with_costs=False)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_export_validates_against_its_schema(
    demo: Demo, report: Report, framework: str
) -> None:
    data = build_export(framework, report, demo.settings, demo.engine)
    assert schemas.validate(framework, data).framework == framework
    assert data["organisation"]["ref"] == "harbourline"
    # As JSON keys: a bare "pii" also turns up by chance inside base64 proof hashes.
    text = json.dumps(data)
    assert '"pii"' not in text and '"full_name"' not in text


def _broken(framework: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    missing = {k: v for k, v in data.items() if k != "to_complete_by_the_organisation"}
    extra = {**data, "not_a_field": 1}
    small = json.loads(json.dumps(data))
    small["assessment_run"]["id"] = "one"
    return [missing, extra, small]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_broken_export_fails_validation(demo: Demo, report: Report, framework: str) -> None:
    data = build_export(framework, report, demo.settings, demo.engine)
    for broken in _broken(framework, data):
        with pytest.raises(InvalidInputError, match=f"the {framework} export does not match"):
            schemas.validate(framework, broken)


def test_suppressed_counts_are_the_only_strings_a_count_may_hold() -> None:
    data = {"indicator_counts": {"FL01": "3"}}
    with pytest.raises(InvalidInputError):
        schemas.validate("uk-msa", data)


def test_uk_msa_names_the_registry_indicators_found(demo: Demo, report: Report) -> None:
    data = build_export("uk-msa", report, demo.settings, demo.engine)
    found = {k for k, v in data["indicator_counts"].items() if v not in (0,)}
    assert "DebtBondage" in data["Indicators"] and "FL09" in found
    assert (
        data["fees_policy"]["workers_who_paid_recruitment_fees"]
        == report.collected.total.workers_by_rule["FEE_PAID_BY_WORKER"]
    )


def test_cbp_pack_proofs_verify_against_its_checkpoint(demo: Demo, report: Report) -> None:
    data = build_export("cbp-wro", report, demo.settings, demo.engine)
    assert [p["indicator"] for p in data["indicators"]] == [f"FL{i:02d}" for i in range(1, 12)]
    assert data["proofs"], "evidence records carry inclusion proofs"
    for proof in data["proofs"][:10]:
        bundle = parse_bundle(proof["bundle"])
        checkpoint = parse_checkpoint(bundle.checkpoint.split("\n\n")[0] + "\n")
        assert bundle.extra is not None and bundle.index == proof["log_index"]
        verify_inclusion(
            bundle.index, checkpoint.size, leaf_hash(bundle.extra), bundle.path, checkpoint.root
        )


def test_cli_writes_json_csv_schema_and_pdf(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "lksg"
    result = _runner(demo).invoke(
        app,
        [
            "--data-dir",
            str(demo.settings.data_dir),
            "export-regulatory",
            "--framework",
            "lksg",
            "--org",
            "harbourline",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "lksg.json").read_text())
    rows = list(csv.reader(io.StringIO((out / "lksg.csv").read_text())))[1:]
    assert rows == [list(r) for r in flatten(data)]
    assert json.loads((out / "lksg.schema.json").read_text())["title"] == "Lksg"
    assert (out / "lksg.pdf").read_bytes().startswith(b"%PDF")


def test_cli_report_and_unknown_framework(demo: Demo, tmp_path: Path) -> None:
    base = ["--data-dir", str(demo.settings.data_dir)]
    runner = _runner(demo)
    ok = runner.invoke(
        app,
        [*base, "report", "--org", "aventa", "--format", "html", "--out", str(tmp_path / "r.html")],
    )
    assert ok.exit_code == 0 and "wrote due-diligence report for aventa" in ok.output
    bad = runner.invoke(
        app,
        [
            *base,
            "export-regulatory",
            "--framework",
            "fr-vigilance",
            "--org",
            "aventa",
            "--out",
            str(tmp_path),
        ],
    )
    assert bad.exit_code != 0 and isinstance(bad.exception, InvalidInputError)


def test_recruiter_scorecard_hides_small_recruiters_and_orders_for_selection(demo: Demo) -> None:
    card = build_scorecard(demo.engine, "recruiters", None, runs=3, now=NOW)
    assert len(card.runs) == 2
    small = next(r for r in card.rows if r.ref == "ceylon-multiscript")
    assert small.latest is not None and small.latest.workers is None  # 3 workers: "<5"
    shown = [
        float(r.latest.forced_labour_pct.rstrip("%"))
        for r in card.rows
        if r.latest and r.latest.forced_labour_pct
    ]
    assert shown == sorted(shown)
    text = scorecard_csv(card)
    assert "ceylon-multiscript" in text and ",<5,<5,<5,<5,<5," in text
