"""Reading the journey format into domain records, streaming (spec/journey-format.md §2–4).

Owns the three readers — JSON Lines (the canonical form), a directory of CSV files, one XLSX
workbook — and `read_path`, which picks one by the path. Each is a generator of
`(Location, record)` for a good record or `(Location, [Problem, ...])` for a bad one, so a
million-event file never needs a million objects in memory, and every problem of the file is
reported, not only the first (spec §4).

Values are read exactly: JSON numbers become `Decimal` (`parse_float=Decimal`, spec §2), CSV
cells stay text until the domain model reads them, and XLSX cells are converted as described in
`_cell_text`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fairpath.domain.journey import EVENT_DATA, Record, unknown_fields, unknown_fields_in
from fairpath.interchange.layout import (
    EVENT_MODELS,
    RECORD_MODELS,
    Column,
    FileLayout,
    layout_for_sheet,
    layouts,
)
from fairpath.interchange.problems import (
    Location,
    Problem,
    from_validation_error,
    jsonl_field,
    problem,
    show,
)

#: One item of a reader's stream: a valid record, or every problem of one bad line/row.
Item = tuple[Location, BaseModel | list[Problem]]

_KINDS = ", ".join([*RECORD_MODELS, "event"])
_EVENT_TYPES = ", ".join(EVENT_MODELS)
# A \u escape of a UTF-16 surrogate; only then is a line checked for an unpaired half.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INT = re.compile(r"^-?\d+$")

T = TypeVar("T")


def batched(iterable: Iterable[T], n: int) -> Iterator[list[T]]:
    """Lists of up to `n` consecutive items, for writing a stream in transactions of `n`."""
    if n < 1:
        raise ValueError("a batch holds at least one item")
    it = iter(iterable)
    while batch := list(islice(it, n)):
        yield batch


# --- JSON Lines ---------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in the journey format")


# One decoder for every line: json.loads with parse_float builds a new decoder per call.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)


def model_for(obj: dict[str, Any], location: Location) -> type[BaseModel] | Problem:
    """The model a JSON record names by its `kind` (and, for events, its `type`)."""
    kind = obj.get("kind")
    if kind is None:
        return problem("missing_kind", location, "kind", choices=_KINDS)
    if kind == "event":
        event_type = obj.get("type")
        if event_type is None:
            return problem("missing_event_type", location, "type", choices=_EVENT_TYPES)
        model = EVENT_MODELS.get(event_type) if isinstance(event_type, str) else None
        if model is None:
            return problem(
                "unknown_event_type", location, "type", value=show(event_type), choices=_EVENT_TYPES
            )
        return model
    model = RECORD_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return problem("unknown_kind", location, "kind", value=show(kind), choices=_KINDS)
    return model


def _misplaced_type(obj: dict[str, Any]) -> str | None:
    """The one other event type whose data `obj["data"]` is, if there is exactly one."""
    data = obj.get("data")
    if not isinstance(data, dict):
        return None
    fits = []
    for event_type, model in EVENT_DATA.items():
        if event_type.value == obj.get("type"):
            continue
        try:
            fitted = model.model_validate(data)
        except ValidationError:
            continue
        if not unknown_fields(fitted):  # fields of yet another type do not fit
            fits.append(event_type.value)
    return fits[0] if len(fits) == 1 else None


def parse_object(obj: Any, location: Location) -> Item:
    """Validate one decoded JSON record."""
    if not isinstance(obj, dict):
        return location, [problem("not_an_object", location)]
    model = model_for(obj, location)
    if isinstance(model, Problem):
        return location, [model]
    try:
        record = model.model_validate(obj)
    except ValidationError as exc:
        return location, _invalid_object(obj, model, exc, location)
    unknown = unknown_fields(record) if isinstance(record, Record) else []
    if unknown:
        return location, [_unknown_field(location, path) for path in unknown]
    return location, record


def _unknown_field(location: Location, path: tuple[str | int, ...]) -> Problem:
    return problem("unknown_field", location, jsonl_field(path), name=str(path[-1]))


def _invalid_object(
    obj: dict[str, Any], model: type[BaseModel], exc: ValidationError, location: Location
) -> list[Problem]:
    """Every problem of a record that failed validation, unknown fields included."""
    unknown = unknown_fields_in(obj, model) if issubclass(model, Record) else []
    name = _jsonl_name
    data_failed = any(err["loc"][:1] == ("data",) for err in exc.errors())
    if data_failed and obj.get("kind") == "event" and (other := _misplaced_type(obj)):
        # The data is valid — for another type: one message about the type, not one per
        # field of the data.
        value = show(obj.get("type"))
        outside = [_unknown_field(location, p) for p in unknown if p[:1] != ("data",)]
        rest = from_validation_error(exc, location, name, skip=[("data",)])
        mismatch = problem("type_data_mismatch", location, "type", value=value, other=other)
        return [*outside, *rest, mismatch]
    problems = [_unknown_field(location, path) for path in unknown]
    return [*problems, *from_validation_error(exc, location, name)]


def _jsonl_name(loc: tuple[str | int, ...]) -> tuple[str, str]:
    return jsonl_field(loc), ""


def parse_json_line(line: str | bytes, location: Location) -> Item:
    """Decode and validate one line of a JSON Lines file."""
    try:
        text = line.decode("utf-8-sig") if isinstance(line, bytes) else line
        obj = _DECODER.decode(text)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = getattr(exc, "msg", None) or "undecodable text"
        column = getattr(exc, "colno", None)
        where = f"{reason} at character {column}" if column else reason
        return location, [problem("not_json", location, reason=where)]
    escape = _SURROGATE_ESCAPE if isinstance(line, str) else _SURROGATE_ESCAPE_BYTES
    if escape.search(line) and _has_lone_surrogate(obj):  # type: ignore[arg-type]
        return location, [problem("lone_surrogate", location)]
    return parse_object(obj, location)


def _has_lone_surrogate(obj: Any) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_jsonl(path: Path, *, name: str | None = None) -> Iterator[Item]:
    """Records of a JSON Lines file, one per non-blank line; line numbers start at 1."""
    label = name or path.name
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Location(label), [problem("cannot_read", Location(label), reason=exc.strerror)]
        return
    with handle:
        yield from iter_jsonl(handle, label)


def iter_jsonl(lines: Iterable[bytes], label: str) -> Iterator[Item]:
    """Records of JSON Lines given as raw lines (a file opened in binary, an upload)."""
    for number, raw in enumerate(lines, 1):
        line = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
        if not line.strip():
            continue
        yield parse_json_line(line, Location(label, number))


# --- CSV and XLSX rows -------------------------------------------------------------------


class _Header:
    """The columns a file's header row names, checked against its layout (spec §3)."""

    def __init__(self, layout: FileLayout, names: Sequence[str], location: Location) -> None:
        self.layout = layout
        self.plan: list[tuple[int, Column | None, tuple[str, ...]]] = []
        self.problems: list[Problem] = []
        self.missing_paths: list[tuple[str | int, ...]] = []
        self.blank_columns: list[int] = []
        by_name = layout.by_name
        seen: set[str] = set()
        for index, raw_name in enumerate(names):
            name = raw_name.strip()
            if not name:
                self.blank_columns.append(index)
                continue
            if name in seen:
                self.problems.append(problem("duplicate_column", location, name, name=name))
                continue
            seen.add(name)
            column = by_name.get(name)
            ext = None if column else layout.extension_path(name)
            if column is None and ext is None:
                self.problems.append(
                    problem("unknown_column", location, name, name=name, file=layout.file_name)
                )
                continue
            self.plan.append((index, column, column.path if column else ext or ()))
        for column in layout.columns:
            if column.required and column.name not in seen:
                self.problems.append(
                    problem("missing_column", location, column.name, name=column.name)
                )
                self.missing_paths.append(column.path)


def csv_field(layout: FileLayout) -> Callable[[tuple[str | int, ...]], tuple[str, str]]:
    """Turns a validation path into (column name, message prefix) for a CSV/XLSX user."""
    is_event = layout.event_type is not None

    def name(loc: tuple[str | int, ...]) -> tuple[str, str]:
        parts = loc[1:] if is_event and loc[:1] == ("data",) else loc
        for i, part in enumerate(parts):
            if isinstance(part, int):
                rest = " ".join(str(p) for p in parts[i + 1 :])
                return "_".join(
                    map(str, parts[:i])
                ), f"item {part + 1}{' ' + rest if rest else ''}: "
        return "_".join(map(str, parts)), ""

    return name


def _set(target: dict[str, Any], path: Sequence[str | int], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(str(part), {})
    target[str(path[-1])] = value


def _cell_value(  # noqa: PLR0911 (one return per cell shape)
    column: Column, cell: str, location: Location
) -> tuple[Any, Problem | None]:
    """The value a non-empty text cell gives its field (lists split, booleans read)."""
    if column.shape == "bool":
        value = _BOOLEANS.get(cell.strip().lower())
        if value is None:
            return None, problem(
                "not_a_boolean", location, column.name, value=show(cell, column.personal)
            )
        return value, None
    if column.shape == "int" and _INT.match(cell):
        return int(cell), None
    if column.shape == "list":
        return cell.split(";"), None
    if column.shape == "items":
        items = []
        for number, part in enumerate(cell.split(";"), 1):
            pieces = part.split(":")
            if len(pieces) != len(column.item_fields):
                form = ":".join(column.item_fields)
                return None, problem(
                    "bad_list_item", location, column.name, item=number, value=show(part), form=form
                )
            items.append(dict(zip(column.item_fields, pieces, strict=True)))
        return items, None
    return cell, None


def row_to_item(
    header: _Header,
    cells: Sequence[str],
    location: Location,
    early: Sequence[Problem] = (),
    early_paths: Sequence[tuple[str | int, ...]] = (),
) -> Item:
    """Validate one data row given as text cells (`early`: problems found reading the cells)."""
    layout = header.layout
    record: dict[str, Any] = {"kind": layout.kind}
    if layout.event_type is not None:
        record["type"] = layout.event_type
    for path in layout.required_objects:
        _ensure(record, path)
    problems = list(early)
    skip: list[tuple[str | int, ...]] = [*header.missing_paths, *early_paths]
    for index, column, path in header.plan:
        cell = cells[index] if index < len(cells) else ""
        if cell == "":
            continue
        if column is None:
            _set(record, path, cell)  # an x_ extension column: kept as text
            continue
        value, bad = _cell_value(column, cell, location)
        if bad is not None:
            problems.append(bad)
            skip.append(column.path)
            continue
        _set(record, path, value)
    try:
        result = layout.model.model_validate(record)
    except ValidationError as exc:
        problems.extend(from_validation_error(exc, location, csv_field(layout), skip))
        return location, problems
    return (location, problems) if problems else (location, result)


def _ensure(record: dict[str, Any], path: tuple[str, ...]) -> None:
    target = record
    for part in path:
        target = target.setdefault(part, {})


def _rows(header: _Header, rows: Iterable[tuple[Location, Sequence[str]]]) -> Iterator[Item]:
    for location, cells in rows:
        if not any(cells):
            continue  # blank rows (spreadsheets keep some) are not records
        blanks = [i for i in header.blank_columns if i < len(cells) and cells[i]]
        early = [problem("unknown_column", location, "", name="", file=header.layout.file_name)]
        yield row_to_item(header, cells, location, early if blanks else ())


def read_csv_file(path: Path, *, layout: FileLayout | None = None) -> Iterator[Item]:
    """Records of one CSV file; its name (e.g. payslips.csv) says what they are."""
    layout = layout or layouts().get(path.name)
    if layout is None:
        yield Location(path.name), [problem("unknown_file", Location(path.name), name=path.name)]
        return
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield (
            Location(path.name),
            [problem("cannot_read", Location(path.name), reason=exc.strerror)],
        )
        return
    with handle:
        yield from iter_csv(handle, layout, path.name)


def iter_csv(
    handle: io.TextIOBase | Iterable[str], layout: FileLayout, label: str
) -> Iterator[Item]:
    """Records of CSV text (header row first) laid out as `layout`."""
    reader = csv.reader(handle)
    last_line = 0
    try:
        names = next(reader, None)
        if names is None:
            yield Location(label, 1), [problem("missing_header", Location(label, 1))]
            return
        header = _Header(layout, names, Location(label, 1))
        if header.problems:
            yield Location(label, 1), header.problems
        last_line = reader.line_num

        def numbered() -> Iterator[tuple[Location, list[str]]]:
            nonlocal last_line
            for cells in reader:
                start = last_line + 1
                last_line = reader.line_num
                yield Location(label, start), cells

        yield from _rows(header, numbered())
    except UnicodeDecodeError:
        yield Location(label, last_line + 1), [problem("not_utf8", Location(label, last_line + 1))]
    except csv.Error as exc:
        loc = Location(label, last_line + 1)
        yield loc, [problem("cannot_read", loc, reason=str(exc))]


def read_csv_dir(directory: Path) -> Iterator[Item]:
    """Records of every template file in `directory`, in the order organizations → events."""
    known = layouts()
    for file_name, layout in known.items():
        path = directory / file_name
        if path.is_file():
            yield from read_csv_file(path, layout=layout)
    for path in sorted(directory.glob("*.csv")):
        if path.name not in known:
            yield (
                Location(path.name),
                [problem("unknown_file", Location(path.name), name=path.name)],
            )


# --- XLSX ----------------------------------------------------------------------------------

# A value a clerk types has at most 15 significant digits: Excel keeps 15 (ECMA-376 stores the
# double; Excel displays and edits 15 digits). Such a value's shortest repr (Python's `repr`,
# shortest round-trip) is exactly the digits typed, so Decimal(repr(x)) is exact. More digits
# mean the number was computed in binary (e.g. 0.1+0.2 = 0.30000000000000004): refuse it.
_TYPED_DIGITS = 15


def _cell_text(  # noqa: PLR0911 (one return per cell type openpyxl gives)
    value: Any, column: Column | None, location: Location
) -> tuple[str, Problem | None]:
    """The text a typed XLSX cell stands for (as it would be written in a CSV cell)."""
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    name = column.name if column else ""
    personal = column.personal if column else False
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if len(exact.as_tuple().digits) > _TYPED_DIGITS:
            return "", problem("inexact_number", location, name, value=show(repr(value), personal))
        return format(exact.normalize() if value.is_integer() else exact, "f"), None
    if isinstance(value, datetime):
        day = value.date()
        if column is None or column.shape != "date":
            return "", problem("date_cell", location, name, value=show(day.isoformat(), personal))
        if value != datetime(day.year, day.month, day.day):  # noqa: DTZ001 (a naive cell value)
            return "", problem("time_in_date", location, name, value=show(str(value), personal))
        return day.isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    return "", problem("not_a_cell_value", location, name, value=show(str(value), personal))


def read_xlsx(path: Path) -> Iterator[Item]:
    """Records of a workbook with one sheet per template file (sheet `payslips` = payslips.csv).

    Sheets whose name starts with `_` (the template's `_guide` sheet, a clerk's notes) are
    skipped. Formulas are read as their last computed value.
    """
    # openpyxl (and numpy, which it loads) only when a workbook is read: the processes that
    # prepare a JSON Lines import start faster without them.
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    where = Location(path.name)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as exc:
        yield where, [problem("not_a_workbook", where, reason=type(exc).__name__)]
        return
    except Exception as exc:  # zipfile.BadZipFile and friends: still the user's file
        yield where, [problem("not_a_workbook", where, reason=type(exc).__name__)]
        return
    try:
        for sheet in book.worksheets:
            title = sheet.title
            if title.startswith("_"):
                continue
            layout = layout_for_sheet(title)
            if layout is None:
                loc = Location(path.name, None, title)
                yield loc, [problem("unknown_sheet", loc, name=title)]
                continue
            sheet.reset_dimensions()  # some writers declare a wrong size; read every cell
            yield from _sheet_items(sheet.iter_rows(values_only=True), layout, path.name, title)
    finally:
        book.close()


def _sheet_items(
    rows: Iterable[Sequence[Any]], layout: FileLayout, file: str, sheet: str
) -> Iterator[Item]:
    numbered = enumerate(rows, 1)
    first = next(numbered, None)
    if first is None:
        return  # an empty sheet holds no records
    header_loc = Location(file, 1, sheet)
    names = ["" if v is None else str(v) for v in first[1]]
    header = _Header(layout, names, header_loc)
    if header.problems:
        yield header_loc, header.problems
    columns: dict[int, Column | None] = {i: c for i, c, _ in header.plan}
    for number, values in numbered:
        if all(v is None or v == "" for v in values):
            continue
        location = Location(file, number, sheet)
        cells: list[str] = []
        early: list[Problem] = []
        early_paths: list[tuple[str | int, ...]] = []
        for index, value in enumerate(values):
            column = columns.get(index)
            text, bad = _cell_text(value, column, location)
            if bad is not None:
                early.append(bad)
                if column is not None:
                    early_paths.append(column.path)
            cells.append(text)
        yield row_to_item(header, cells, location, early, early_paths)


# --- any path ------------------------------------------------------------------------------


def read_path(path: Path) -> Iterator[Item]:
    """Records of a JSON Lines file, a CSV file, a directory of CSV files or an XLSX workbook."""
    if path.is_dir():
        return read_csv_dir(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv_file(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    where = Location(path.name)
    return iter([(where, [problem("unknown_file", where, name=path.name)])])
