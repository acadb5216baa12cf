"""C2SP tlog-tiles paths, tiles from a 70,000-entry log, the filesystem writer; the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairpath.ledger.errors import LogError, TileError
from fairpath.ledger.log import Log, MemoryLogStore, SignedCheckpoint
from fairpath.ledger.merkle import consistency_proof, tree_root, verify_consistency
from fairpath.ledger.note import Ed25519Signer
from fairpath.ledger.tilefs import TileWriter
from fairpath.ledger.tiles import (
    TileHashReader,
    TileId,
    build_entry_bundle,
    changed_tiles,
    entries_path,
    index_path,
    parse_entry_bundle,
    parse_tile_path,
    tile_path,
)

from .conftest import ORIGIN, make_log


def test_paths_match_the_spec_examples() -> None:
    assert index_path(1234067) == "x001/x234/067"
    assert index_path(0) == "000" and index_path(1000) == "x001/000"
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 5, 7) == "tile/1/005.p/7"
    assert entries_path(1234067, 255) == "tile/entries/x001/x234/067.p/255"
    assert parse_tile_path("tile/3/x001/x234/067.p/8") == TileId(3, 1234067, 8)
    for bad in ["tile/0/1", "tile/0/x000/001", "tile/0/001.p/256", "tile/0/001.p/0", "tile/64/000"]:
        with pytest.raises(TileError):
            parse_tile_path(bad)


def test_changed_tiles() -> None:
    assert [t.path for t in changed_tiles(0, 3)] == ["tile/entries/000.p/3", "tile/0/000.p/3"]
    grown = {t.path for t in changed_tiles(256, 256 * 256 + 1)}
    assert "tile/0/000" not in grown and "tile/0/001" in grown and "tile/1/000" in grown
    assert "tile/2/000.p/1" in grown  # one hash of tree level 16 exists from 65,536 entries
    assert "tile/2/000.p/1" not in {t.path for t in changed_tiles(0, 65_535)}
    assert changed_tiles(70, 70) == []


def test_entry_bundles_round_trip() -> None:
    entries = [b"", b"a", b"x" * 65535]
    data = build_entry_bundle(entries)
    assert data[:4] == b"\x00\x00\x00\x01"
    assert parse_entry_bundle(data) == entries
    with pytest.raises(TileError):
        parse_entry_bundle(data[:-1])
    with pytest.raises(TileError):
        build_entry_bundle([b"x" * 65536])


class CountingWriter(TileWriter):
    writes: list[str]

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writes = []


def test_tiles_reproduce_root_and_full_tiles_are_never_rewritten(tmp_path: Path) -> None:
    log = Log(MemoryLogStore(), ORIGIN)
    writer = TileWriter(tmp_path)
    log.append([b"e%d" % i for i in range(69_000)])
    first = writer.write_tiles(log.store, log.store.read_entries, 0, log.size)
    full = tmp_path / "tile/0/000"
    stamp = (full.stat().st_ino, full.stat().st_mtime_ns)
    old_size = log.size
    log.append([b"e%d" % i for i in range(69_000, 70_000)])
    second = writer.write_tiles(log.store, log.store.read_entries, old_size, log.size)
    assert "tile/0/000" in first and "tile/0/000" not in second
    assert all(
        ".p/" in p or int(p.rsplit("/", 1)[1]) >= 69_000 // 256
        for p in second
        if p.startswith("tile/0/")
    )
    assert (full.stat().st_ino, full.stat().st_mtime_ns) == stamp
    reader = TileHashReader(log.size, writer.read)
    assert tree_root(reader, log.size) == log.root()
    proof = consistency_proof(reader, 12_345, log.size)
    verify_consistency(12_345, log.size, log.root(12_345), log.root(), proof)
    bundle = parse_entry_bundle(writer.read(entries_path(273, 112)))
    assert bundle[0] == b"e69888" and len(bundle) == 112
    writer.write_checkpoint("note\n")
    assert writer.read("checkpoint") == b"note\n"
    assert not list(tmp_path.rglob(".tmp-*"))


def test_a_crashed_writers_leftover_is_overwritten_not_published(tmp_path: Path) -> None:
    # A writer killed between creating its temporary file and renaming it leaves the file
    # behind; the next writer (they take turns) reuses the name and publishes whole tiles.
    log = Log(MemoryLogStore(), ORIGIN)
    log.append([b"e%d" % i for i in range(600)])
    (tmp_path / "tile/0").mkdir(parents=True)
    (tmp_path / "tile/0/.tmp-001").write_bytes(b"half a tile")
    writer = TileWriter(tmp_path)
    writer.write_tiles(log.store, log.store.read_entries, 0, log.size)
    reader = TileHashReader(log.size, writer.read)
    assert tree_root(reader, log.size) == log.root()
    assert len(writer.read("tile/0/001")) == 256 * 32
    assert not list(tmp_path.rglob(".tmp-*"))


def test_tile_reader_refuses_bad_tiles(tmp_path: Path) -> None:
    reader = TileHashReader(300, lambda path: b"short")
    with pytest.raises(TileError):
        reader.read_hashes([(0, 1)])


def test_append_returns_first_index_and_checks_sizes() -> None:
    log = Log(MemoryLogStore(), ORIGIN)
    assert log.append([b"a", b"b"]) == 0 and log.append([b"c"]) == 2 and log.size == 3
    assert log.append([]) == 3
    with pytest.raises(LogError):
        log.root(4)
    with pytest.raises(LogError):
        log.append([b"x" * 65536])
    with pytest.raises(LogError):
        log.store.append(1, [b"z"], [bytes(32)])


def test_sign_refuses_inconsistent_or_shrinking_trees() -> None:
    signer = Ed25519Signer(ORIGIN, bytes(32))
    log = make_log(10)
    first = log.sign_checkpoint(signer, now=100)
    assert first.size == 10 and first.signed_at == 100
    log.append([b"more"])
    assert log.sign_checkpoint(signer, now=101).size == 11
    # A store whose last signed checkpoint disagrees with the tree (a fork) is refused.
    forked = make_log(12)
    forked.store.replace_signed(None, SignedCheckpoint(5, bytes(32), "x", 1))
    with pytest.raises(LogError, match="not consistent"):
        forked.sign_checkpoint(signer, now=102)
    bigger = make_log(3)
    bigger.store.replace_signed(None, SignedCheckpoint(5, make_log(5).root(), "x", 1))
    with pytest.raises(LogError, match="signed already"):
        bigger.sign_checkpoint(signer, now=103)
    with pytest.raises(LogError, match="meanwhile"):
        log.store.replace_signed(first, first)
