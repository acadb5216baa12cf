"""Importing journey-format files: each file whole or not at all (spec/journey-format.md §4).

One transaction per file. Records stream through in batches — parsed and validated by
`interchange`, stored and committed to the journey log by `Recorder` — so memory stays flat
in the file's size. Every problem in the file is collected (not just the first); if there is
any, the transaction is rolled back and nothing of the file remains. References are checked
against the file and what is already stored; a reference to a record later in the same file
is held until the end of the file and checked then.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.domain.references import Reference
from fairpath.interchange.problems import Location, Problem, problem
from fairpath.interchange.sources import ordered_sources
from fairpath.privacy.envelope import MasterKey
from fairpath.services import journal_log, keys
from fairpath.services.audit import write_audit
from fairpath.services.preparing import (
    BATCH,
    GC_THRESHOLDS,
    Outcome,
    Prepared,
    Rejected,
    prepared_batches,
)
from fairpath.services.recording import Recorder
from fairpath.storage import records as store
from fairpath.storage.db import checkpoint_beside, checkpoints_deferred

# Problems kept in memory for the report; beyond this they are counted, not kept.
MAX_PROBLEMS_KEPT = 10_000
# Identities known to be stored, to settle references without a query; bounded so that a
# file of a million workers stays flat in memory.
KNOWN_KEPT = 50_000

Progress = Callable[[int], None]


@dataclass
class FileReport:
    """What importing one file did, or why it did nothing."""

    file: str
    added: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    _order: list[int] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """True when the file was imported."""
        return self.problem_count == 0

    def add_problem(self, text: str, line: int | None = None) -> None:
        """Count a problem, keeping its sentence while there is room."""
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(text)
            self._order.append(line if line is not None else 0)

    def sort_by_line(self) -> None:
        """Put the kept problems in file order, as a clerk reads the file."""
        pairs = sorted(zip(self._order, self.problems, strict=True), key=lambda pair: pair[0])
        self._order = [line for line, _ in pairs]
        self.problems = [text for _, text in pairs]


class ImportRejected(FairpathError):
    """At least one file had problems; those files were not imported at all."""

    def __init__(self, reports: list[FileReport]) -> None:
        failed = [r for r in reports if not r.ok]
        count = sum(r.problem_count for r in failed)
        super().__init__(
            f"{count} problem(s) in {', '.join(r.file for r in failed)}; "
            "those files were not imported (nothing of them was stored)"
        )
        self.reports = reports


def import_paths(
    settings: Settings,
    engine: Engine,
    paths: Sequence[Path],
    *,
    actor: str,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Import files (JSONL, CSV, XLSX, or a directory of CSV files) in dependency order.

    Raises ImportRejected (carrying every report) when any file had problems.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FairpathError(f"no such file: {', '.join(missing)}; check the path and try again")
    master_key = keys.load_master_key(settings)
    moment = now or datetime.now(UTC)
    reports = []
    with _fewer_collections():
        for source in ordered_sources(paths):
            with engine.connect() as conn, checkpoints_deferred(conn):
                report = _import_source(
                    conn,
                    source,
                    settings=settings,
                    master_key=master_key,
                    actor=actor,
                    now=moment,
                    progress=progress,
                )
            reports.append(report)
        with checkpoint_beside(engine):
            if any(r.ok and r.added for r in reports):  # sign, tile and witness it
                journal_log.publish(settings, engine, moment)
    if any(not r.ok for r in reports):
        raise ImportRejected(reports)
    return reports


class _FewerCollections:
    """Collect garbage less often while files are imported (see `preparing.GC_THRESHOLDS`).

    Counted, so that imports running at once in one process (web requests) put the
    threshold back only when the last of them ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._before = gc.get_threshold()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._before = gc.get_threshold()
                gc.set_threshold(*GC_THRESHOLDS)
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    gc.set_threshold(*self._before)


_fewer_collections = _FewerCollections()


def _import_source(
    conn: Connection,
    source: Path,
    *,
    settings: Settings,
    master_key: MasterKey,
    actor: str,
    now: datetime,
    progress: Progress | None,
) -> FileReport:
    report = FileReport(file=source.name)
    # The file's digest is computed beside the import (hashing releases the interpreter's
    # lock): reading a large file once more first held up the start by a second a GB.
    hashing = ThreadPoolExecutor(1, thread_name_prefix="import-sha256")
    digest = hashing.submit(_sha256, source)
    hashing.shutdown(wait=False)
    transaction = conn.begin()
    try:
        import_id = store.record_import(conn, at=now, actor=actor, file_name=source.name)
        recorder = Recorder(
            conn, master_key, now=now, origin=settings.log_origin, import_id=import_id
        )
        pending: list[tuple[Location, Reference]] = []
        known: set[tuple[str, str]] = set()
        for batch in prepared_batches(source, recorder.preparing_keys):
            _import_batch(conn, recorder, batch, report, pending, known=known)
            if progress is not None:
                progress(len(batch))
        for location, ref, count in _grouped(_unresolved(conn, pending)):
            text = str(_reference_problem(location, ref))
            if count > 1:
                text += f" (named on {count:,} lines; this is the first)"
            report.add_problem(text, location.number)
        if not report.ok:
            transaction.rollback()
            report.sort_by_line()
            return report
        store.finish_import(
            conn, import_id, added=report.added, unchanged=report.unchanged, sha256=digest.result()
        )
        write_audit(
            conn,
            at=now,
            actor=actor,
            action="import",
            subject=source.name,
            detail=f"added {report.added}, unchanged {report.unchanged}",
        )
        transaction.commit()
    except BaseException:
        transaction.rollback()
        raise
    return report


def _import_batch(
    conn: Connection,
    recorder: Recorder,
    batch: list[Outcome],
    report: FileReport,
    pending: list[tuple[Location, Reference]],
    *,
    known: set[tuple[str, str]],
) -> None:
    good: list[Prepared] = []
    for outcome in batch:
        if isinstance(outcome, Rejected):
            for text in outcome.problems:
                report.add_problem(text, outcome.line)
        else:
            good.append(outcome)
    # Valid records are written even after a problem (the file is rolled back at its end
    # anyway) so that references to them still resolve and only real problems are reported.
    result = recorder.record(good)
    report.added += result.added
    report.unchanged += result.unchanged
    for conflict in result.conflicts:
        report.add_problem(f"{conflict.where}: {conflict.message}", conflict.line)
    # Every identity in `good` is stored now (added, unchanged, or the stored side of a
    # conflict). Most references name a record just stored (an event its worker) or one named
    # a moment ago (an employer): those are settled here without asking the database.
    if len(known) > KNOWN_KEPT:
        known.clear()
    known.update((p.kind, p.key) for p in good)
    for outcome in good:
        for kind, key, named_in in outcome.references:
            if (kind, key) not in known:
                pending.append((outcome.location, Reference(kind, key, named_in)))
    if len(pending) >= BATCH * 4:
        # Most of the rest point backwards too (to earlier files, or earlier in this one):
        # settle them now so the list stays short; the rest wait for the end of the file.
        pending[:] = list(_unresolved(conn, pending, known))


def _unresolved(
    conn: Connection,
    pending: Iterable[tuple[Location, Reference]],
    known: set[tuple[str, str]] | None = None,
) -> Iterator[tuple[Location, Reference]]:
    items = list(pending)
    by_kind: dict[str, set[str]] = {}
    for _, ref in items:
        by_kind.setdefault(ref.kind, set()).add(ref.ref)
    found = {kind: store.existing_refs(conn, kind, refs) for kind, refs in by_kind.items()}
    if known is not None:
        known.update((kind, ref) for kind, refs in found.items() for ref in refs)
    for location, ref in items:
        if ref.ref not in found[ref.kind]:
            yield location, ref


def _grouped(
    unresolved: Iterable[tuple[Location, Reference]],
) -> Iterator[tuple[Location, Reference, int]]:
    """One problem per missing record, at the first line naming it, with how many do."""
    first: dict[tuple[str, str], tuple[Location, Reference]] = {}
    counts: dict[tuple[str, str], int] = {}
    for location, ref in unresolved:
        key = (ref.kind, ref.ref)
        first.setdefault(key, (location, ref))
        counts[key] = counts.get(key, 0) + 1
    for key, (location, ref) in first.items():
        yield location, ref, counts[key]


def _reference_problem(location: Location, ref: Reference) -> Problem:
    return problem("unknown_reference", location, ref.field, what=ref.kind, ref=ref.ref)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        return digest.hexdigest()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
