"""Witnesses over real HTTP on loopback: cosigning, quorum, 409 recovery, refusing forks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, update

from fairpath.config import Settings
from fairpath.ledger.checkpoint import Checkpoint, sign_checkpoint_note
from fairpath.ledger.log import Log, MemoryLogStore
from fairpath.ledger.merkle import EMPTY_ROOT
from fairpath.ledger.note import Ed25519Signer, parse_skey
from fairpath.ledger.policy import parse_policy
from fairpath.ledger.witness import build_request
from fairpath.services import journal_log, witnessing
from fairpath.services.importing import import_paths
from fairpath.storage.models import LogCheckpointRow, table_of

from .helpers import cli, db_env, journey_records, running_witness, write_jsonl, write_policy

Ready = tuple[Settings, Engine]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _import(settings: Settings, engine: Engine, path: Path) -> None:
    import_paths(settings, engine, [path], actor="test", now=NOW)


def test_two_of_three_witnesses_publish_a_checkpoint(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    vkey = journal_log.log_vkey(settings)
    with (
        running_witness(tmp_path, "ngo.example/w1", [vkey]) as w1,
        running_witness(tmp_path, "union.example/w2", [vkey]) as w2,
    ):
        down = witnessing.create_witness_key("gone.example/w3", tmp_path / "w3.key")
        policy = write_policy(settings, [w1, w2], quorum=2)
        policy.write_text(
            policy.read_text().replace(
                "group main 2 w0 w1", f"witness w2 {down} http://127.0.0.1:9\ngroup main 2 w0 w1 w2"
            )
        )
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
        result = journal_log.publish(settings, engine, NOW)
        assert result.published and result.cosigners == {"w0", "w1"}
        published = (settings.log_dir / "checkpoint").read_text()
        parse_policy(policy.read_text()).verify_checkpoint(published)  # quorum holds
        status = cli("log", "status", data_dir=settings.data_dir, env=db_env(settings)).out
        assert (
            "witness w2 http://127.0.0.1:9: NOT cosigned" in status and "quorum main: met" in status
        )
        # The log grows: each witness is asked from the size it cosigned last (old 8).
        _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b")))
        grown = journal_log.publish(settings, engine, NOW)
        assert grown.published and grown.size == 16
        assert witnessing.read_state(w1.keeper.state_file)[settings.log_origin].size == 16


def test_without_quorum_the_checkpoint_is_signed_but_not_published(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    vkey = journal_log.log_vkey(settings)
    with running_witness(tmp_path, "ngo.example/w1", [vkey]) as w1:
        write_policy(settings, [w1], quorum=1)
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
    assert (settings.log_dir / "checkpoint").exists()
    _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b")))
    # The witness is down now: size 16 is signed, the published checkpoint stays at 8.
    result = journal_log.publish(settings, engine, NOW)
    assert result.size == 16 and not result.published
    assert any("did not answer" in p for p in result.problems)
    assert (settings.log_dir / "checkpoint").read_text().split("\n")[1] == "8"
    status = cli("log", "status", data_dir=settings.data_dir, env=db_env(settings)).out
    assert "signed: size 16" in status and "published: size 8" in status and "NOT met" in status
    # The witness is back (same state file): the next publish catches up without growth.
    with running_witness(
        tmp_path, "ngo.example/w1", [vkey], tmp_path / "ngo.example_w1.state"
    ) as w1_again:
        write_policy(settings, [w1_again], quorum=1)
        caught_up = journal_log.publish(settings, engine, NOW)
    assert caught_up.published and not caught_up.signed
    assert (settings.log_dir / "checkpoint").read_text().split("\n")[1] == "16"


def test_a_log_that_lost_its_cosignatures_recovers_through_409(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    vkey = journal_log.log_vkey(settings)
    with running_witness(tmp_path, "ngo.example/w1", [vkey]) as w1:
        write_policy(settings, [w1], quorum=1)
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
        # Forget what the witness cosigned (as if killed after its answer): the log now
        # claims `old 0`, the witness answers 409 with 8, and the log proves from 8.
        rows = table_of(LogCheckpointRow)
        with engine.begin() as conn:
            conn.execute(update(rows).values(cosigned_note=None))
        _import(settings, engine, write_jsonl(tmp_path / "b.jsonl", journey_records("b")))
        result = journal_log.publish(settings, engine, NOW)
    assert result.published and result.problems == []


def test_the_witness_refuses_a_fork_and_unknown_or_forged_logs(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    vkey = journal_log.log_vkey(settings)
    signer = parse_skey((settings.keys_dir / "log.key").read_text().strip())
    with running_witness(tmp_path, "ngo.example/w1", [vkey]) as w1:
        write_policy(settings, [w1], quorum=1)
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
        url = w1.url + "/add-checkpoint"
        # The same key signing another tree of size 10 (a split view): 422, never cosigned.
        fork = Log(MemoryLogStore(), settings.log_origin)
        fork.append([b"other %d" % i for i in range(10)])
        note = sign_checkpoint_note(fork.checkpoint(), [signer])
        answer = httpx.post(url, content=build_request(8, fork.consistency_proof(8), note))
        assert answer.status_code == 422
        # Claiming an old size the witness never saw: 409 with its size.
        answer = httpx.post(url, content=build_request(3, fork.consistency_proof(3), note))
        assert answer.status_code == 409 and answer.text == "8\n"
        assert answer.headers["content-type"] == "text/x.tlog.size"
        # A log it does not follow: 404. The right name with another key (forged): 403.
        stranger = Checkpoint("stranger.example/log", 0, EMPTY_ROOT)
        stranger_note = sign_checkpoint_note(stranger, [Ed25519Signer(stranger.origin, bytes(32))])
        assert httpx.post(url, content=build_request(0, [], stranger_note)).status_code == 404
        forged = sign_checkpoint_note(
            fork.checkpoint(), [Ed25519Signer(settings.log_origin, bytes(32))]
        )
        answer = httpx.post(url, content=build_request(8, fork.consistency_proof(8), forged))
        assert answer.status_code == 403
    assert witnessing.read_state(w1.keeper.state_file)[settings.log_origin].size == 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_witness_commands_run_a_witness_from_the_command_line(ready: Ready, tmp_path: Path) -> None:
    settings, engine = ready
    made = cli("witness", "init", "--name", "ngo.example/w9", "--out", str(tmp_path / "w9.key"))
    witness_vkey = made.out.strip().splitlines()[-1]
    assert made.code == 0 and witness_vkey.startswith("ngo.example/w9+")
    assert (tmp_path / "w9.key").stat().st_mode & 0o077 == 0, (
        "the key is readable by its owner only"
    )
    again = cli("witness", "init", "--name", "ngo.example/w9", "--out", str(tmp_path / "w9.key"))
    assert again.code == 1 and "never overwritten" in again.err

    port = _free_port()
    state = tmp_path / "w9-state.json"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "fairpath"),
            "witness",
            "serve",
            "--key",
            str(tmp_path / "w9.key"),
            "--log",
            journal_log.log_vkey(settings),
            "--state",
            str(state),
            "--listen",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/x/checkpoint", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        policy = settings.data_dir / "witnesses.policy"
        policy.write_text(f"witness w9 {witness_vkey} http://127.0.0.1:{port}\nquorum w9\n")
        _import(settings, engine, write_jsonl(tmp_path / "a.jsonl", journey_records("a")))
        result = journal_log.publish(settings, engine, NOW)
        assert result.published and result.cosigners == {"w9"}
    finally:
        proc.terminate()
        proc.wait(10)
    assert witnessing.read_state(state)[settings.log_origin].size == 8
