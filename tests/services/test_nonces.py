"""No two encryptions share an AES-GCM nonce (a repeated nonce under one key leaks plaintext),
and no two log leaves share a commitment salt."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import Engine, select

from fairpath.config import Settings
from fairpath.privacy.envelope import Nonces, RandomPool
from fairpath.services.importing import import_paths
from fairpath.storage.models import EventRow, LogEntryRow, WorkerRow, table_of
from tests.services.data import small_data_set, write_jsonl

NONCE = slice(1, 13)  # version byte, then the 12-byte nonce (privacy/envelope.py)


def _imported(ready: tuple[Settings, Engine], tmp_path: Path) -> Engine:
    settings, engine = ready
    source = write_jsonl(tmp_path / "a.jsonl", small_data_set())
    import_paths(settings, engine, [source], actor="clerk")
    return engine


def test_every_ciphertext_of_an_import_has_its_own_nonce(
    ready: tuple[Settings, Engine], tmp_path: Path
) -> None:
    engine = _imported(ready, tmp_path)
    with engine.connect() as conn:
        sealed = [
            *conn.scalars(select(table_of(WorkerRow).c.pii_ciphertext)),
            *conn.scalars(select(table_of(EventRow).c.pii_ciphertext)),
            *conn.scalars(select(table_of(LogEntryRow).c.salt_ciphertext)),
        ]
    nonces = [bytes(blob)[NONCE] for blob in sealed if blob is not None]
    assert len(nonces) >= 5  # personal data and salts of the data set's workers
    assert len(set(nonces)) == len(nonces)


def test_nonces_stay_unique_across_refills_of_the_pool() -> None:
    source = Nonces()
    drawn = [source.take() for _ in range(20_000)]  # more than three refills of 5,461
    assert {len(n) for n in drawn} == {12}
    assert len(set(drawn)) == len(drawn)


def test_salts_of_an_import_are_all_different(
    ready: tuple[Settings, Engine], tmp_path: Path
) -> None:
    # Commitment salts come from a pool too (services.preparing); a reused salt would link
    # two leaves. Records without a worker keep their salt in the clear.
    engine = _imported(ready, tmp_path)
    with engine.connect() as conn:
        salts = [bytes(s) for s in conn.scalars(select(table_of(LogEntryRow).c.salt)) if s]
    assert len(salts) >= 2  # the data set's organizations and sites
    assert {len(s) for s in salts} == {32}
    assert len(set(salts)) == len(salts)


def test_threads_sharing_a_pool_never_get_the_same_value() -> None:
    pool = RandomPool(32)
    drawn: list[bytes] = []

    def draw() -> None:
        drawn.extend(pool.take() for _ in range(5_000))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(drawn) == 20_000
    assert len(set(drawn)) == len(drawn)


def test_a_forked_child_does_not_hand_out_its_parents_values() -> None:
    pool = RandomPool(32)
    pool.take()  # the parent now holds a batch of values it has not handed out yet
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send its next value, then leave without cleanup
        os.write(write, pool.take())
        os._exit(0)
    os.close(write)
    child_value = os.read(read, 64)
    os.waitpid(pid, 0)
    assert len(child_value) == 32
    assert child_value != pool.take()
