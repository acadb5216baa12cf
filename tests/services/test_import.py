"""Importing journey files: whole or nothing, idempotent, conflicts named, references checked."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from fairpath.config import Settings
from fairpath.services.exporting import export_data_set
from fairpath.services.importing import ImportRejected, import_paths
from fairpath.services.workers import show_worker
from fairpath.storage.db import checkpoints_deferred
from fairpath.storage.models import Base, ImportRow, LogEntryRow, table_of
from tests.services.data import small_data_set, write_jsonl

Ready = tuple[Settings, Engine]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        counts = {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
            if t.name not in ("imports",)
        }
        counts["log_size"] = int(conn.scalar(text("SELECT size FROM log_state")) or 0)
    return counts


def test_import_stores_every_record_and_commits_each_to_the_log(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    path = write_jsonl(tmp_path / "a.jsonl", small_data_set())
    reports = import_paths(settings, engine, [path], actor="t")
    assert [(r.added, r.unchanged) for r in reports] == [(8, 0)]
    with engine.connect() as conn:  # which file it was, for the audit trail
        imported = conn.execute(select(table_of(ImportRow))).one()
    assert (imported.file_name, imported.added) == ("a.jsonl", 8)
    assert imported.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    counts = row_counts(engine)
    assert counts["organizations"] == 2 and counts["workers"] == 1 and counts["events"] == 3
    assert counts["log_size"] == counts["log_entries"] == 8
    with engine.connect() as conn:
        leaves = conn.scalars(select(table_of(LogEntryRow).c.leaf)).all()
    assert len(set(leaves)) == 8, "every record has its own salted commitment"
    view = show_worker(settings, engine, "w-0001", actor="t", include_personal_data=False)
    assert [e.ref for e in view.events] == ["e-1", "e-2", "e-3"]
    assert view.personal is None


def test_the_same_file_twice_changes_nothing(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    path = write_jsonl(tmp_path / "a.jsonl", small_data_set())
    import_paths(settings, engine, [path], actor="t")
    before = row_counts(engine)
    reports = import_paths(settings, engine, [path], actor="t")
    assert [(r.added, r.unchanged) for r in reports] == [(0, 8)]
    after = row_counts(engine)
    assert after["log_size"] == before["log_size"]
    assert after["events"] == before["events"]


def test_same_ref_with_other_content_is_refused_naming_both_versions(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    import_paths(
        settings, engine, [write_jsonl(tmp_path / "first.jsonl", small_data_set())], actor="t"
    )
    changed = small_data_set()
    changed[5]["data"]["amount"] = "95000.00"
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [write_jsonl(tmp_path / "second.jsonl", changed)], actor="t")
    [problem] = caught.value.reports[0].problems
    assert problem.startswith("second.jsonl line 6:")
    assert "first.jsonl" in problem and "data.amount" in problem and "supersedes" in problem


def test_one_bad_line_leaves_the_store_exactly_as_it_was(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    before = row_counts(engine)
    records = small_data_set()
    records[6]["data"]["net_pay"] = "RM1,200"
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [write_jsonl(tmp_path / "p.jsonl", records)], actor="t")
    report = caught.value.reports[0]
    assert report.problem_count == 1
    assert report.problems[0].startswith("p.jsonl line 7, data.net_pay: 'RM1,200' is not a number")
    assert row_counts(engine) == before


def test_every_problem_in_a_file_is_reported_in_line_order(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    records = small_data_set()
    records[3]["to_ref"] = "nobody-ltd"
    records[5]["data"]["paid_to_ref"] = "nobody-hr"
    records[6]["data"]["currency"] = "RMB1"
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [write_jsonl(tmp_path / "p.jsonl", records)], actor="t")
    problems = caught.value.reports[0].problems
    assert [p.split(",")[0] for p in problems] == [
        "p.jsonl line 4",
        "p.jsonl line 6",
        "p.jsonl line 7",
    ]
    assert "to_ref" in problems[0] and "'nobody-ltd'" in problems[0]
    assert "data.paid_to_ref" in problems[1] and "'nobody-hr'" in problems[1]
    assert "data.currency" in problems[2] and "ISO 4217" in problems[2]


def test_a_bad_worker_line_does_not_bury_the_file_in_reference_errors(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    records = small_data_set()
    records[4]["origin_country"] = "XX"
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [write_jsonl(tmp_path / "p.jsonl", records)], actor="t")
    problems = caught.value.reports[0].problems
    assert len(problems) == 2, problems
    assert problems[0].startswith("p.jsonl line 5, origin_country: 'XX'")
    assert problems[1].startswith("p.jsonl line 6, worker_ref: worker 'w-0001'")
    assert "named on 3 lines" in problems[1]


def test_records_may_come_in_any_order_within_a_file(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    reversed_records = list(reversed(small_data_set()))
    reports = import_paths(
        settings, engine, [write_jsonl(tmp_path / "r.jsonl", reversed_records)], actor="t"
    )
    assert reports[0].added == 8


def test_a_reference_to_nothing_is_reported_with_its_line(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    orphan = small_data_set()[5] | {"ref": "e-9", "worker_ref": "w-ghost"}
    del orphan["data"]["paid_to_ref"]
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [write_jsonl(tmp_path / "o.jsonl", [orphan])], actor="t")
    [problem] = caught.value.reports[0].problems
    assert problem.startswith("o.jsonl line 1, worker_ref: worker 'w-ghost'")


def test_export_then_import_into_an_empty_installation_reproduces_the_data_set(
    ready: Ready, tmp_path: Path, db_engine_name: str
) -> None:
    settings, engine = ready
    import_paths(settings, engine, [write_jsonl(tmp_path / "a.jsonl", small_data_set())], actor="t")
    first = tmp_path / "first.jsonl"
    export_data_set(settings, engine, first, form="jsonl", include_personal_data=True, actor="t")
    # An empty installation: new keys, new database contents.
    other = Settings(data_dir=tmp_path / "other", database_url=settings.database_url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text("INSERT INTO log_state (id, size) VALUES (1, 0)"))
    from fairpath.services.setup import initialise

    initialise(other, engine)
    import_paths(other, engine, [first], actor="t")
    second = tmp_path / "second.jsonl"
    export_data_set(other, engine, second, form="jsonl", include_personal_data=True, actor="t")
    assert first.read_bytes() == second.read_bytes()
    lines = [json.loads(line) for line in first.read_text().splitlines()]
    assert lines[4]["pii"]["full_name"] == "Sita Gurung"


def test_after_an_import_the_database_file_itself_holds_it(ready: Ready, tmp_path: Path) -> None:
    # The import's commit leaves its write-ahead log to a checkpoint run beside publishing;
    # by the time the import returns, the log is copied into the database file (read here
    # with the write-ahead log ignored).
    settings, engine = ready
    if engine.dialect.name != "sqlite":
        pytest.skip("write-ahead log checkpoints are SQLite's")
    import_paths(settings, engine, [write_jsonl(tmp_path / "a.jsonl", small_data_set())], actor="t")
    events = sum(1 for record in small_data_set() if record["kind"] == "event")
    uri = f"file:{engine.url.database}?immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as database_file_only:
        assert database_file_only.execute("SELECT count(*) FROM events").fetchone() == (events,)


def test_deferred_checkpoints_are_back_to_automatic_after_the_block(ready: Ready) -> None:
    # Else every later commit on that pooled connection would let the log file grow.
    _, engine = ready
    if engine.dialect.name != "sqlite":
        pytest.skip("write-ahead log checkpoints are SQLite's")
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        with checkpoints_deferred(conn):
            assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
