"""Publishing: checkpoints signed when the log grows, tiles on disk, and the auditor's commands."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update

from fairpath.config import Settings
from fairpath.ledger.checkpoint import open_checkpoint
from fairpath.ledger.errors import LogError
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.merkle import leaf_hash, verify_consistency
from fairpath.ledger.note import parse_vkey
from fairpath.ledger.policy import simple_policy
from fairpath.ledger.proof_bundle import parse_bundle, verify_bundle
from fairpath.ledger.tilefs import TileWriter
from fairpath.services import journal_log, log_audit
from fairpath.services.importing import import_paths
from fairpath.storage.logstore import SqlLogStore
from fairpath.storage.models import LogHashRow, table_of

from .helpers import cli, db_env, journey_records, leaf_owners, write_jsonl

Ready = tuple[Settings, Engine]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _import(settings: Settings, engine: Engine, path: Path) -> None:
    import_paths(settings, engine, [path], actor="test", now=NOW)


def test_each_import_publishes_a_checkpoint_tiles_and_bundles(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
    log_dir = settings.log_dir
    vkey = parse_vkey(journal_log.log_vkey(settings))
    checkpoint, _ = open_checkpoint((log_dir / "checkpoint").read_bytes(), [vkey])
    assert checkpoint.size == 8  # 2 organisations, 2 workers, 4 events
    assert (log_dir / "tile/0/000.p/8").stat().st_size == 8 * 32
    assert (log_dir / "tile/entries/000.p/8").exists()
    # Nothing new: publishing again signs nothing and keeps the same checkpoint.
    again = journal_log.publish(settings, engine, NOW)
    assert not again.signed and again.size == 8
    with engine.connect() as conn:
        assert [c.size for c in journal_log.history(conn)] == [8]


def test_full_tiles_are_written_once_and_partial_ones_as_the_log_grows(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a", 60, 4)))
    full = settings.log_dir / "tile/0/000"
    assert full.exists(), "302 entries fill the first level-0 tile"
    first = full.stat()
    _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b", 2, 1)))
    assert full.stat().st_ino == first.st_ino and full.stat().st_mtime_ns == first.st_mtime_ns
    size = journal_log.publish(settings, engine, NOW).size
    assert size == 308
    assert (settings.log_dir / f"tile/0/001.p/{size - 256}").exists()
    assert (settings.log_dir / "tile/0/001.p/46").exists(), "older partial tiles stay for readers"
    assert log_audit.verify_log(settings, engine).ok


def test_auditor_commands_give_proofs_that_verify(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    env = db_env(settings)
    data = settings.data_dir
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a", 3, 3)))
    vkey = cli("log", "key", data_dir=data, env=env).out.strip()
    assert vkey == journal_log.log_vkey(settings) and vkey.startswith(settings.log_origin + "+")
    old_note = cli("log", "checkpoint", data_dir=data, env=env).out
    old, _ = open_checkpoint(old_note, [parse_vkey(vkey)])
    _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b", 5, 2)))
    new_note = cli("log", "checkpoint", data_dir=data, env=env).out
    new, _ = open_checkpoint(new_note, [parse_vkey(vkey)])
    assert (old.size, new.size) == (14, 31)

    lines = cli("log", "consistency", "--from-size", str(old.size), data_dir=data, env=env).out
    proof = [base64.b64decode(x) for x in lines.split()]
    verify_consistency(old.size, new.size, old.root, new.root, proof)

    bundle = parse_bundle(cli("log", "proof", "--index", "20", data_dir=data, env=env).out)
    assert bundle.extra is not None and bundle.index == 20
    checked = verify_bundle(bundle, leaf_hash(bundle.extra), simple_policy(parse_vkey(vkey), []))
    assert checked.size == new.size

    missing = cli("log", "proof", "--index", "31", data_dir=data, env=env)
    assert missing.code == 1 and "numbered 0 to 30" in missing.err
    status = cli("log", "status", data_dir=data, env=env).out
    assert "entries: 31" in status and "published: size 31" in status


def test_log_verify_passes_then_names_each_kind_of_tampering(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    env, data = db_env(settings), settings.data_dir
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a", 60, 4)))
    ok = cli("log", "verify", data_dir=data, env=env)
    assert ok.code == 0 and "302 entries" in ok.out and "302 records open" in ok.out

    # A tile on disk altered: a static host serving it would mislead monitors.
    tile = settings.log_dir / "tile/0/000"
    original = tile.read_bytes()
    tile.write_bytes(original[:32] + bytes(32) + original[64:])
    bad = cli("log", "verify", data_dir=data, env=env)
    assert bad.code == 1 and "tile/0/000 differs" in bad.err
    tile.write_bytes(original)

    # A stored hash altered in the database.
    hashes = table_of(LogHashRow)
    with engine.begin() as conn:
        row = conn.execute(hashes.select().where(hashes.c.level == 1)).first()
        assert row is not None
        conn.execute(
            update(hashes)
            .where(hashes.c.level == 1, hashes.c.chunk == row.chunk)
            .values(hashes=bytes(32) + bytes(row.hashes)[32:])
        )
    bad = cli("log", "verify", data_dir=data, env=env)
    assert bad.code == 1 and "level 1" in bad.err


def test_log_verify_finds_a_record_edited_behind_the_log(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE events SET canonical = replace(canonical, '1000.00', '10.00') "
                "WHERE ref = 'a-w0-e0'"
            )
        )
    report = log_audit.verify_log(settings, engine)
    assert not report.ok
    indices, owners = leaf_owners(engine)
    index = next(i for i, owner in owners.items() if owner == ("event", "a-w0-e0"))
    assert any(f"log entry {index} does not open" in p for p in report.problems)
    assert indices == list(range(8))


def test_the_log_refuses_a_key_for_another_origin(ready: Ready) -> None:
    settings, _ = ready
    other = settings.model_copy(update={"log_origin": "elsewhere.example/log"})
    result = cli(
        "log",
        "checkpoint",
        data_dir=settings.data_dir,
        env={**db_env(settings), "FAIRPATH_LOG_ORIGIN": other.log_origin},
    )
    assert result.code == 1 and "elsewhere.example/log" in result.err and "one origin" in result.err


def test_tiles_written_from_the_database_equal_those_of_the_same_log_in_memory(
    ready: Ready, tmp_path: Path
) -> None:
    # The database store reads hashes a whole tile at a time and entries well ahead; the
    # files must still be exactly what the plain in-memory log gives.
    settings, engine = ready
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a", 60, 4)))
    _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b", 2, 1)))
    with engine.connect() as conn:
        store = SqlLogStore.reader(conn)
        entries = store.read_entries(0, store.tree_size())
    memory = Log(MemoryLogStore(), "x")
    memory.append(entries)
    TileWriter(tmp_path / "memory").write_tiles(memory.store, memory.store.read_entries, 0, 308)
    published = settings.log_dir
    made = sorted(p.relative_to(tmp_path / "memory") for p in (tmp_path / "memory").rglob("*"))
    assert len([p for p in made if (tmp_path / "memory" / p).is_file()]) > 4
    for path in made:
        if (tmp_path / "memory" / path).is_file():
            assert (published / path).read_bytes() == (tmp_path / "memory" / path).read_bytes()
    with engine.connect() as conn, pytest.raises(LogError, match="missing entries"):
        SqlLogStore.reader(conn).read_entries(300, 20)
