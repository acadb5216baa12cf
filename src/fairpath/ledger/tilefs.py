"""Writes C2SP tlog-tiles files under a directory; the only file I/O of the ledger.

Owns atomic writes (temporary file, fsync, rename, fsync of the directory),
the rule that full tiles are written once and never rewritten, and partial
tiles written as they grow (each width at its own ``.p/<W>`` path, so a reader
holding an older checkpoint still finds its tile).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from fairpath.ledger.merkle import HashReader
from fairpath.ledger.tiles import (
    TILE_WIDTH,
    TileId,
    build_entry_bundle,
    changed_tiles,
    tile_hash_ids,
)

EntryReader = Callable[[int, int], list[bytes]]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _holds(path: Path, data: bytes) -> bool:
    if not os.path.exists(path):  # the usual answer, without raising and catching
        return False
    return path.read_bytes() == data


def _replace(path: Path, data: bytes, made: set[Path]) -> None:
    """Write ``data`` to ``path`` by rename, without flushing (see TileWriter.write_tiles).

    The temporary file's name is fixed per target: writers take turns (the caller holds the
    log directory's lock), and a leftover of a crashed writer is simply overwritten. Creating
    each file costs a system call either way; a random name (`mkstemp`) cost a third more.
    ``made`` holds the directories already made in this run, so each is made once.
    """
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    tmp = path.with_name(".tmp-" + path.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class TileWriter:
    """Publishes tiles, entry bundles and the checkpoint under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _tile_bytes(self, tile: TileId, hashes: HashReader, entries: EntryReader) -> bytes:
        if tile.level is None:
            return build_entry_bundle(entries(tile.index * TILE_WIDTH, tile.width))
        return b"".join(hashes.read_hashes(tile_hash_ids(tile)))

    def write_tiles(
        self, hashes: HashReader, entries: EntryReader, old_size: int, new_size: int
    ) -> list[str]:
        """Write every tile and bundle that changed from ``old_size`` to ``new_size``.

        Returns the paths written. A full tile already on disk with the right bytes is never
        rewritten; one whose bytes differ can only be the leftover of a writer that crashed
        before the caller recorded ``new_size`` as published, and is replaced.

        Files are renamed into place as they are made and flushed to disk together at the
        end (one ``sync`` instead of two ``fsync`` calls per file: a million-entry import
        writes about 8,000 files). The caller records the new size only after this returns,
        so a crash before the flush leaves nothing it has published. Callers hold the log
        directory's lock: one writer at a time.
        """
        written = []
        made: set[Path] = set()
        for tile in changed_tiles(old_size, new_size):
            target = self.root / tile.path
            data = self._tile_bytes(tile, hashes, entries)
            if tile.width == TILE_WIDTH and _holds(target, data):
                continue
            _replace(target, data, made)
            written.append(tile.path)
        if written:
            os.sync()
        return written

    def write_checkpoint(self, note: str) -> None:
        """Replace ``<root>/checkpoint`` with a signed (and cosigned) checkpoint note."""
        atomic_write(self.root / "checkpoint", note.encode())

    def read(self, path: str) -> bytes:
        """Read a published file (a tiles.TileFetcher for TileHashReader)."""
        return (self.root / path).read_bytes()
