"""The bulk (columnar) rule engine over millions of payslips; agrees exactly with domain/rules.

`assess_bulk(data, law_book, rates, as_of)` runs the payslip rules of spec/rules.md on a
`BulkInput` (polars frames or Parquet files; see `fairpath.analytics.frames`) and returns the
same findings as `fairpath.domain.rules.assess`, worker by worker. docs/analytics.md describes
the columnar model and how exactness is kept.
"""

from fairpath.analytics.engine import (
    BULK_RULES,
    FINDINGS_SCHEMA,
    NOTES_SCHEMA,
    BulkResult,
    assess_bulk,
)
from fairpath.analytics.frames import (
    SCHEMAS,
    BulkInput,
    bulk_input,
    frames_from_events,
    scan_parquet,
    write_parquet,
)

__all__ = [
    "BULK_RULES",
    "FINDINGS_SCHEMA",
    "NOTES_SCHEMA",
    "SCHEMAS",
    "BulkInput",
    "BulkResult",
    "assess_bulk",
    "bulk_input",
    "frames_from_events",
    "scan_parquet",
    "write_parquet",
]
