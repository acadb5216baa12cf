"""C2SP tlog-tiles: tile and entry-bundle paths, tile contents, entry bundles.

Owns: ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]`` paths with
the ``x001/x234/067`` index encoding; which tiles exist for a tree size and
which change when it grows; tile bytes built from stored hashes (tile L holds
the hashes of tree level 8L, 256 per full tile); entry bundles of
uint16-big-endian-length-prefixed entries; and a HashReader that reads the
tree back from tiles so a monitor can prove consistency from tiles alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fairpath.ledger.errors import TileError
from fairpath.ledger.merkle import HASH_SIZE, NodeId, fold_blocks, perfect_blocks

TILE_WIDTH = 256
TILE_HEIGHT = 8
MAX_TILE_LEVEL = 63
ENTRIES = "entries"


@dataclass(frozen=True)
class TileId:
    """A tile (``level`` is the tile level, or None for an entry bundle) of ``width`` items."""

    level: int | None
    index: int
    width: int

    @property
    def path(self) -> str:
        """The tlog-tiles path of this tile or bundle."""
        if self.level is None:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)


def index_path(n: int) -> str:
    """tlog-tiles: 3-digit zero-padded elements, all but the last prefixed with 'x'."""
    if n < 0:
        raise TileError("A tile index cannot be negative.")
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"A tile width must be 1..256, not {width}.")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``."""
    if not 0 <= level <= MAX_TILE_LEVEL:
        raise TileError(f"A tile level must be 0..63, not {level}.")
    return f"tile/{level}/{index_path(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return f"tile/entries/{index_path(index)}{_suffix(width)}"


_PATH = re.compile(
    r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> TileId:
    """Inverse of ``tile_path``/``entries_path``; raise TileError if not canonical."""
    m = _PATH.fullmatch(path)
    if m is None:
        raise TileError(f"{path!r} is not a tlog-tiles path.")
    level = None if m[1] == ENTRIES else int(m[1])
    index = int(m[2].replace("x", "").replace("/", ""))
    tile = TileId(level, index, int(m[3]) if m[3] else TILE_WIDTH)
    if tile.path != path:
        raise TileError(f"{path!r} is not in canonical tlog-tiles form.")
    return tile


def tiles_at_level(level: int | None, size: int) -> list[TileId]:
    """Every tile (full, then the partial one) of one level for a tree of ``size``."""
    count = size >> (TILE_HEIGHT * (level or 0))
    full, rest = divmod(count, TILE_WIDTH)
    tiles = [TileId(level, n, TILE_WIDTH) for n in range(full)]
    if rest:
        tiles.append(TileId(level, full, rest))
    return tiles


def changed_at_level(level: int | None, old: int, new: int) -> list[TileId]:
    """Tiles of a level that are new or wider when the tree grows from ``old`` to ``new``."""
    shift = TILE_HEIGHT * (level or 0)
    old_count, new_count = old >> shift, new >> shift
    out = []
    for n in range(old_count // TILE_WIDTH, -(-new_count // TILE_WIDTH)):
        width = min(TILE_WIDTH, new_count - n * TILE_WIDTH)
        if width != min(TILE_WIDTH, max(0, old_count - n * TILE_WIDTH)):
            out.append(TileId(level, n, width))
    return out


def changed_tiles(old: int, new: int) -> list[TileId]:
    """Merkle tiles (all levels) and entry bundles to (re)write when growing old -> new."""
    if not 0 <= old <= new:
        raise TileError(f"A log cannot shrink from {old} to {new}.")
    out = changed_at_level(None, old, new)
    level = 0
    while new >> (TILE_HEIGHT * level):
        out.extend(changed_at_level(level, old, new))
        level += 1
    return out


def tile_hash_ids(tile: TileId) -> list[NodeId]:
    """The stored hashes (tree level 8L) a Merkle tile holds."""
    if tile.level is None:
        raise TileError("An entry bundle holds entries, not hashes.")
    base = tile.index * TILE_WIDTH
    return [(TILE_HEIGHT * tile.level, base + i) for i in range(tile.width)]


def build_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries, each prefixed by its length as a big-endian uint16."""
    out = bytearray()
    for e in entries:
        if len(e) > 0xFFFF:
            raise TileError("An entry longer than 65,535 bytes cannot go in a bundle.")
        out += len(e).to_bytes(2, "big") + e
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle; raise TileError on a truncated entry."""
    entries, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("The entry bundle ends in the middle of a length prefix.")
        n = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + n > len(data):
            raise TileError("The entry bundle ends in the middle of an entry.")
        entries.append(data[pos + 2 : pos + 2 + n])
        pos += 2 + n
    return entries


TileFetcher = Callable[[str], bytes]


class TileHashReader:
    """A merkle.HashReader that reads stored hashes from the tiles of a tree of ``size``."""

    def __init__(self, size: int, fetch: TileFetcher) -> None:
        self.size = size
        self.fetch = fetch
        self._cache: dict[str, bytes] = {}

    def _tile(self, level: int, index: int) -> bytes:
        count = self.size >> (TILE_HEIGHT * level)
        width = min(TILE_WIDTH, count - index * TILE_WIDTH)
        if width <= 0:
            raise TileError(f"Tile {level}/{index} does not exist in a tree of size {self.size}.")
        path = tile_path(level, index, width)
        if path not in self._cache:
            data = self.fetch(path)
            if len(data) != width * HASH_SIZE:
                raise TileError(f"Tile {path} has {len(data)} bytes, expected {width * 32}.")
            self._cache[path] = data
        return self._cache[path]

    def _hash(self, level: int, index: int) -> bytes:
        base_level, rise = divmod(level, TILE_HEIGHT)
        lo, hi = index << rise, (index + 1) << rise  # indices at tree level 8 * base_level
        tile = self._tile(base_level, lo // TILE_WIDTH)
        first = lo % TILE_WIDTH
        hashes = [
            tile[(first + i) * HASH_SIZE : (first + i + 1) * HASH_SIZE] for i in range(hi - lo)
        ]
        if any(len(h) != HASH_SIZE for h in hashes):
            raise TileError(f"Hash {level}/{index} is not complete in a tree of size {self.size}.")
        return _subtree_root(hashes)

    def read_hashes(self, ids: Sequence[NodeId]) -> list[bytes]:
        """Hashes for ``ids``, recomputing levels between tile rows inside one tile."""
        return [self._hash(level, index) for level, index in ids]


def _subtree_root(hashes: list[bytes]) -> bytes:
    """Root of a perfect subtree given its 2^k bottom hashes."""
    while len(hashes) > 1:
        hashes = [fold_blocks([hashes[i], hashes[i + 1]]) for i in range(0, len(hashes), 2)]
    return hashes[0]


__all__ = [
    "TILE_WIDTH",
    "TileHashReader",
    "TileId",
    "build_entry_bundle",
    "changed_tiles",
    "entries_path",
    "index_path",
    "parse_entry_bundle",
    "parse_tile_path",
    "perfect_blocks",
    "tile_hash_ids",
    "tile_path",
    "tiles_at_level",
]
