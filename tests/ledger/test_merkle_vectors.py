"""transparency-dev/merkle proof vectors and the 8-leaf reference tree (RFC 9162 §2.1)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from fairpath.ledger.errors import ProofError
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.merkle import EMPTY_ROOT, verify_consistency, verify_inclusion

from .conftest import VECTORS

MERKLE = VECTORS / "transparency-dev-merkle"
INCLUSION = sorted((MERKLE / "testdata" / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((MERKLE / "testdata" / "consistency").rglob("*.json"))


def _b(v: str | None) -> bytes:
    return base64.b64decode(v or "")


def _proof(v: list[str] | None) -> list[bytes]:
    return [_b(p) for p in v or []]


def _id(p: Path) -> str:
    return str(p.relative_to(MERKLE / "testdata"))


def test_all_vector_files_present() -> None:
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98


@pytest.mark.parametrize("path", INCLUSION, ids=_id)
def test_inclusion_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (v["leafIdx"], v["treeSize"], _b(v["leafHash"]), _proof(v["proof"]), _b(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_id)
def test_consistency_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (v["size1"], v["size2"], _b(v["root1"]), _b(v["root2"]), _proof(v["proof"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def _go_hex_lists() -> dict[str, list[bytes]]:
    src = (MERKLE / "testonly" / "constants.go").read_text()
    out = {}
    for name in ("LeafInputs", "RootHashes"):
        body = src[src.index(f"func {name}()") :]
        body = body[: body.index("\n}\n")]
        out[name] = [bytes.fromhex(h) for h in re.findall(r'hd\("([0-9a-f]*)"\)', body)]
    return out


def test_reference_tree_roots_and_proofs() -> None:
    consts = _go_hex_lists()
    leaves, roots = consts["LeafInputs"], [EMPTY_ROOT, *consts["RootHashes"]]
    assert len(leaves) == 8 and len(roots) == 9
    log = Log(MemoryLogStore(), "reference")
    for i, leaf in enumerate(leaves):
        assert log.root() == roots[i]
        log.append([leaf])
    assert log.root() == roots[8]
    for size in range(1, 9):
        for index in range(size):
            leaf = log.store.read_hashes([(0, index)])[0]
            verify_inclusion(index, size, leaf, log.inclusion_proof(index, size), roots[size])
        for old in range(1, size + 1):
            proof = log.consistency_proof(old, size)
            verify_consistency(old, size, roots[old], roots[size], proof)
