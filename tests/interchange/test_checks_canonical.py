"""Cross-record checks and the canonical form the journey log commits to."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import rfc8785
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from fairpath.domain.journey import Worker
from fairpath.interchange import (
    DataSetChecks,
    Location,
    canonical_bytes,
    canonical_without_pii,
    check_data_set,
    check_references,
    iter_jsonl,
    pii_of,
    record_bytes,
    to_canonical,
    with_pii,
)
from fairpath.interchange.checks import RefKind

from .strategies import data_sets

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)

WORKER = {
    "kind": "worker",
    "ref": "w-1",
    "origin_country": "NP",
    "destination_country": "MY",
    "sector": "manufacturing",
    "employer_ref": "kl",
    "pii": {"full_name": "Sita"},
}
FEE = {
    "kind": "event",
    "ref": "e-1",
    "worker_ref": "w-1",
    "type": "fee_paid",
    "date": "2025-01-12",
    "source": "worker",
    "data": {
        "amount": "85000",
        "currency": "NPR",
        "paid_to_ref": "everest-hr",
        "paid_to_role": "recruiter",
        "purpose": "service_fee",
    },
}
ORG = {
    "kind": "organization",
    "ref": "kl",
    "name": "KL Bottling",
    "roles": ["employer"],
    "country": "MY",
}


def _read(*records: dict[str, Any]) -> list[tuple[Location, BaseModel]]:
    items = list(iter_jsonl([json.dumps(r).encode() for r in records], "set.jsonl"))
    out = [(loc, rec) for loc, rec in items if isinstance(rec, BaseModel)]
    assert len(out) == len(records)
    return out


# --- checks ------------------------------------------------------------------------------------


def test_same_ref_with_different_content_names_both_lines() -> None:
    changed = {**FEE, "data": {**FEE["data"], "amount": "86000"}}
    (problem,) = check_data_set(_read(ORG, FEE, changed), lambda k, r: True)
    assert problem.code == "duplicate_ref"
    assert str(problem).startswith("set.jsonl line 3, ref: event 'e-1' is also at set.jsonl line 2")
    assert "supersedes" in problem.message


def test_the_same_record_twice_is_not_a_problem() -> None:
    checks = DataSetChecks(lambda k, r: True)
    for location, record in _read(ORG, FEE, FEE):
        assert checks.add(location, record) == []
    assert checks.finish() == [] and checks.repeats == 1


def test_personal_data_counts_as_content() -> None:
    other = {**WORKER, "pii": {"full_name": "Gita"}}
    problems = check_data_set(_read(ORG, WORKER, other))
    assert [p.code for p in problems] == ["duplicate_ref"]
    assert "Sita" not in str(problems[0]) and "Gita" not in str(problems[0])


def test_an_event_that_supersedes_itself() -> None:
    problems = check_data_set(_read(ORG, WORKER, {**FEE, "supersedes": "e-1"}), lambda k, r: True)
    assert [(p.code, p.field) for p in problems] == [("supersedes_itself", "supersedes")]


def test_references_resolve_against_the_data_set_in_any_order_and_the_store() -> None:
    stored = {("organization", "everest-hr")}
    asked: list[tuple[RefKind, str]] = []

    def known(kind: RefKind, ref: str) -> bool:
        asked.append((kind, ref))
        return (kind, ref) in stored

    records = _read(FEE, WORKER, ORG)  # the event comes before its worker and employer
    assert check_data_set(records, known) == []
    asked.clear()
    assert check_references(records, known) == []
    assert asked == [("organization", "everest-hr")]  # only what the data set does not define


def test_unresolved_references_are_named_with_their_field() -> None:
    fee = {**FEE, "worker_ref": "w-9", "supersedes": "e-0"}
    problems = check_references(_read(ORG, WORKER, fee))
    assert {(p.location.number, p.field, p.code) for p in problems} == {
        (3, "worker_ref", "unknown_reference"),
        (3, "supersedes", "unknown_reference"),
        (3, "data.paid_to_ref", "unknown_reference"),
    }
    messages = " ".join(p.message for p in problems)
    assert "worker 'w-9' is neither in this import nor already stored" in messages


@SETTINGS
@given(data_sets())
def test_generated_data_sets_are_consistent(records: list[BaseModel]) -> None:
    located = [(Location("set.jsonl", i + 1), r) for i, r in enumerate(records)]
    assert check_data_set(located) == []


# --- canonical form ----------------------------------------------------------------------------


def test_amounts_keep_their_digits_and_no_value_is_left_out() -> None:
    ((_, record),) = _read(
        {
            **FEE,
            "evidence": {"kind": "receipt", "sha256": None},
            "supersedes": None,
            "data": {**FEE["data"], "amount": "1700.00"},
        }
    )
    canonical = to_canonical(record)
    assert canonical["data"]["amount"] == "1700.00"
    assert "supersedes" not in canonical and canonical["evidence"] == {"kind": "receipt"}
    assert canonical["data"]["via_deduction"] is False  # defaults are written
    assert canonical_bytes(canonical).startswith(b'{"data":{"amount":"1700.00"')


def test_tiny_and_exponent_decimals_are_written_without_exponent() -> None:
    ((_, record),) = _read({**FEE, "data": {**FEE["data"], "amount": "0.0000001"}})
    assert to_canonical(record)["data"]["amount"] == "0.0000001"


def test_personal_data_splits_off_and_back() -> None:
    worker = Worker.model_validate(WORKER)
    without = canonical_without_pii(worker)
    assert "pii" not in without
    assert pii_of(worker) == {"full_name": "Sita"}
    assert with_pii(without, pii_of(worker)) == to_canonical(worker)
    assert b"Sita" not in record_bytes(worker)
    assert b"Sita" in record_bytes(worker, include_pii=True)


@SETTINGS
@given(data_sets())
def test_fast_canonical_bytes_equal_rfc8785(records: list[BaseModel]) -> None:
    for record in records:
        canonical = to_canonical(record)
        assert canonical_bytes(canonical) == rfc8785.dumps(canonical)
        assert record_bytes(record, include_pii=True) == rfc8785.dumps(canonical)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5))
def test_canonical_bytes_fall_back_to_rfc8785_for_floats_and_unicode_keys(
    obj: dict[str, Any],
) -> None:
    try:
        expected = rfc8785.dumps(obj)
    except Exception:  # values RFC 8785 itself refuses (lone surrogates, huge integers)
        return
    assert canonical_bytes(obj) == expected


def test_extension_values_take_the_exact_path() -> None:
    ((_, record),) = _read({**WORKER, "x_score": 0.5, "x_名前": "ok", "x_big": 2**60})
    canonical = to_canonical(record)
    assert canonical["x_score"] == "0.5"  # decimals in x_ fields are written like amounts
    assert canonical["x_big"] == str(2**60)  # beyond RFC 8785's exact integers: as text
    assert record_bytes(record) == rfc8785.dumps(canonical_without_pii(record))
    assert Decimal(canonical["x_score"]) == Decimal("0.5")


def test_every_control_character_and_non_ascii_text_is_escaped_as_rfc8785_says() -> None:
    # The fast encoder writes most of an import's commitments; RFC 8785 §3.2.2.2 fixes which
    # characters are escaped and how (short forms, else lowercase \u00xx; nothing else).
    text = "".join(chr(c) for c in range(0x21)) + '"\\/\x7f\u2028\u2029é名🙂'
    obj = {"a": text, "b": [text, {"c": text}], "n": -(2**53 - 1), "t": True, "z": None}
    assert canonical_bytes(obj) == rfc8785.dumps(obj)
