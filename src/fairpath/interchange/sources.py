"""Which reader a path needs, and the order in which paths import.

A path is a JSON Lines file (`.jsonl`, `.ndjson`), one CSV file named after its template
(`payslips.csv`), a directory of such CSV files (read organizations → events), or an XLSX
workbook. CSV files given one by one import in the order of the templates, so workers are
stored before the events that name them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from fairpath.domain.errors import InvalidInputError
from fairpath.interchange.layout import layouts
from fairpath.interchange.problems import Location, problem
from fairpath.interchange.readers import Item, read_csv_dir, read_csv_file, read_jsonl, read_xlsx

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def ordered_sources(paths: Sequence[Path]) -> list[Path]:
    """`paths` with template CSV files sorted into dependency order; others keep their place."""
    order = {name: position for position, name in enumerate(layouts())}
    csvs = sorted(
        (p for p in paths if p.suffix.lower() == ".csv" and p.name in order),
        key=lambda p: order[p.name],
    )
    position = iter(csvs)
    return [next(position) if p.suffix.lower() == ".csv" and p.name in order else p for p in paths]


def read_source(path: Path) -> Iterator[Item]:
    """The records of one source, each with its location, or the problems found there."""
    suffix = path.suffix.lower()
    if path.is_dir():
        yield from read_csv_dir(path)
    elif not path.exists():
        yield (
            Location(path.name),
            [problem("cannot_read", Location(path.name), reason="no such file")],
        )
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path)
    elif suffix == ".csv":
        yield from read_csv_file(path)
    elif suffix == ".xlsx":
        yield from read_xlsx(path)
    else:
        raise InvalidInputError(
            "fairpath imports .jsonl files, .csv files named after a template (or a folder of "
            "them) and .xlsx workbooks; save the file in one of these forms",
            where=path.name,
        )
