"""The journey format (spec/journey-format.md): parse, validate, canonicalise and export.

Readers stream `(Location, record)` or `(Location, [Problem, ...])` from JSON Lines, a
directory of CSV files or an XLSX workbook; `DataSetChecks` / `check_references` check across
records; `to_canonical` / `canonical_bytes` give the exact form the journey log commits to;
writers export the same three forms; `template_files` gives the templates a clerk fills in.
"""

from fairpath.interchange.canonical import (
    canonical_bytes,
    canonical_without_pii,
    pii_of,
    record_bytes,
    strip_pii,
    to_canonical,
    with_pii,
)
from fairpath.interchange.checks import (
    DataSetChecks,
    check_data_set,
    check_references,
    references,
)
from fairpath.interchange.layout import EVENT_FILES, RECORD_FILES, FileLayout, layouts
from fairpath.interchange.problems import MESSAGES, Location, Problem
from fairpath.interchange.readers import (
    Item,
    batched,
    iter_csv,
    iter_jsonl,
    parse_json_line,
    read_csv_dir,
    read_csv_file,
    read_jsonl,
    read_path,
    read_xlsx,
)
from fairpath.interchange.templates import column_reference_markdown, template_files
from fairpath.interchange.writers import export_sort_key, write_csv, write_jsonl, write_xlsx

__all__ = [
    "EVENT_FILES",
    "MESSAGES",
    "RECORD_FILES",
    "DataSetChecks",
    "FileLayout",
    "Item",
    "Location",
    "Problem",
    "batched",
    "canonical_bytes",
    "canonical_without_pii",
    "check_data_set",
    "check_references",
    "column_reference_markdown",
    "export_sort_key",
    "iter_csv",
    "iter_jsonl",
    "layouts",
    "parse_json_line",
    "pii_of",
    "read_csv_dir",
    "read_csv_file",
    "read_jsonl",
    "read_path",
    "read_xlsx",
    "record_bytes",
    "references",
    "strip_pii",
    "template_files",
    "to_canonical",
    "with_pii",
    "write_csv",
    "write_jsonl",
    "write_xlsx",
]
