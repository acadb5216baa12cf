"""Receipts: a worker's evidence that verifies offline, after the log grows and after erasure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import journal_log
from fairpath.services.importing import import_paths
from fairpath.services.workers import erase_worker

from .helpers import (
    cli,
    db_env,
    journey_records,
    running_witness,
    unused_witness_key,
    write_jsonl,
    write_policy,
)

Ready = tuple[Settings, Engine]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _import(settings: Settings, engine: Engine, path: Path) -> None:
    import_paths(settings, engine, [path], actor="test", now=NOW)


def test_a_witnessed_receipt_verifies_offline_after_growth_and_erasure(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    env, data = db_env(settings), settings.data_dir
    log_key = journal_log.log_vkey(settings)
    receipt = tmp_path / "fee.fairpath-receipt.json"
    with (
        running_witness(tmp_path, "ngo.example/w1", [log_key]) as w1,
        running_witness(tmp_path, "union.example/w2", [log_key]) as w2,
    ):
        write_policy(settings, [w1, w2], quorum=2)
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
        issued = cli("receipt", "a-w1-e1", "--out", str(receipt), data_dir=data, env=env)
        assert issued.code == 0 and "event a-w1-e1" in issued.out
        _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b")))
    document = json.loads(receipt.read_text())
    assert "Worker a 1" not in receipt.read_text(), "the receipt carries no personal data"
    assert document["record"]["data"]["amount"] == "1001.00"

    erase_worker(settings, engine, "a-w1", actor="test")
    # Offline: no data directory, no database — only the public keys.
    nowhere = tmp_path / "no-such-dir"
    checked = cli(
        "--data-dir",
        str(nowhere),
        "verify",
        str(receipt),
        "--key",
        log_key,
        "--witness",
        w1.vkey,
        "--witness",
        w2.vkey,
    )
    assert checked.code == 0, checked.err
    assert "VALID" in checked.out
    assert "What: fee paid" in checked.out and "Date: 2025-01-02" in checked.out
    assert "Amount: 1001.00 NPR" in checked.out and "Worker: a-w1" in checked.out
    assert "witnessed by: ngo.example/w1, union.example/w2" in checked.out
    assert not nowhere.exists()

    again = cli("receipt", "a-w1-e1", "--out", str(tmp_path / "again.json"), data_dir=data, env=env)
    assert again.code == 1 and "erased" in again.err and "stay valid" in again.err


def test_a_changed_amount_or_missing_quorum_is_refused_with_a_sentence(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    env, data = db_env(settings), settings.data_dir
    log_key = journal_log.log_vkey(settings)
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
    receipt = tmp_path / "r.json"
    assert cli("receipt", "a-w0-e0", "--out", str(receipt), data_dir=data, env=env).code == 0
    assert cli("verify", str(receipt), "--key", log_key).code == 0

    doc = json.loads(receipt.read_text())
    doc["record"]["data"]["amount"] = "100.00"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc))
    refused = cli("verify", str(tampered), "--key", log_key)
    assert refused.code == 1 and "NOT valid" in refused.err and "record was changed" in refused.err

    # Without witnesses' cosignatures, a verifier who requires one refuses the receipt.
    stranger = unused_witness_key("ngo.example/w1")
    refused = cli("verify", str(receipt), "--key", log_key, "--witness", stranger)
    assert refused.code == 1 and "quorum" in refused.err
    wrong_log = cli("verify", str(receipt), "--key", stranger)
    assert wrong_log.code == 1 and "not a log verifier key" in wrong_log.err
    unknown = cli("receipt", "no-such-event", "--out", str(tmp_path / "x"), data_dir=data, env=env)
    assert unknown.code == 1 and "no record with reference 'no-such-event'" in unknown.err


def test_organisation_records_get_receipts_too(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    env, data = db_env(settings), settings.data_dir
    _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
    receipt = tmp_path / "org.json"
    assert cli("receipt", "a-hr", "--out", str(receipt), data_dir=data, env=env).code == 0
    shown = cli("verify", str(receipt), "--key", journal_log.log_vkey(settings))
    assert "What: organization a-hr" in shown.out and "Roles: recruiter" in shown.out
