"""Bad input is reported where it is, every problem at once, in words a clerk can act on (§4)."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pydantic import BaseModel

from fairpath.interchange import (
    Problem,
    iter_jsonl,
    read_csv_dir,
    read_jsonl,
    read_path,
    read_xlsx,
    to_canonical,
    write_csv,
    write_jsonl,
)
from fairpath.interchange.layout import Column, layout_of, layouts
from fairpath.interchange.problems import jsonl_field
from fairpath.interchange.readers import Item

from .strategies import data_sets

PAYSLIP_HEADER = (
    "ref,worker_ref,date,source,period_start,period_end,currency,normal_hours,overtime_hours,"
    "rest_days_worked,basic_pay,overtime_pay,deductions,net_pay,paid_on"
)
GOOD_PAYSLIP = (
    "e-1,w-1,2025-03-31,employer,2025-03-01,2025-03-31,MYR,208,40,2,1700.00,490.38,"
    "housing:150;recruitment_fee:200,1840.38,2025-04-07"
)


def _problems(items: list[Item]) -> list[Problem]:
    return [p for _, r in items if isinstance(r, list) for p in r]


def _records(items: list[Item]) -> list[BaseModel]:
    return [r for _, r in items if isinstance(r, BaseModel)]


def _csv(tmp_path: Path, name: str, *lines: str) -> list[Item]:
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(read_csv_dir(tmp_path))


def _jsonl(*records: object) -> list[Item]:
    lines = [(r if isinstance(r, str) else json.dumps(r)).encode() for r in records]
    return list(iter_jsonl(lines, "set.jsonl"))


# --- the spec's own example and friends -----------------------------------------------------


def test_a_bad_amount_is_named_by_file_line_and_column(tmp_path: Path) -> None:
    bad = GOOD_PAYSLIP.replace("1840.38", '"RM1,200"')
    items = _csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, GOOD_PAYSLIP, GOOD_PAYSLIP, bad)
    (problem,) = _problems(items)
    assert str(problem) == (
        "payslips.csv line 4, net_pay: 'RM1,200' is not a number; write digits with a '.' "
        "for decimals, e.g. 1200.00"
    )
    assert len(_records(items)) == 2


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    two_bad = GOOD_PAYSLIP.replace("MYR", "RM").replace("2025-03-01", "01/03/2025")
    other = GOOD_PAYSLIP.replace("employer", "boss")
    items = _csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, two_bad, GOOD_PAYSLIP, other)
    found = {(p.location.number, p.field, p.code) for p in _problems(items)}
    assert found == {
        (2, "currency", "currency"),
        (2, "period_start", "iso_date"),
        (4, "source", "not_a_choice"),
    }


def test_a_bad_choice_lists_the_allowed_values(tmp_path: Path) -> None:
    items = _csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, GOOD_PAYSLIP.replace("employer", "boss"))
    (problem,) = _problems(items)
    assert problem.field == "source"
    assert "'boss' is not one of:" in problem.message
    assert "worker" in problem.message and "government" in problem.message


def test_unknown_column_is_reported_once_for_the_file(tmp_path: Path) -> None:
    items = _csv(
        tmp_path,
        "payslips.csv",
        PAYSLIP_HEADER + ",bonus",
        GOOD_PAYSLIP + ",5",
        GOOD_PAYSLIP + ",6",
    )
    (problem,) = _problems(items)
    assert (problem.code, problem.field, problem.location.number) == ("unknown_column", "bonus", 1)
    assert "x_bonus" in problem.message


def test_missing_required_column_is_reported_once_not_per_row(tmp_path: Path) -> None:
    header = PAYSLIP_HEADER.replace(",net_pay", "")
    row = GOOD_PAYSLIP.replace(",1840.38", "")
    items = _csv(tmp_path, "payslips.csv", header, row, row, row)
    (problem,) = _problems(items)
    assert (problem.code, problem.field) == ("missing_column", "net_pay")
    assert str(problem).startswith("payslips.csv line 1, net_pay: required column")


def test_extension_columns_are_kept(tmp_path: Path) -> None:
    items = _csv(tmp_path, "payslips.csv", PAYSLIP_HEADER + ",x_branch", GOOD_PAYSLIP + ",Klang")
    (record,) = _records(items)
    assert to_canonical(record)["x_branch"] == "Klang"


def test_booleans_are_yes_or_no_and_nothing_else(tmp_path: Path) -> None:
    header = "ref,worker_ref,date,source,amount,currency,paid_to_role,purpose,via_deduction"
    base = "e-{},w-1,2025-01-12,worker,85000,NPR,recruiter,service_fee,{}"
    rows = [base.format(i, v) for i, v in enumerate(["yes", "NO", "1", "0", "True", "y", "maybe"])]
    items = _csv(tmp_path, "fees.csv", header, *rows)
    values = [r.data.via_deduction for r in _records(items)]
    assert values == [True, False, True, False, True]
    assert [(p.location.number, p.code) for p in _problems(items)] == [
        (7, "not_a_boolean"),
        (8, "not_a_boolean"),
    ]


def test_list_cells(tmp_path: Path) -> None:
    header = "ref,origin_country,destination_country,sector,recruiter_refs,languages"
    items = _csv(tmp_path, "workers.csv", header, "w-1,NP,MY,manufacturing,ev-hr;kl,ne;en")
    (worker,) = _records(items)
    assert worker.languages == ["ne", "en"]
    assert worker.recruiter_refs == ["ev-hr", "kl"]
    items = _csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, GOOD_PAYSLIP)
    payslip = next(r for r in _records(items) if getattr(r, "type", None) == "payslip")
    deductions = payslip.data.deductions
    assert [(d.kind.value, d.amount) for d in deductions] == [
        ("housing", Decimal(150)),
        ("recruitment_fee", Decimal(200)),
    ]


def test_a_malformed_list_item_names_the_item(tmp_path: Path) -> None:
    row = GOOD_PAYSLIP.replace("housing:150;recruitment_fee:200", "housing:150;recruitment_fee 200")
    (problem,) = _problems(_csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, row))
    assert problem.code == "bad_list_item" and problem.field == "deductions"
    assert "item 2 ('recruitment_fee 200') should be kind:amount" in problem.message


def test_a_bad_amount_inside_a_list_names_the_item(tmp_path: Path) -> None:
    row = GOOD_PAYSLIP.replace("recruitment_fee:200", "recruitment_fee:2OO")
    (problem,) = _problems(_csv(tmp_path, "payslips.csv", PAYSLIP_HEADER, row))
    assert problem.field == "deductions"
    assert problem.message.startswith("item 2 amount: '2OO' is not a number")


def test_a_csv_that_is_not_utf8_is_refused_with_advice(tmp_path: Path) -> None:
    (tmp_path / "sites.csv").write_bytes(
        b"ref,org_ref,name,country,sector\r\ns1,o1,Caf\xe9 Mah\xe9,MY,hospitality\r\n"
    )
    (problem,) = _problems(list(read_csv_dir(tmp_path)))
    assert problem.code == "not_utf8" and "CSV UTF-8" in problem.message


def test_excel_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "sites.csv").write_bytes(
        "ref,org_ref,name,country,sector\r\ns1,o1,Café,MY,hospitality\r\n".encode("utf-8-sig")
    )
    (site,) = _records(list(read_csv_dir(tmp_path)))
    assert site.name == "Café"


def test_unknown_csv_file_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "payroll.csv").write_text("a,b\n1,2\n")
    (problem,) = _problems(list(read_csv_dir(tmp_path)))
    assert problem.code == "unknown_file" and "payroll.csv" in problem.message


# --- JSON Lines ------------------------------------------------------------------------------


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
        "paid_to_role": "recruiter",
        "purpose": "service_fee",
    },
}


def test_json_numbers_are_exact_decimals_not_floats() -> None:
    record = {**FEE, "data": {**FEE["data"]}}
    line = json.dumps(record).replace('"85000"', "1700.10")
    ((_, event),) = _jsonl(line)
    assert isinstance(event, BaseModel)
    assert event.data.amount == Decimal("1700.10")
    assert to_canonical(event)["data"]["amount"] == "1700.10"
    ((_, event),) = _jsonl(json.dumps(record).replace('"85000"', "1e3"))
    assert to_canonical(event)["data"]["amount"] == "1000"  # type: ignore[arg-type]


def test_json_lines_problems_use_dotted_paths() -> None:
    record = {**FEE, "data": {**FEE["data"], "amount": "85,000", "currency": "Rs"}}
    problems = _problems(_jsonl(FEE, record))
    assert {(p.location.number, p.field) for p in problems} == {
        (2, "data.amount"),
        (2, "data.currency"),
    }
    assert str(problems[0]).startswith("set.jsonl line 2, data.")


def test_json_lines_structural_problems() -> None:
    items = _jsonl(
        "{not json",
        "[1, 2]",
        {"ref": "x"},
        {"kind": "person", "ref": "x"},
        {**FEE, "type": "fee_refunded"},
        {**FEE, "data": {**FEE["data"], "amount": "NaN"}},
        '{"kind": "event", "amount": NaN}',
        {**FEE, "colour": "blue"},
    )
    codes = [(p.location.number, p.code) for p in _problems(items)]
    assert codes == [
        (1, "not_json"),
        (2, "not_an_object"),
        (3, "missing_kind"),
        (4, "unknown_kind"),
        (5, "unknown_event_type"),
        (6, "number"),
        (7, "not_json"),
        (8, "unknown_field"),
    ]


def test_data_of_another_event_type_is_named_as_such() -> None:
    record = {**FEE, "type": "arrived", "data": {"from_country": "NP"}}
    (problem,) = _problems(_jsonl(record))
    assert problem.code == "type_data_mismatch" and problem.field == "type"
    assert "departed" in problem.message


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(FEE) + "\n\n" + json.dumps({**FEE, "source": "boss"}) + "\n")
    (problem,) = _problems(list(read_jsonl(path)))
    assert problem.location.number == 3


# --- personal data never appears in a message -----------------------------------------------


def test_personal_data_is_never_quoted(tmp_path: Path) -> None:
    secret_date, secret_name = "1998-13-45", "Sita Sharma " * 30
    header = "ref,origin_country,destination_country,sector,pii_full_name,pii_birth_date"
    row = f"w-1,NP,MY,manufacturing,{secret_name},{secret_date}"
    csv_problems = _problems(_csv(tmp_path, "workers.csv", header, row))
    worker = {
        "kind": "worker",
        "ref": "w-1",
        "origin_country": "NP",
        "destination_country": "MY",
        "sector": "manufacturing",
        "pii": {
            "full_name": secret_name,
            "birth_date": secret_date,
            "phone": 977,
            "nickname": "Situ",
        },
    }
    grievance = {
        **FEE,
        "type": "grievance_filed",
        "data": {
            "channel": "sms",
            "category": "wages",
            "anonymous": "perhaps",
            "pii": {"text": ""},
        },
    }
    json_problems = _problems(_jsonl(worker, grievance))
    assert {p.field for p in csv_problems} == {"pii_full_name", "pii_birth_date"}
    assert {p.field for p in json_problems} >= {
        "pii.full_name",
        "pii.birth_date",
        "pii.phone",
        "pii.nickname",
        "data.pii.text",
    }
    for p in csv_problems + json_problems:
        text = str(p)
        assert "13-45" not in text and "Sita" not in text and "977" not in text
    assert any("the value" in p.message for p in csv_problems)


# --- XLSX cells as Excel types them ---------------------------------------------------------


def _book(tmp_path: Path, rows: list[list[object]], sheet: str = "payslips") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.create_sheet("_notes").append(["anything the clerk likes"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def _typed_payslip(**cells: object) -> list[list[object]]:
    header = PAYSLIP_HEADER.split(",")
    values: dict[str, object] = dict(zip(header, GOOD_PAYSLIP.split(","), strict=True))
    values.update(cells)
    return [header, [values[h] for h in header]]


def test_xlsx_numbers_and_dates_typed_by_a_clerk_are_read_exactly(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        _typed_payslip(
            net_pay=1840.38,
            basic_pay=1700,
            overtime_pay=490.5,
            rest_days_worked=2,
            period_start=datetime(2025, 3, 1),  # noqa: DTZ001 (Excel cells are naive)
            worker_ref=1001,
        ),
    )
    ((location, record),) = list(read_xlsx(path))
    assert str(location) == "book.xlsx sheet payslips row 2"
    assert isinstance(record, BaseModel), [str(p) for p in record]
    data = to_canonical(record)["data"]
    assert (data["net_pay"], data["basic_pay"], data["overtime_pay"]) == (
        "1840.38",
        "1700",
        "490.5",
    )
    assert data["period_start"] == "2025-03-01"
    assert to_canonical(record)["worker_ref"] == "1001"


def test_xlsx_cells_that_cannot_be_read_exactly_are_refused(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        _typed_payslip(
            net_pay=1 / 3,  # stored as 0.3333333333333333: 16 digits, computed not typed
            basic_pay=datetime(2025, 1, 2),  # noqa: DTZ001 (Excel cells are naive)
            period_end=datetime(2025, 3, 31, 17, 30),  # noqa: DTZ001 (Excel cells are naive)
        ),
    )
    ((_, problems),) = list(read_xlsx(path))
    assert isinstance(problems, list)
    assert {(p.field, p.code) for p in problems} == {
        ("net_pay", "inexact_number"),
        ("basic_pay", "date_cell"),
        ("period_end", "time_in_date"),
    }
    assert all(str(p).startswith("book.xlsx sheet payslips row 2, ") for p in problems)


def test_unknown_sheet_is_reported_and_underscore_sheets_are_ignored(tmp_path: Path) -> None:
    path = _book(tmp_path, [["a"], ["b"]], sheet="Sheet1")
    (problem,) = _problems(list(read_xlsx(path)))
    assert problem.code == "unknown_sheet" and "Sheet1" in problem.message


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_text("this is not a zip")
    (problem,) = _problems(list(read_path(path)))
    assert problem.code == "not_a_workbook"


# --- property: any single corrupted field is found at its line and field ---------------------

BAD = {
    "decimal": "RM1,200",
    "date": "31/12/2024",
    "enum": "sometimes",
    "int": "many",
    "bool": "maybe",
}
_REF_COLUMNS = {
    "ref",
    "worker_ref",
    "org_ref",
    "from_ref",
    "to_ref",
    "employer_ref",
    "site_ref",
    "paid_to_ref",
    "lender_ref",
    "held_by_ref",
    "supersedes",
}


def _corruptible(column: Column) -> str | None:
    if column.personal:
        return None
    if column.shape in BAD:
        return BAD[column.shape]
    if column.name in _REF_COLUMNS:
        return "no spaces allowed"
    if column.name.endswith("country") or column.name.endswith("currency"):
        return "Malaysia"
    return None


NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
CORRUPT = settings(
    max_examples=40, deadline=None, phases=NO_SHRINK, suppress_health_check=[HealthCheck.too_slow]
)


@CORRUPT
@given(data_sets(), st.data())
def test_a_corrupted_csv_cell_is_reported_at_its_line_and_column(
    records: list[BaseModel], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        files = write_csv(records, directory)
        path = data.draw(st.sampled_from(files))
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        layout = layouts()[path.name]
        row = data.draw(st.integers(1, len(rows) - 1))
        # Corrupt a value that is there (filling an empty cell of an absent optional object,
        # e.g. a licence date without a licence number, is a different mistake).
        candidates = [
            (i, v)
            for i, name in enumerate(rows[0])
            if rows[row][i] and name in layout.by_name and (v := _corruptible(layout.by_name[name]))
        ]
        index, bad = data.draw(st.sampled_from(candidates))
        rows[row][index] = bad
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
        problems = _problems(list(read_csv_dir(directory)))
    assert [(p.location.file, p.location.number, p.field) for p in problems] == [
        (path.name, row + 1, rows[0][index])
    ], [str(p) for p in problems]
    assert bad.split(",")[0] in problems[0].message


@CORRUPT
@given(data_sets(), st.data())
def test_a_corrupted_json_field_is_reported_at_its_line_and_path(
    records: list[BaseModel], data: st.DataObject
) -> None:
    number = data.draw(st.integers(0, len(records) - 1))
    canonical = json.loads(json.dumps(to_canonical(records[number])))
    kind = canonical["kind"]
    layout = layout_of(kind, canonical.get("type") if kind == "event" else None)
    present = []
    for column in layout.columns:
        value = canonical
        for part in column.path:
            value = value.get(part) if isinstance(value, dict) else None
        bad = _corruptible(column)
        if value is not None and bad is not None and column.shape != "list":
            present.append((column.path, bad))
    if not present:
        return
    path, bad = data.draw(st.sampled_from(present))
    target = canonical
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = bad
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp, "set.jsonl")
        write_jsonl(records, file)
        lines = file.read_bytes().splitlines()
        lines[number] = json.dumps(canonical).encode()
        file.write_bytes(b"\n".join(lines) + b"\n")
        problems = _problems(list(read_jsonl(file)))
    assert [(p.location.number, p.field) for p in problems] == [(number + 1, jsonl_field(path))], [
        str(p) for p in problems
    ]
