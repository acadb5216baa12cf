"""Shared helpers for the ledger tests: vector locations and small log builders."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairpath.ledger.cosignature import CosignatureSigner
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.note import Ed25519Signer

VECTORS = Path(__file__).resolve().parent / "vectors"
ORIGIN = "example.org/recruitment-log"


@pytest.fixture
def log_signer() -> Ed25519Signer:
    return Ed25519Signer(ORIGIN, bytes(range(32)))


@pytest.fixture
def witness_signer() -> CosignatureSigner:
    return CosignatureSigner("ngo.example/w1", bytes(range(32, 64)))


def make_log(n: int, origin: str = ORIGIN) -> Log:
    log = Log(MemoryLogStore(), origin)
    log.append([b"record %d" % i for i in range(n)])
    return log
