"""Crash safety: the writer is killed with SIGKILL at random moments, again and again.

A forked child runs the import service — the code `fairpath import` runs: one transaction per
file, then publish (sign, tiles, witness) — over the files not yet imported, and is killed
after a random delay: mid-transaction, mid-publish, mid-tile-write or mid-HTTP to the witness.
After every kill the log must hold exactly the committed files, densely, with no index ever
reused; at the end the next publish must verify everything, and the witness (which follows the
log the whole time) must never have been shown two inconsistent checkpoints.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.ledger.witness import WitnessResult
from fairpath.services import journal_log, log_audit, witnessing
from fairpath.services.importing import import_paths
from fairpath.storage.db import make_engine

from .helpers import journey_records, leaf_owners, running_witness, write_jsonl, write_policy

Ready = tuple[Settings, Engine]
FILES = 24
WORKERS_PER_FILE = 100  # 2 + 100 * 4 = 402 records a file: enough work for the kills to land
KILLS = 8


def _writer(settings: Settings, paths: list[Path]) -> None:
    engine = make_engine(settings.sqlalchemy_url)  # never the parent's connections
    for path in paths:
        import_paths(settings, engine, [path], actor="crash-test", now=datetime.now(UTC))


def _committed_tags(owners: dict[int, tuple[str, str]], tags: list[str]) -> list[str]:
    per_file = 2 + WORKERS_PER_FILE * 4
    done = []
    for tag in tags:
        count = sum(1 for _, ref in owners.values() if ref.startswith(f"{tag}-"))
        assert count in (0, per_file), f"file {tag} is half there ({count} of {per_file} records)"
        if count:
            done.append(tag)
    return done


def test_sigkill_at_random_points_loses_nothing_committed_and_signs_nothing_inconsistent(
    ready: Ready, tmp_path: Path
) -> None:
    settings, engine = ready
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    tags = [f"k{i:02d}" for i in range(FILES)]
    files = {
        t: write_jsonl(tmp_path / f"{t}.jsonl", journey_records(t, WORKERS_PER_FILE, 3))
        for t in tags
    }
    statuses: list[int] = []
    context = multiprocessing.get_context("fork")
    with running_witness(tmp_path, "ngo.example/w1", [journal_log.log_vkey(settings)]) as w1:
        add = w1.keeper.add_checkpoint

        def watched(body: bytes, now: int) -> WitnessResult:
            result = add(body, now)
            statuses.append(result.status)
            return result

        w1.keeper.add_checkpoint = watched  # type: ignore[method-assign]
        write_policy(settings, [w1], quorum=1)
        seen: dict[int, tuple[str, str]] = {}
        kills = 0
        for _round in range(KILLS + 4):
            _, owners = leaf_owners(engine)
            todo = [t for t in tags if t not in _committed_tags(owners, tags)]
            if not todo:
                break
            child = context.Process(target=_writer, args=(settings, [files[t] for t in todo]))
            child.start()
            child.join(rng.uniform(0.02, 0.35) if kills < KILLS else 60)
            if child.is_alive():
                os.kill(child.pid or 0, signal.SIGKILL)
                kills += 1
            child.join()
            indices, owners = leaf_owners(engine)
            assert indices == list(range(len(indices))), f"gap or duplicate (seed {seed})"
            assert sorted(owners) == indices, f"a leaf without its record (seed {seed})"
            for index, owner in seen.items():
                assert owners[index] == owner, f"index {index} was reused (seed {seed})"
            seen = owners
            _committed_tags(owners, tags)

        assert kills >= 5, f"only {kills} kills landed (seed {seed})"
        _, owners = leaf_owners(engine)
        assert _committed_tags(owners, tags) == tags, "the last writer finished every file"
        final = journal_log.publish(settings, engine, datetime.now(UTC))
    assert final.published and final.size == FILES * (2 + WORKERS_PER_FILE * 4)
    report = log_audit.verify_log(settings, engine)
    assert report.ok, f"seed {seed}: {report.problems}"
    assert report.checkpoints >= 2
    # The witness followed the log through every kill: it never saw a fork or a bad proof.
    assert 422 not in statuses and 403 not in statuses and 200 in statuses
    state = witnessing.read_state(w1.keeper.state_file)[settings.log_origin]
    assert state.size == final.size
