"""The columnar input of the bulk engine: one frame per kind of record, their schemas, and the
helpers that build them from journey-format records or read and write them as Parquet.

Frames (polars; every money or hour figure is `Decimal(38, 6)`, never float):

- `workers`   one row per worker: `worker_ref`, `origin`, `destination` (the site's country, else
  `destination_country` — spec/rules.md "Destination"), `sector`, `region` (the site's region).
- `terms`     job offers and contracts (`stage` = pre_departure / on_arrival / renewal /
  job_offered) with the wage, weekly hours, rest days and overtime multiplier they promise.
- `payslips`  one row per payslip event, its `deductions` a list of `{kind, amount}`.
- `fees`      `fee_paid` events; `loans` `loan_taken` events.

Every event frame keeps its `ref`, event `date` and `supersedes`; the engine drops superseded
versions itself (spec/journey-format.md §1.5 "Rules read the newest version"), so the caller may
pass a data set's events as they were recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from fairpath.domain.errors import InvalidInputError
from fairpath.domain.journey import EventType, Site, Worker

MONEY = pl.Decimal(38, 6)
#: Decimal places the frames keep; an amount with more is refused (it would not be exact).
SCALE = 6

_EVENT_COLUMNS: dict[str, Any] = {
    "worker_ref": pl.String,
    "ref": pl.String,
    "date": pl.Date,
    "supersedes": pl.String,
}

WORKERS_SCHEMA: dict[str, Any] = {
    "worker_ref": pl.String,
    "origin": pl.String,
    "destination": pl.String,
    "sector": pl.String,
    "region": pl.String,
}
TERMS_SCHEMA: dict[str, Any] = {
    **_EVENT_COLUMNS,
    "stage": pl.String,
    "employer_ref": pl.String,
    "wage_amount": MONEY,
    "wage_currency": pl.String,
    "wage_per": pl.String,
    "hours_per_week": MONEY,
    "rest_days_per_week": pl.Int32,
    "overtime_multiplier": MONEY,
}
DEDUCTION = pl.Struct({"kind": pl.String, "amount": MONEY})
PAYSLIPS_SCHEMA: dict[str, Any] = {
    **_EVENT_COLUMNS,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "currency": pl.String,
    "normal_hours": MONEY,
    "overtime_hours": MONEY,
    "rest_days_worked": pl.Int32,
    "basic_pay": MONEY,
    "overtime_pay": MONEY,
    "allowances": MONEY,
    "deductions": pl.List(DEDUCTION),
    "net_pay": MONEY,
    "paid_on": pl.Date,
    "paid_amount": MONEY,
}
FEES_SCHEMA: dict[str, Any] = {
    **_EVENT_COLUMNS,
    "amount": MONEY,
    "currency": pl.String,
    "paid_to_role": pl.String,
    "purpose": pl.String,
    "via_deduction": pl.Boolean,
}
LOANS_SCHEMA: dict[str, Any] = {
    **_EVENT_COLUMNS,
    "amount": MONEY,
    "currency": pl.String,
    "lender_role": pl.String,
    "purpose": pl.String,
}
SCHEMAS: Mapping[str, dict[str, Any]] = {
    "workers": WORKERS_SCHEMA,
    "terms": TERMS_SCHEMA,
    "payslips": PAYSLIPS_SCHEMA,
    "fees": FEES_SCHEMA,
    "loans": LOANS_SCHEMA,
}


@dataclass(frozen=True, slots=True)
class BulkInput:
    """The frames one bulk assessment reads (lazy, so Parquet files are scanned, not loaded)."""

    workers: pl.LazyFrame
    payslips: pl.LazyFrame
    terms: pl.LazyFrame
    fees: pl.LazyFrame
    loans: pl.LazyFrame

    def frame(self, name: str) -> pl.LazyFrame:
        frame: pl.LazyFrame = getattr(self, name)
        return frame

    def collected(self) -> BulkInput:
        """The same input held in memory (for repeated runs over one data set)."""
        return replace(
            self,
            **{name: self.frame(name).collect().lazy() for name in SCHEMAS},
        )


def empty(name: str) -> pl.LazyFrame:
    return pl.DataFrame(schema=SCHEMAS[name]).lazy()


def bulk_input(
    workers: pl.DataFrame | pl.LazyFrame,
    payslips: pl.DataFrame | pl.LazyFrame | None = None,
    terms: pl.DataFrame | pl.LazyFrame | None = None,
    fees: pl.DataFrame | pl.LazyFrame | None = None,
    loans: pl.DataFrame | pl.LazyFrame | None = None,
) -> BulkInput:
    """A `BulkInput` from frames, checking each has the columns and types of its schema."""
    given = {"workers": workers, "payslips": payslips, "terms": terms, "fees": fees, "loans": loans}
    frames: dict[str, pl.LazyFrame] = {}
    for name, frame in given.items():
        lazy = empty(name) if frame is None else frame.lazy()
        frames[name] = _checked(name, lazy)
    return BulkInput(**frames)


def _checked(name: str, frame: pl.LazyFrame) -> pl.LazyFrame:
    schema = frame.collect_schema()
    problems = [
        f"{column} ({'missing' if column not in schema else f'{schema[column]}, expected {kind}'})"
        for column, kind in SCHEMAS[name].items()
        if column not in schema or schema[column] != kind
    ]
    if problems:
        raise InvalidInputError(
            f"the {name} frame does not have the expected columns: {', '.join(problems)}; "
            f"build it with fairpath.analytics.frames (SCHEMAS['{name}'])",
            where=f"{name} frame",
        )
    return frame.select(list(SCHEMAS[name]))


# --- Parquet -------------------------------------------------------------------------------------


def write_parquet(data: BulkInput, directory: Path) -> dict[str, Path]:
    """Write each frame to `<directory>/<name>.parquet`; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name in SCHEMAS:
        path = directory / f"{name}.parquet"
        data.frame(name).sink_parquet(path)
        paths[name] = path
    return paths


def scan_parquet(directory: Path) -> BulkInput:
    """Scan `<directory>/<name>.parquet` files written by `write_parquet` (absent files are empty
    frames; `workers.parquet` is required)."""
    frames: dict[str, pl.LazyFrame | None] = {}
    for name in SCHEMAS:
        path = directory / f"{name}.parquet"
        if not path.exists():
            if name == "workers":
                raise InvalidInputError(
                    f"{path} does not exist; write the data set with write_parquet first",
                    where=str(path),
                )
            frames[name] = None
            continue
        frames[name] = pl.scan_parquet(path)
    workers = frames.pop("workers")
    assert workers is not None
    return bulk_input(workers, **frames)


# --- from journey-format records -----------------------------------------------------------------


def _amount(value: Decimal | None, where: str) -> Decimal | None:
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -SCALE:
        raise InvalidInputError(
            f"{value} has more than {SCALE} decimal places; the bulk engine keeps {SCALE} "
            "(use the per-worker engine, or round the figure at its source)",
            where=where,
        )
    return value


def frames_from_events(
    workers: Iterable[Worker], events: Iterable[Any], sites: Iterable[Site] = ()
) -> BulkInput:
    """Frames from journey-format records: workers, their events (all versions, as recorded)
    and the sites that give each worker's destination and region."""
    by_site = {s.ref: s for s in sites}
    worker_rows = []
    for w in workers:
        site = by_site.get(w.site_ref) if w.site_ref else None
        worker_rows.append(
            {
                "worker_ref": w.ref,
                "origin": w.origin_country,
                "destination": site.country if site else w.destination_country,
                "sector": w.sector.value,
                "region": site.region if site else None,
            }
        )
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS if name != "workers"}
    for event in events:
        base = {
            "worker_ref": event.worker_ref,
            "ref": event.ref,
            "date": event.date,
            "supersedes": event.supersedes,
        }
        where = f"event {event.ref}"
        data = event.data
        if event.type in (EventType.CONTRACT_SIGNED, EventType.JOB_OFFERED):
            t = data.terms
            stage = "job_offered" if event.type is EventType.JOB_OFFERED else data.stage.value
            rows["terms"].append(
                {
                    **base,
                    "stage": stage,
                    "employer_ref": data.employer_ref,
                    "wage_amount": _amount(t.wage.amount, where),
                    "wage_currency": t.wage.currency,
                    "wage_per": t.wage.per.value,
                    "hours_per_week": _amount(t.normal_hours_per_week, where),
                    "rest_days_per_week": t.rest_days_per_week,
                    "overtime_multiplier": _amount(t.overtime_multiplier, where),
                }
            )
        elif event.type is EventType.PAYSLIP:
            rows["payslips"].append(
                {
                    **base,
                    "period_start": data.period_start,
                    "period_end": data.period_end,
                    "currency": data.currency,
                    "normal_hours": _amount(data.normal_hours, where),
                    "overtime_hours": _amount(data.overtime_hours, where),
                    "rest_days_worked": data.rest_days_worked,
                    "basic_pay": _amount(data.basic_pay, where),
                    "overtime_pay": _amount(data.overtime_pay, where),
                    "allowances": _amount(data.allowances, where),
                    "deductions": [
                        {"kind": d.kind.value, "amount": _amount(d.amount, where)}
                        for d in data.deductions
                    ],
                    "net_pay": _amount(data.net_pay, where),
                    "paid_on": data.paid_on,
                    "paid_amount": _amount(data.paid_amount, where),
                }
            )
        elif event.type is EventType.FEE_PAID:
            rows["fees"].append(
                {
                    **base,
                    "amount": _amount(data.amount, where),
                    "currency": data.currency,
                    "paid_to_role": data.paid_to_role.value,
                    "purpose": data.purpose.value,
                    "via_deduction": data.via_deduction,
                }
            )
        elif event.type is EventType.LOAN_TAKEN:
            rows["loans"].append(
                {
                    **base,
                    "amount": _amount(data.amount, where),
                    "currency": data.currency,
                    "lender_role": data.lender_role.value,
                    "purpose": data.purpose.value,
                }
            )
    return BulkInput(
        workers=pl.DataFrame(worker_rows, schema=WORKERS_SCHEMA).lazy(),
        **{name: pl.DataFrame(r, schema=SCHEMAS[name]).lazy() for name, r in rows.items()},
    )
