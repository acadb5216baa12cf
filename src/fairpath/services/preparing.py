"""Preparing parsed records for storage: everything that needs no database, done once.

For each record: its identity, the columns queries filter on, its canonical JSON without
personal data (what the journey log commits to, spec/ledger.md), a keyed digest of the whole
record (personal data included) to recognise a re-import, its personal data as JSON bytes for
encryption, blind-index digests, its references, and its salted commitment leaf.

None of this touches the database, so a large JSON Lines file is prepared in a second process
while the importing process writes earlier batches (`prepared_batches`): on a 2-core machine
that roughly halves the time of a million-event import. The pool is bounded, so
memory stays flat in the file's size.
"""

from __future__ import annotations

import gc
import hmac
import json
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from importlib.machinery import ModuleSpec
from operator import attrgetter
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fairpath.domain.journey import Link, Organization, Record, Site, Worker
from fairpath.domain.references import references_of
from fairpath.interchange.canonical import canonical_parts, pii_of, strip_pii
from fairpath.interchange.problems import Location, Problem
from fairpath.interchange.readers import Item, batched, parse_json_line
from fairpath.interchange.sources import JSONL_SUFFIXES, read_source
from fairpath.ledger.commitment import SALT_SIZE, leaf_from_canonical
from fairpath.privacy.envelope import RandomPool, blind_index

# Commitment salts (spec/ledger.md: 32 random bytes per leaf), one per prepared record.
_SALTS = RandomPool(SALT_SIZE)
# Which personal fields get a blind index, so staff can find a worker by them.
BLIND_INDEXED = ("passport_number", "phone")
BATCH = 2000
# Files at least this large are prepared in a second process; smaller ones inline (starting
# a process costs about a second).
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
# Preparing costs about twice what storing costs, so on two cores two preparing processes
# beside the storing one keep both cores busy (the storing process waits on the database).
PREPARING_PROCESSES = max(1, min(2, os.cpu_count() or 1))
# Bytes of a large file sent to a preparing process at a time: about BATCH lines of a
# typical event (400-500 bytes).
CHUNK_BYTES = BATCH * 450
# The garbage collector's thresholds while importing (Python's defaults: 700, 10, 10). An
# import makes millions of short-lived objects and almost no reference cycles: the youngest
# generation is collected every 50,000 allocations, and the oldest — a pass over every object
# the process holds, about 0.1 s in the importing process — after 100 collections of the
# middle one instead of 10 (measured: 21 such passes, 2.0 s of a million-event import).
GC_THRESHOLDS = (50_000, 10, 100)
# Batches in flight: enough to keep every process busy, few enough that memory does not grow
# with the file.
IN_FLIGHT = 2 * PREPARING_PROCESSES + 1


@dataclass(slots=True)  # not frozen: a frozen dataclass is built five times slower
class Prepared:
    """A record ready to store: no pydantic objects, so it crosses process boundaries cheaply.

    Treated as immutable; a million are built per million-event import.
    """

    file: str
    number: int | None
    sheet: str | None
    kind: str
    key: str
    worker_ref: str | None
    columns: tuple[Any, ...]  # the values of COLUMNS[kind]
    canonical_text: str
    personal: bytes | None
    digest: bytes
    blind: tuple[tuple[str, bytes], ...]
    references: tuple[tuple[str, str, str], ...]  # (kind, ref, field) of `Reference`s
    salt: bytes
    leaf: bytes

    @property
    def location(self) -> Location:
        """Where the record came from (kept as its parts: most records never need it)."""
        return Location(self.file, self.number, self.sheet)

    @property
    def where(self) -> str:
        """Where the record came from, as a person reads it (`payslips.csv line 14`)."""
        return str(self.location)

    @property
    def line(self) -> int | None:
        """The line (or row) number, to sort problems by."""
        return self.number


# A prepared record's fields, as a tuple in declaration order (read in C).
_FIELDS_OF = attrgetter(*(f.name for f in fields(Prepared)))


@dataclass(frozen=True, slots=True)
class Rejected:
    """The problems of one line, as sentences, with the line to sort them by."""

    line: int | None
    problems: tuple[str, ...]


Outcome = Prepared | Rejected


@dataclass(frozen=True, slots=True)
class Keys:
    """The derived keys preparation needs (never the master key itself)."""

    digest: bytes
    blind: bytes


def prepare_item(item: Item, keys: Keys) -> Outcome:
    """Prepare one parsed item (a record, or the problems found on its line)."""
    location, parsed = item
    if isinstance(parsed, list):
        return Rejected(location.number, tuple(str(p) for p in parsed))
    if not isinstance(parsed, Record):  # pragma: no cover - readers only yield records
        raise TypeError(f"unexpected parse result {type(parsed).__name__}")
    return prepare(parsed, location, keys)


def prepare(record: Record, location: Location, keys: Keys) -> Prepared:
    """Everything about `record` that storing it needs and that needs no database."""
    kind, key = identity(record)
    full, encode = canonical_parts(record)
    personal = pii_of(full)
    public = encode(strip_pii(full)) if personal is not None else encode(full)
    whole = encode(full) if personal is not None else public
    salt = _SALTS.take()
    worker_ref = record.ref if isinstance(record, Worker) else record.__dict__.get("worker_ref")
    return Prepared(
        file=location.file,
        number=location.number,
        sheet=location.sheet,
        kind=kind,
        key=key,
        worker_ref=worker_ref,
        columns=columns_of(record),
        canonical_text=public.decode(),
        personal=None if personal is None else _personal_bytes(personal),
        digest=_content_digest(keys.digest, whole),
        blind=_blind(record, personal, keys.blind),
        # plain triples, not `Reference`s: a named tuple is unpickled by a Python call
        references=tuple((r.kind, r.ref, r.field) for r in references_of(record)),
        salt=salt,
        # The leaf commits to the record without personal data; the salt keeps it hiding.
        leaf=leaf_from_canonical(public, salt),
    )


def identity(record: Record) -> tuple[str, str]:
    """(kind, key) under which a record is unique (links: from|to|type)."""
    if isinstance(record, Link):
        return "link", "|".join(record.identity)
    values = record.__dict__  # every other top-level record has a kind and a ref
    return str(values["kind"]), str(values["ref"])


#: The columns of each kind's row that queries filter on (storage/models.py), in the order
#: `columns_of` gives their values.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("ref", "name", "country", "roles", "iris_status"),
    "site": ("ref", "org_ref", "country", "sector"),
    "link": ("from_ref", "to_ref", "type", "tier"),
    "worker": (
        "ref",
        "origin_country",
        "destination_country",
        "sector",
        "employer_ref",
        "site_ref",
    ),
    "event": ("ref", "worker_ref", "type", "date", "supersedes_ref"),
}


def columns_of(record: Record) -> tuple[Any, ...]:
    """The values of `COLUMNS[kind]` for a record (a tuple: a million cross processes)."""
    if isinstance(record, Organization):
        return (
            record.ref,
            record.name,
            record.country,
            ";".join(record.roles),
            record.iris_status.value,
        )
    if isinstance(record, Site):
        return (record.ref, record.org_ref, record.country, record.sector.value)
    if isinstance(record, Link):
        return (record.from_ref, record.to_ref, record.type.value, record.tier)
    if isinstance(record, Worker):
        return (
            record.ref,
            record.origin_country,
            record.destination_country,
            record.sector.value,
            record.employer_ref,
            record.site_ref,
        )
    event = record.__dict__
    day: date = event["date"]
    return (event["ref"], event["worker_ref"], event["type"].value, day, event["supersedes"])


def _content_digest(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256 of a record's canonical bytes under the content-digest key."""
    mac = _keyed(key).copy()  # the key's pads are hashed once, not once per record
    mac.update(data)
    return mac.digest()


@lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod="sha256")


def _personal_bytes(personal: dict[str, Any]) -> bytes:
    return json.dumps(personal, sort_keys=True, ensure_ascii=False).encode()


def _blind(
    record: Record, personal: dict[str, Any] | None, key: bytes
) -> tuple[tuple[str, bytes], ...]:
    if not isinstance(record, Worker) or not personal:
        return ()
    return tuple(
        (name, blind_index(key, name, str(personal[name])))
        for name in BLIND_INDEXED
        if personal.get(name)
    )


# --- the stream of prepared batches for one source ------------------------------------------


def prepared_batches(source: Path, keys: Keys) -> Iterator[list[Outcome]]:
    """Batches of prepared records of one source, in file order."""
    if source.suffix.lower() in JSONL_SUFFIXES and _large(source):
        yield from _parallel_jsonl(source, keys)
        return
    for batch in batched(read_source(source), BATCH):
        yield [prepare_item(item, keys) for item in batch]


def _large(source: Path) -> bool:
    try:
        return source.stat().st_size >= PARALLEL_FROM_BYTES
    except OSError:
        return False


def _parallel_jsonl(source: Path, keys: Keys) -> Iterator[list[Outcome]]:
    # "spawn", not fork: the importing process may hold database connections and threads.
    context = multiprocessing.get_context("spawn")
    with _main_left_alone():
        pool = context.Pool(PREPARING_PROCESSES, initializer=_start_preparing)
    path = str(source.resolve())  # the preparing processes open it themselves
    with pool, source.open("rb") as handle:
        in_flight: deque[Any] = deque()
        for span in _spans(handle):
            in_flight.append(pool.apply_async(_prepare_span, (path, span, keys)))
            if len(in_flight) >= IN_FLIGHT:
                yield [_thawed(item) for item in in_flight.popleft().get()]
        while in_flight:
            yield [_thawed(item) for item in in_flight.popleft().get()]


def _start_preparing() -> None:
    # A preparing process makes millions of short-lived objects and no reference cycles of
    # its own: collecting every 700 allocations (the default) cost a few percent of its time.
    gc.set_threshold(*GC_THRESHOLDS)


@contextmanager
def _main_left_alone() -> Iterator[None]:
    """Start processes that do not import this program's `__main__` again.

    A spawned process first runs the parent's main module (multiprocessing's "prepare"
    step). Under the `fairpath` command that imports the whole CLI, about 3.5 CPU-seconds a
    process, though preparing needs none of it. Spawn leaves a main module alone whose spec
    is named `__main__` (as for `python -m package`), so the pool starts with such a spec.
    """
    with _SPAWNING:  # two imports at once (web requests) must not restore each other's spec
        main = sys.modules["__main__"]
        saved = getattr(main, "__spec__", None)
        main.__spec__ = ModuleSpec("__main__", None)
        try:
            yield
        finally:
            main.__spec__ = saved


_SPAWNING = threading.Lock()


def _spans(handle: Any) -> Iterator[tuple[int, int, int]]:
    """(byte offset, size, first line number) of runs of whole lines, about CHUNK_BYTES each.

    The preparing processes read their lines from the file themselves: sending the lines
    through a pipe cost the importing process, the bottleneck, a few microseconds a record.
    """
    start, number, pending = 0, 1, 0  # `pending`: bytes after `start` not yet in a run
    while block := handle.read(CHUNK_BYTES):
        cut = block.rfind(b"\n")
        if cut < 0:  # a line longer than a chunk goes on
            pending += len(block)
            continue
        size = pending + cut + 1
        yield start, size, number
        number += block.count(b"\n", 0, cut + 1)  # the pending bytes held no line break
        start += size
        pending = len(block) - cut - 1
    if pending:  # the last line, without a line break
        yield start, pending, number


def _prepare_span(path: str, span: tuple[int, int, int], keys: Keys) -> list[tuple[Any, ...]]:
    start, size, first = span
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(size)
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()  # nothing after the last line break
    return _prepare_lines((first, lines), Path(path).name, keys)


def _prepare_lines(
    chunk: tuple[int, Sequence[bytes]], label: str, keys: Keys
) -> list[tuple[Any, ...]]:
    first, lines = chunk
    out: list[tuple[Any, ...]] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            continue  # blank lines are allowed between records
        outcome = prepare_item(parse_json_line(line, Location(label, first + offset)), keys)
        out.append(_frozen(outcome))
    return out


# Results cross from the preparing processes as tuples of built-in values: pickling the
# dataclasses themselves cost more (about 40 µs a record, measured) than preparing them.


def _frozen(outcome: Outcome) -> tuple[Any, ...]:
    if isinstance(outcome, Rejected):
        return (outcome.line, outcome.problems)
    return _FIELDS_OF(outcome)


def _thawed(item: tuple[Any, ...]) -> Outcome:
    if len(item) == 2:  # a Rejected is a pair
        return Rejected(item[0], item[1])
    return Prepared(*item)  # the fields in declaration order, as `_FIELDS_OF` reads them


def outcome_of(location: Location, parsed: BaseModel | list[Problem], keys: Keys) -> Outcome:
    """Prepare one record parsed elsewhere (the web form or API)."""
    return prepare_item((location, parsed), keys)
