"""Personal data is encrypted at rest, found by blind index, and gone after erasure."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.services.importing import ImportRejected, import_paths
from fairpath.services.workers import erase_worker, find_by_personal_field, show_worker
from fairpath.storage.models import AuditRow, LogEntryRow, WorkerKeyRow, table_of
from tests.services.data import GRIEVANCE_TEXT, SITA, small_data_set, write_jsonl

Ready = tuple[Settings, Engine]
PLAINTEXTS = [SITA["full_name"], SITA["passport_number"], SITA["phone"], GRIEVANCE_TEXT]


def raw_database_bytes(engine: Engine) -> bytes:
    """Every byte the database keeps on disk for this database (files, WAL)."""
    if engine.dialect.name == "sqlite":
        database = Path(str(engine.url.database))
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        parts = [database, database.with_name(database.name + "-wal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))
        data_dir = Path(conn.scalar(text("SHOW data_directory")) or "")
        files = conn.scalars(
            text(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't', 'i')"
            )
        ).all()
    if not os_readable(data_dir):
        pytest.skip(f"cannot read PostgreSQL's files under {data_dir} as this user")
    blobs = []
    for relative in files:
        if relative is None:
            continue
        base = data_dir / relative
        blobs += [p.read_bytes() for p in base.parent.glob(base.name + "*") if p.is_file()]
    return b"".join(blobs)


def os_readable(path: Path) -> bool:
    try:
        return any(True for _ in path.iterdir())
    except OSError:
        return False


def test_personal_data_is_never_on_disk_in_the_clear(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    import_paths(settings, engine, [write_jsonl(tmp_path / "a.jsonl", small_data_set())], actor="t")
    raw = raw_database_bytes(engine)
    assert b"w-0001" in raw, "the raw bytes searched really hold this database's records"
    for plain in PLAINTEXTS:
        assert plain.encode() not in raw, f"{plain!r} found unencrypted in the database files"
    view = show_worker(settings, engine, "w-0001", actor="case-worker", include_personal_data=True)
    assert view.personal is not None and view.personal["full_name"] == SITA["full_name"]


def test_reading_personal_data_leaves_an_access_audit_entry(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    import_paths(settings, engine, [write_jsonl(tmp_path / "a.jsonl", small_data_set())], actor="t")
    show_worker(settings, engine, "w-0001", actor="case-worker", include_personal_data=False)
    show_worker(settings, engine, "w-0001", actor="case-worker", include_personal_data=True)
    audit = table_of(AuditRow)
    with engine.connect() as conn:
        rows = conn.execute(select(audit).where(audit.c.action == "read_personal_data")).all()
    assert [(r.actor, r.subject) for r in rows] == [("case-worker", "worker:w-0001")]


def test_a_worker_is_found_by_passport_number_without_decrypting_anyone(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    import_paths(settings, engine, [write_jsonl(tmp_path / "a.jsonl", small_data_set())], actor="t")
    assert find_by_personal_field(settings, engine, "passport_number", "pa 998-8776") == ["w-0001"]
    assert find_by_personal_field(settings, engine, "passport_number", "PA0000000") == []


def test_erasure_destroys_the_key_and_personal_data_but_keeps_the_log(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    path = write_jsonl(tmp_path / "a.jsonl", small_data_set())
    import_paths(settings, engine, [path], actor="t")
    keys = table_of(WorkerKeyRow)
    with engine.connect() as conn:
        wrapped = conn.scalar(select(keys.c.wrapped_key).where(keys.c.worker_ref == "w-0001"))
        log_size = conn.scalar(text("SELECT size FROM log_state"))
    assert wrapped is not None and bytes(wrapped) in raw_database_bytes(engine)

    shredded = erase_worker(settings, engine, "w-0001", actor="dpo")

    assert shredded == 4, "the worker record and three events lose their openings"
    assert bytes(wrapped) not in raw_database_bytes(engine), "the wrapped key is gone from disk"
    view = show_worker(settings, engine, "w-0001", actor="dpo", include_personal_data=True)
    assert view.personal is None and view.erased_at is not None
    assert [e.type for e in view.events] == ["fee_paid", "payslip", "grievance_filed"]
    entries = table_of(LogEntryRow)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT size FROM log_state")) == log_size
        salts = conn.execute(
            select(entries.c.salt_ciphertext).where(entries.c.worker_ref == "w-0001")
        ).all()
    assert salts and all(s.salt_ciphertext is None for s in salts)
    passport = SITA["passport_number"]
    assert find_by_personal_field(settings, engine, "passport_number", passport) == []
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [path], actor="t")
    assert "was erased" in caught.value.reports[0].problems[0]
    with pytest.raises(FairpathError, match="already erased"):
        erase_worker(settings, engine, "w-0001", actor="dpo")
