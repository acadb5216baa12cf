"""Every form of the journey format reads back what it wrote (spec §3–4: losslessly)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from pydantic import BaseModel

from fairpath.interchange import (
    Problem,
    canonical_bytes,
    canonical_without_pii,
    read_csv_dir,
    read_jsonl,
    read_xlsx,
    to_canonical,
    write_csv,
    write_jsonl,
    write_xlsx,
)
from fairpath.interchange.readers import Item
from fairpath.interchange.writers import export_sort_key

from .strategies import data_sets

# Shrinking a whole data set takes minutes; the failing example is printed unshrunk instead.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
FAST = settings(
    max_examples=25, deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.too_slow]
)


def _records(items: list[Item]) -> list[BaseModel]:
    problems = [p for _, r in items if isinstance(r, list) for p in r]
    assert problems == [], [str(p) for p in problems]
    return [r for _, r in items if isinstance(r, BaseModel)]


def _canonical_set(records: list[BaseModel]) -> list[bytes]:
    return sorted(canonical_bytes(to_canonical(r)) for r in records)


def _write_read(form: str, records: list[BaseModel], where: Path, pii: bool) -> list[BaseModel]:
    where.mkdir(parents=True, exist_ok=True)
    if form == "jsonl":
        write_jsonl(records, where / "set.jsonl", include_personal_data=pii)
        return _records(list(read_jsonl(where / "set.jsonl")))
    if form == "csv":
        write_csv(records, where / "csv", include_personal_data=pii)
        return _records(list(read_csv_dir(where / "csv")))
    write_xlsx(records, where / "set.xlsx", include_personal_data=pii)
    return _records(list(read_xlsx(where / "set.xlsx")))


def _check_form(form: str, records: list[BaseModel]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        back = _write_read(form, records, where / "1", pii=True)
        assert _canonical_set(back) == _canonical_set(records)
        again = _write_read(form, back, where / "2", pii=True)
        assert _canonical_set(again) == _canonical_set(records)


@FAST
@given(data_sets())
def test_json_lines_round_trip(records: list[BaseModel]) -> None:
    _check_form("jsonl", records)


@FAST
@given(data_sets())
def test_csv_directory_round_trip(records: list[BaseModel]) -> None:
    _check_form("csv", records)


@settings(
    max_examples=10, deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.too_slow]
)
@given(data_sets(max_events=8))
def test_xlsx_workbook_round_trip(records: list[BaseModel]) -> None:
    _check_form("xlsx", records)


@FAST
@given(data_sets())
def test_export_import_export_gives_the_same_bytes(records: list[BaseModel]) -> None:
    ordered = sorted(records, key=export_sort_key)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "a.jsonl"), Path(tmp, "b.jsonl")
        write_jsonl(ordered, first, include_personal_data=True)
        write_jsonl(_records(list(read_jsonl(first))), second, include_personal_data=True)
        assert first.read_bytes() == second.read_bytes()
        write_csv(ordered, Path(tmp, "c1"), include_personal_data=True)
        write_csv(
            _records(list(read_csv_dir(Path(tmp, "c1")))),
            Path(tmp, "c2"),
            include_personal_data=True,
        )
        for path in Path(tmp, "c1").iterdir():
            assert path.read_bytes() == Path(tmp, "c2", path.name).read_bytes(), path.name


@FAST
@given(data_sets())
def test_exports_leave_personal_data_out_unless_asked(records: list[BaseModel]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for form in ("jsonl", "csv"):
            back = _write_read(form, records, Path(tmp, form), pii=False)
            expected = sorted(canonical_bytes(canonical_without_pii(r)) for r in records)
            assert _canonical_set(back) == expected
            assert all("pii" not in to_canonical(r) for r in back)


def test_csv_header_omits_personal_columns_by_default(tmp_path: Path) -> None:
    from fairpath.domain.journey import Worker

    worker = Worker.model_validate(
        {
            "ref": "w-1",
            "origin_country": "NP",
            "destination_country": "MY",
            "sector": "manufacturing",
            "pii": {"full_name": "Sita Sharma"},
        }
    )
    write_csv([worker], tmp_path / "out")
    text = (tmp_path / "out" / "workers.csv").read_text(encoding="utf-8-sig")
    assert "pii_" not in text and "Sita" not in text
    write_csv([worker], tmp_path / "with", include_personal_data=True)
    assert "Sita Sharma" in (tmp_path / "with" / "workers.csv").read_text(encoding="utf-8-sig")


def test_problem_is_not_a_record() -> None:
    # The stream's two shapes are told apart by type; a Problem is never a BaseModel.
    assert not issubclass(Problem, BaseModel)
