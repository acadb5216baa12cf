"""Checks across the records of one data set that need no database (spec §1, §4).

Owns: the same `ref` with different content (both places named), an event that supersedes
itself, an event whose `data` is not that of its `type`, and references — every `*_ref` must
name a record of this data set or one `known(kind, ref)` says is already stored. The import
service supplies `known` (a database lookup); this module never touches storage.

The checker streams: `add` is called once per record as it is read; `finish` reports the
references that were never resolved. It keeps one small entry per identity (the ref, a hash of
the canonical record and where it was), not the records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

from fairpath.domain.journey import EVENT_DATA, EventType, Link
from fairpath.interchange.canonical import record_bytes
from fairpath.interchange.problems import Location, Problem, problem

RefKind = Literal["organization", "site", "worker", "event"]
Known = Callable[[RefKind, str], bool]

# Which field of which record names a record of which kind (spec §1.1–1.5). `finding_refs` of
# remedy_paid name findings, which are not journey records, so they are not checked here.
_RECORD_REFS: dict[str, tuple[tuple[str, RefKind], ...]] = {
    "site": (("org_ref", "organization"),),
    "link": (("from_ref", "organization"), ("to_ref", "organization")),
    "worker": (
        ("employer_ref", "organization"),
        ("site_ref", "site"),
        ("recruiter_refs", "organization"),
    ),
    "event": (("worker_ref", "worker"), ("supersedes", "event")),
}
_DATA_REFS: tuple[tuple[str, RefKind], ...] = (
    ("employer_ref", "organization"),
    ("site_ref", "site"),
    ("paid_to_ref", "organization"),
    ("lender_ref", "organization"),
    ("held_by_ref", "organization"),
)
_WHAT = {"organization": "organization", "site": "site", "worker": "worker", "event": "event"}


def _never_known(kind: RefKind, ref: str) -> bool:
    return False


@cache
def _reference_fields(cls: type[BaseModel]) -> tuple[tuple[str, RefKind], ...]:
    """The reference fields a record class has (its own, then its data's as `data.…`)."""
    kind = cls.model_fields["kind"].default if "kind" in cls.model_fields else ""
    own = tuple((n, k) for n, k in _RECORD_REFS.get(str(kind), ()) if n in cls.model_fields)
    data = cls.model_fields.get("data")
    data_cls = data.annotation if data is not None else None
    if not (isinstance(data_cls, type) and issubclass(data_cls, BaseModel)):
        return own
    return own + tuple((f"data.{n}", k) for n, k in _DATA_REFS if n in data_cls.model_fields)


def references(record: BaseModel) -> Iterator[tuple[str, RefKind, str]]:
    """(field path, kind, ref) for every reference a record makes."""
    for path, target in _reference_fields(type(record)):
        owner: Any = record.data if path.startswith("data.") else record  # type: ignore[attr-defined]
        value = getattr(owner, path.removeprefix("data."))
        if value is None:
            continue
        for ref in value if isinstance(value, list) else (value,):
            yield path, target, ref


def identity(record: BaseModel) -> tuple[str, str]:
    """(kind, identity) of a record: its ref, or (from_ref, to_ref, type) for a link."""
    if isinstance(record, Link):
        return "link", "\x1f".join(record.identity)
    return str(getattr(record, "kind", "")), str(getattr(record, "ref", ""))


class DataSetChecks:
    """Stream the records of a data set through `add`, then call `finish`."""

    def __init__(self, known: Known | None = None, *, field_style: str = "jsonl") -> None:
        self._known = known or _never_known
        self._csv = field_style == "csv"
        # identity → (digest of the canonical record with its personal data, where it was)
        self._seen: dict[tuple[str, str], tuple[bytes, Location]] = {}
        self._pending: list[tuple[Location, str, RefKind, str]] = []
        self.repeats = 0  # records given twice with the same content (a no-op, spec §4)

    def add(
        self, location: Location, record: BaseModel, canonical: bytes | None = None
    ) -> list[Problem]:
        """Problems of one record against those seen before; references are remembered."""
        problems: list[Problem] = []
        key = identity(record)
        digest = hashlib.blake2b(
            canonical if canonical is not None else record_bytes(record, include_pii=True),
            digest_size=16,
        ).digest()
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (digest, location)
        elif earlier[0] == digest:
            self.repeats += 1
        else:
            what, ref = key
            shown = ref.replace("\x1f", " → ") if what == "link" else ref
            problems.append(
                problem(
                    "duplicate_ref", location, "ref", what=what, ref=shown, other=str(earlier[1])
                )
            )
        if key[0] == "event":
            problems.extend(self._event_checks(location, record))
        for path, target, ref in references(record):
            if (target, ref) not in self._seen and not self._known(target, ref):
                self._pending.append((location, path, target, ref))
        return problems

    def _event_checks(self, location: Location, record: Any) -> list[Problem]:
        out = []
        if record.supersedes is not None and record.supersedes == record.ref:
            out.append(problem("supersedes_itself", location, "supersedes", ref=record.ref))
        expected = EVENT_DATA.get(EventType(record.type))
        if expected is not None and type(record.data) is not expected:
            other = next((t.value for t, m in EVENT_DATA.items() if m is type(record.data)), "?")
            out.append(
                problem(
                    "type_data_mismatch", location, "type", value=f"'{record.type}'", other=other
                )
            )
        return out

    def finish(self) -> list[Problem]:
        """References that name nothing in this data set and nothing already stored."""
        out = []
        for location, path, target, ref in self._pending:
            if (target, ref) in self._seen:
                continue
            field = path.removeprefix("data.") if self._csv else path
            out.append(problem("unknown_reference", location, field, what=_WHAT[target], ref=ref))
        self._pending.clear()
        return out


def check_references(
    records: Iterable[tuple[Location, BaseModel]], known: Known | None = None
) -> list[Problem]:
    """Every reference in `records` that is neither in `records` nor `known(kind, ref)`.

    `known` is asked only about refs the data set does not define, once each.
    """
    is_known = known or _never_known
    defined: set[tuple[str, str]] = set()
    pending: list[tuple[Location, str, RefKind, str]] = []
    for location, record in records:
        defined.add(identity(record))
        pending.extend((location, path, kind, ref) for path, kind, ref in references(record))
    answers: dict[tuple[RefKind, str], bool] = {}
    out = []
    for location, path, kind, ref in pending:
        if (kind, ref) in defined:
            continue
        if (kind, ref) not in answers:
            answers[kind, ref] = is_known(kind, ref)
        if not answers[kind, ref]:
            out.append(problem("unknown_reference", location, path, what=_WHAT[kind], ref=ref))
    return out


def check_data_set(
    records: Iterable[tuple[Location, BaseModel]], known: Known | None = None
) -> list[Problem]:
    """All cross-record problems of a data set: duplicates, self-supersession, references."""
    checks = DataSetChecks(known)
    problems: list[Problem] = []
    for location, record in records:
        problems.extend(checks.add(location, record))
    problems.extend(checks.finish())
    return problems
