"""The catalogue matches spec/rules.md v1 and every rule is documented in docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

from fairpath.domain.rules import CATALOGUE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

#: The rule ids of spec/rules.md, version 1 (stable: reports, exports and APIs use them).
SPEC_V1 = (
    "FEE_PAID_BY_WORKER", "FEE_ABOVE_LEGAL_CAP", "RECRUITMENT_DEBT",
    "CONTRACT_SUBSTITUTION", "NO_CONTRACT_BEFORE_DEPARTURE", "CONTRACT_NOT_UNDERSTOOD",
    "BELOW_MINIMUM_WAGE", "BELOW_PROMISED_WAGE", "OVERTIME_UNDERPAID", "UNLAWFUL_DEDUCTION",
    "WAGES_WITHHELD", "FINAL_SETTLEMENT_UNPAID",
    "EXCESSIVE_OVERTIME", "NO_WEEKLY_REST",
    "DOCUMENT_RETAINED", "UNDERAGE_RECRUITMENT", "UNLICENSED_RECRUITER",
)  # fmt: skip


def test_the_catalogue_has_exactly_the_spec_rules_in_order() -> None:
    assert tuple(CATALOGUE) == SPEC_V1


def _documented() -> list[str]:
    return re.findall(r"^## `([A-Z_]+)`", DOCS.read_text(encoding="utf-8"), flags=re.M)


def test_every_rule_has_a_section_in_docs_rules_md_and_every_section_a_rule() -> None:
    documented = _documented()
    assert sorted(documented) == sorted(CATALOGUE), (
        f"undocumented: {sorted(set(CATALOGUE) - set(documented))}; "
        f"no such rule: {sorted(set(documented) - set(CATALOGUE))}"
    )


def test_each_section_states_basis_severity_indicators_and_remedy() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule_id, info in CATALOGUE.items():
        section = text.split(f"## `{rule_id}`", 1)[1].split("\n## ", 1)[0]
        for label in ("Checks", "Legal basis", "Severity", "ILO / IRIS", "Remedy"):
            assert f"**{label}**" in section, (rule_id, label)
        for code in (*info.ilo_indicators, *info.iris_principles):
            assert code in section, (rule_id, code)
