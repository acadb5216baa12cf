"""The CSV/XLSX layout of the journey format (spec/journey-format.md §3), derived from the models.

Owns the file names (one per record kind and per event type), the columns of each file and the
rules that turn a record's nested fields into columns and back:

- a column is the path of a field with its parts joined by `_` (`terms_wage_amount`,
  `pii_full_name`, `evidence_kind`);
- an event's `data` fields are written WITHOUT a `data_` prefix (`net_pay`, not `data_net_pay`);
  the event's own fields (`ref`, `worker_ref`, `date`, `source`, `evidence_*`, `supersedes`) and
  its data fields never share a name, which `_build` checks when the layout is built, so the
  flattening is unambiguous;
- `kind` is implied by the file and, for events, so is `type` — neither is a column;
- `x_…` extension fields: `x_note` is a field of the record itself, `data_x_note` of an event's
  data, `terms_x_note` / `pii_x_note` / `evidence_x_note` of that nested object;
- list cells use `;` between items, and list items that are objects write their fields in a
  fixed order separated by `:` (`housing:150;recruitment_fee:200`, terms deductions
  `kind:amount:per`).

Everything here is computed from the domain models once, so the models stay the one place the
format's fields are declared.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from fairpath.domain.journey import (
    EVENT_DATA,
    Event,
    EventType,
    Link,
    Organization,
    Site,
    Worker,
)

Shape = Literal["text", "int", "decimal", "date", "bool", "enum", "list", "items"]
RecordKind = Literal["organization", "site", "link", "worker", "event"]

#: File names (spec §3 gives some as examples; the rest are ours, one per event type). The XLSX
#: sheet of a file is its name without `.csv`.
RECORD_FILES: dict[str, str] = {
    "organization": "organizations.csv",
    "site": "sites.csv",
    "link": "links.csv",
    "worker": "workers.csv",
}
EVENT_FILES: dict[EventType, str] = {
    EventType.JOB_OFFERED: "job_offers.csv",
    EventType.CONTRACT_SIGNED: "contracts.csv",
    EventType.FEE_PAID: "fees.csv",
    EventType.LOAN_TAKEN: "loans.csv",
    EventType.DEPARTED: "departures.csv",
    EventType.ARRIVED: "arrivals.csv",
    EventType.DOCUMENT_HELD: "documents_held.csv",
    EventType.DOCUMENT_RETURNED: "documents_returned.csv",
    EventType.PAYSLIP: "payslips.csv",
    EventType.CONTRACT_ENDED: "contract_ends.csv",
    EventType.REMEDY_PAID: "remedies.csv",
    EventType.GRIEVANCE_FILED: "grievances.csv",
    EventType.RETURNED_HOME: "returns_home.csv",
}

#: The model of each event type, taken from the `Event` union (one source of truth).
EVENT_MODELS: dict[str, type[BaseModel]] = {}
for _cls in typing.get_args(typing.get_args(Event)[0]):
    (_type,) = typing.get_args(_cls.model_fields["type"].annotation)
    EVENT_MODELS[str(_type.value)] = _cls

RECORD_MODELS: dict[str, type[BaseModel]] = {
    "organization": Organization,
    "site": Site,
    "link": Link,
    "worker": Worker,
}

# Fields implied by the file (and so never columns).
_IMPLIED = frozenset({"kind", "type", "data"})


@dataclass(frozen=True, slots=True)
class Column:
    """One column of one file: the field it holds and how its cell is written."""

    name: str
    path: tuple[str, ...]
    shape: Shape
    required: bool
    personal: bool
    choices: tuple[str, ...] = ()
    item_fields: tuple[str, ...] = ()
    item_shape: Shape = "text"


@dataclass(frozen=True, eq=False)  # one instance per file: compared (and cached) by identity
class FileLayout:
    """The columns of one CSV file / XLSX sheet and the record it holds."""

    file_name: str
    kind: RecordKind
    event_type: str | None
    model: type[BaseModel]
    columns: tuple[Column, ...]
    #: column prefix → path of the object it names, for `<prefix>_x_…` extension columns.
    object_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: objects that must exist even when all their cells are empty (so that a missing field is
    #: reported as missing, not the whole object).
    required_objects: tuple[tuple[str, ...], ...] = ()

    @property
    def sheet(self) -> str:
        return self.file_name.removesuffix(".csv")

    @property
    def by_name(self) -> dict[str, Column]:
        return _by_name(self)

    def extension_path(self, name: str) -> tuple[str, ...] | None:
        """The path of an `x_…` extension column, or None when `name` is not one."""
        if name.startswith("x_"):
            return (name,)
        best: tuple[str, ...] | None = None
        best_len = -1
        for prefix, path in self.object_prefixes.items():
            marker = prefix + "_x_"
            if prefix and name.startswith(marker) and len(prefix) > best_len:
                best, best_len = (*path, name[len(prefix) + 1 :]), len(prefix)
        return best

    def extension_column(self, path: tuple[str, ...]) -> str:
        """The column name of an extension field at `path` (inverse of `extension_path`)."""
        parent, name = path[:-1], path[-1]
        for prefix, prefix_path in self.object_prefixes.items():
            if prefix_path == parent:
                return f"{prefix}_{name}" if prefix else name
        raise KeyError(path)


@cache
def _by_name(layout: FileLayout) -> dict[str, Column]:
    return {c.name: c for c in layout.columns}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type without Optional/Annotated, whether None is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                raise TypeError(f"cannot lay out a union field: {annotation!r}")
            annotation = args[0]
        else:
            return annotation, optional


def scalar_shape(annotation: Any) -> tuple[Shape, tuple[str, ...]]:  # noqa: PLR0911
    """The cell shape of a scalar type, and its choices when it is an enumeration."""
    tp, _ = _unwrap(annotation)
    if typing.get_origin(tp) is Literal:
        return "enum", tuple(str(getattr(a, "value", a)) for a in typing.get_args(tp))
    if isinstance(tp, type):
        if issubclass(tp, Enum):
            return "enum", tuple(str(m.value) for m in tp)
        if issubclass(tp, bool):
            return "bool", ()
        if issubclass(tp, int):
            return "int", ()
        if issubclass(tp, Decimal):
            return "decimal", ()
        if issubclass(tp, date):
            return "date", ()
        if issubclass(tp, str):
            return "text", ()
    raise TypeError(f"cannot lay out a field of type {tp!r}")


class _Builder:
    def __init__(self) -> None:
        self.columns: list[Column] = []
        self.prefixes: dict[str, tuple[str, ...]] = {}
        self.required_objects: list[tuple[str, ...]] = []

    def walk(
        self,
        model: type[BaseModel],
        *,
        path: tuple[str, ...],
        prefix: str,
        required: bool,
        personal: bool,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        for name, info in model.model_fields.items():
            if name in skip:
                continue
            tp, _ = _unwrap(info.annotation)
            col = f"{prefix}_{name}" if prefix else name
            req = required and info.is_required()
            pers = personal or name == "pii"
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                self.prefixes[col] = (*path, name)
                if req:
                    self.required_objects.append((*path, name))
                self.walk(tp, path=(*path, name), prefix=col, required=req, personal=pers)
            elif typing.get_origin(tp) is list:
                self.columns.append(self._list_column(col, (*path, name), tp, req, pers))
            else:
                shape, choices = scalar_shape(tp)
                self.columns.append(Column(col, (*path, name), shape, req, pers, choices))

    @staticmethod
    def _list_column(col: str, path: tuple[str, ...], tp: Any, req: bool, pers: bool) -> Column:
        (item,) = typing.get_args(tp)
        item_tp, _ = _unwrap(item)
        if isinstance(item_tp, type) and issubclass(item_tp, BaseModel):
            fields = tuple(item_tp.model_fields)
            return Column(col, path, "items", req, pers, item_fields=fields)
        shape, choices = scalar_shape(item_tp)
        return Column(col, path, "list", req, pers, choices, item_shape=shape)


def _build(
    file_name: str, kind: RecordKind, event_type: str | None, model: type[BaseModel]
) -> FileLayout:
    b = _Builder()
    b.prefixes[""] = ()
    if event_type is None:
        b.walk(model, path=(), prefix="", required=True, personal=False, skip=frozenset({"kind"}))
    else:
        b.walk(model, path=(), prefix="", required=True, personal=False, skip=_IMPLIED)
        b.prefixes["data"] = ("data",)
        b.required_objects.append(("data",))
        b.walk(
            EVENT_DATA[EventType(event_type)],
            path=("data",),
            prefix="",
            required=True,
            personal=False,
        )
    names = [c.name for c in b.columns]
    clashes = {n for n in names if names.count(n) > 1}
    clashes |= {n for n in names if n.startswith("x_") or "_x_" in n}
    if clashes:  # a model change made the flattening ambiguous: refuse to guess.
        raise TypeError(f"{file_name}: ambiguous column names {sorted(clashes)}")
    return FileLayout(
        file_name=file_name,
        kind=kind,
        event_type=event_type,
        model=model,
        columns=tuple(b.columns),
        object_prefixes=b.prefixes,
        required_objects=tuple(sorted(b.required_objects, key=len)),
    )


@cache
def layouts() -> dict[str, FileLayout]:
    """Every file of the CSV form, by file name, in the order files are written."""
    out: dict[str, FileLayout] = {}
    for kind, name in RECORD_FILES.items():
        out[name] = _build(name, kind, None, RECORD_MODELS[kind])  # type: ignore[arg-type]
    for event_type, name in EVENT_FILES.items():
        out[name] = _build(name, "event", event_type.value, EVENT_MODELS[event_type.value])
    return out


def layout_for_sheet(sheet: str) -> FileLayout | None:
    """The layout of an XLSX sheet name (the file name without `.csv`)."""
    return layouts().get(sheet + ".csv")


def layout_of(kind: str, event_type: str | None) -> FileLayout:
    """The file a record of `kind` (and event `type`) is written to."""
    if kind == "event":
        return layouts()[EVENT_FILES[EventType(str(event_type))]]
    return layouts()[RECORD_FILES[kind]]
