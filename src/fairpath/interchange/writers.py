"""Writing the journey format: JSON Lines, a directory of CSV files, one XLSX workbook.

Owns the exporters, the inverse of the readers: what `write_*` produces, `read_*` reads back
into the same records, and writing those again gives the same bytes (spec §4: export → import
reproduces the data set).

- Records are written in the order given; files (and sheets) in the order organizations,
  sites, links, workers, then one per event type. `export_sort_key` is the order an export of a
  whole data set should use: records by kind in that order, then by ref (links by from, to,
  type; events by worker, date, ref — each worker's journey in order).
- Personal data (`pii`) is left out unless `include_personal_data=True` (spec §1.4); without it
  the pii columns are not in the header at all.
- CSV and XLSX cells are text, exactly the canonical value (amounts keep their digits); `x_…`
  values that are not text are written as their canonical JSON. Extension columns follow the
  template's columns, sorted by name. CSV files are UTF-8 with a byte-order mark so that Excel
  shows non-Latin names correctly.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from fairpath.domain.errors import InvalidInputError
from fairpath.interchange.canonical import canonical_bytes, strip_pii, to_canonical
from fairpath.interchange.layout import Column, FileLayout, layout_of, layouts

Exportable = BaseModel | dict[str, Any]
_KIND_ORDER = {"organization": 0, "site": 1, "link": 2, "worker": 3, "event": 4}


def export_sort_key(record: Exportable) -> tuple[Any, ...]:
    """The order records of a data set are exported in (see the module docstring)."""
    c = record if isinstance(record, dict) else to_canonical(record)
    kind = c.get("kind", "")
    if kind == "link":
        ident: tuple[str, ...] = (c["from_ref"], c["to_ref"], c["type"])
    elif kind == "event":
        ident = (c["worker_ref"], c["date"], c["ref"])
    else:
        ident = (c.get("ref", ""),)
    return (_KIND_ORDER.get(kind, 9), *ident)


def _canonical(record: Exportable, include_personal_data: bool) -> dict[str, Any]:
    c = record if isinstance(record, dict) else to_canonical(record)
    return c if include_personal_data else strip_pii(c)


def write_jsonl(
    records: Iterable[Exportable], path: Path, *, include_personal_data: bool = False
) -> int:
    """Write records as JSON Lines (RFC 8785 canonical JSON per line); returns the count."""
    count = 0
    with path.open("wb") as out:
        for record in records:
            out.write(canonical_bytes(_canonical(record, include_personal_data)) + b"\n")
            count += 1
    return count


# --- rows -----------------------------------------------------------------------------------


def _get(obj: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = obj
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return canonical_bytes(value).decode("utf-8")


def _cell(column: Column, value: Any, ref: str) -> str:
    if value is None:
        return ""
    if column.shape == "list":
        for item in value:
            if not isinstance(item, str) or item == "" or ";" in item:
                raise _unwritable(ref, column.name, f"the item {item!r} cannot go in a list cell")
        return ";".join(value)
    if column.shape == "items":
        parts = []
        for item in value:
            if set(item) - set(column.item_fields):
                raise _unwritable(ref, column.name, "its items carry x_ fields")
            parts.append(":".join(_scalar_text(item.get(f)) for f in column.item_fields))
        return ";".join(parts)
    return _scalar_text(value)


def _unwritable(ref: str, column: str, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"record '{ref}' cannot be written as CSV/XLSX: in {column}, {why}; "
        "export it as JSON Lines",
        where=column,
    )


def _extensions(layout: FileLayout, canonical: dict[str, Any]) -> dict[str, str]:
    out = {}
    for prefix_path in layout.object_prefixes.values():
        obj = _get(canonical, prefix_path) if prefix_path else canonical
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key.startswith("x_"):
                    name = layout.extension_column((*prefix_path, key))
                    out[name] = _scalar_text(value)
    return out


def _columns(layout: FileLayout, include_personal_data: bool) -> list[Column]:
    return [c for c in layout.columns if include_personal_data or not c.personal]


class _Spool:
    """Rows of one file kept on disk until every extension column is known (header first)."""

    def __init__(self, layout: FileLayout, include_personal_data: bool) -> None:
        self.layout = layout
        self.columns = _columns(layout, include_personal_data)
        self.extension_names: set[str] = set()
        self.file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def add(self, canonical: dict[str, Any]) -> None:
        ref = str(canonical.get("ref") or canonical.get("from_ref") or "")
        cells = [_cell(c, _get(canonical, c.path), ref) for c in self.columns]
        ext = _extensions(self.layout, canonical)
        self.extension_names.update(ext)
        self.file.write(json.dumps([cells, ext], ensure_ascii=False) + "\n")

    def rows(self) -> Iterator[list[str]]:
        """The header row, then every row, with extension columns filled in."""
        extensions = sorted(self.extension_names)
        yield [c.name for c in self.columns] + extensions
        self.file.seek(0)
        for line in self.file:
            cells, ext = json.loads(line)
            yield cells + [ext.get(name, "") for name in extensions]
        self.file.close()


def _spool(records: Iterable[Exportable], include_personal_data: bool) -> list[_Spool]:
    spools: dict[str, _Spool] = {}
    try:
        for record in records:
            canonical = _canonical(record, include_personal_data)
            layout = layout_of(canonical["kind"], canonical.get("type"))
            spool = spools.get(layout.file_name)
            if spool is None:
                spool = spools[layout.file_name] = _Spool(layout, include_personal_data)
            spool.add(canonical)
    except BaseException:
        for spool in spools.values():
            spool.file.close()
        raise
    return [spools[name] for name in layouts() if name in spools]


def write_csv(
    records: Iterable[Exportable], directory: Path, *, include_personal_data: bool = False
) -> list[Path]:
    """Write one CSV file per record kind / event type present; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spool in _spool(records, include_personal_data):
        path = directory / spool.layout.file_name
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out, lineterminator="\r\n").writerows(spool.rows())
        written.append(path)
    return written


def write_xlsx(
    records: Iterable[Exportable], path: Path, *, include_personal_data: bool = False
) -> None:
    """Write one workbook with a sheet per file (sheet `payslips` holds payslips.csv's rows)."""
    from openpyxl import Workbook  # noqa: PLC0415 (only when a workbook is written)
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.utils.exceptions import IllegalCharacterError  # noqa: PLC0415

    book = Workbook(write_only=True)
    spools = _spool(records, include_personal_data)
    if not spools:
        book.create_sheet("_empty")  # a workbook needs a sheet; `_` sheets are not read
    for spool in spools:
        sheet = book.create_sheet(spool.layout.sheet)
        for row in spool.rows():
            cells: list[Any] = []
            for value in row:
                if value.startswith("="):  # text, not a formula: keep it as typed
                    cell = WriteOnlyCell(sheet, value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value or None)
            try:
                sheet.append(cells)
            except IllegalCharacterError:
                raise InvalidInputError(
                    f"{spool.layout.sheet}: a value holds a control character that XLSX cannot "
                    "store; export as JSON Lines or CSV"
                ) from None
    book.save(path)
