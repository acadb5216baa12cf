"""No two encryptions share an AES-GCM nonce (a repeated nonce under one key leaks plaintext)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from fairpath.config import Settings
from fairpath.privacy.envelope import Nonces
from fairpath.services.importing import import_paths
from fairpath.storage.models import EventRow, LogEntryRow, WorkerRow, table_of
from tests.services.data import small_data_set, write_jsonl

NONCE = slice(1, 13)  # version byte, then the 12-byte nonce (privacy/envelope.py)


def test_every_ciphertext_of_an_import_has_its_own_nonce(
    ready: tuple[Settings, Engine], tmp_path: Path
) -> None:
    settings, engine = ready
    source = write_jsonl(tmp_path / "a.jsonl", small_data_set())
    import_paths(settings, engine, [source], actor="clerk")
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
