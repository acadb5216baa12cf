"""Concurrent importers: indices stay dense and every committed record has its own leaf."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import journal_log, log_audit
from fairpath.services.importing import import_paths

from .helpers import journey_records, leaf_owners, write_jsonl

Ready = tuple[Settings, Engine]
THREADS = 4
FILES_PER_THREAD = 3


def test_concurrent_imports_give_dense_indices_and_one_leaf_per_record(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    files = {
        t: [
            write_jsonl(tmp_path / f"t{t}-{f}.jsonl", journey_records(f"t{t}f{f}", 3, 3))
            for f in range(FILES_PER_THREAD)
        ]
        for t in range(THREADS)
    }

    def importer(t: int) -> int:
        added = 0
        for path in files[t]:
            reports = import_paths(
                settings, engine, [path], actor=f"thread {t}", now=datetime.now(UTC)
            )
            added += sum(r.added for r in reports)
        return added

    with ThreadPoolExecutor(THREADS) as pool:
        added = sum(pool.map(importer, range(THREADS)))
    expected = THREADS * FILES_PER_THREAD * (2 + 3 * 4)
    assert added == expected

    indices, owners = leaf_owners(engine)
    assert indices == list(range(expected)), "no gap, no duplicate, no reused index"
    assert sorted(owners) == indices, "every leaf belongs to exactly one stored record"
    refs = {ref for _, ref in owners.values()}
    assert all(f"t{t}f{f}-w2-e2" in refs for t in range(THREADS) for f in range(FILES_PER_THREAD))

    final = journal_log.publish(settings, engine, datetime.now(UTC))
    assert final.size == expected
    report = log_audit.verify_log(settings, engine)
    assert report.ok, report.problems
    assert report.checkpoints >= 2, "publishers signed along the way, each consistent"
