"""The demo data set is a pure function of its arguments, streams in constant memory, and sizes
itself to the number of events a benchmark asks for."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tracemalloc
from itertools import islice
from pathlib import Path

import pytest

from fairpath.demo import events_for, generate, write_jsonl
from fairpath.demo.stream import default_processes

from .conftest import AS_OF


def _digest(*, workers: int, seed: int) -> str:
    h = hashlib.sha256()
    for record in generate(workers=workers, seed=seed, as_of=AS_OF):
        h.update(json.dumps(record, ensure_ascii=False).encode())
    return h.hexdigest()


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(first, workers=250, seed=42, as_of=AS_OF)
    write_jsonl(second, workers=250, seed=42, as_of=AS_OF)
    assert first.read_bytes() == second.read_bytes()


def test_same_seed_gives_the_same_bytes_in_another_interpreter(tmp_path: Path) -> None:
    # A fresh interpreter with another string-hash seed: nothing may depend on set or dict
    # iteration order, object ids or the clock.
    script = (
        "import sys; from datetime import date; from fairpath.demo import write_jsonl; "
        "write_jsonl(sys.argv[1], workers=150, seed=4, as_of=date(2026, 6, 30))"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run-{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    here = tmp_path / "here.jsonl"
    write_jsonl(here, workers=150, seed=4, as_of=AS_OF)
    digests.add(hashlib.sha256(here.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_a_different_seed_gives_a_different_data_set() -> None:
    assert _digest(workers=100, seed=1) != _digest(workers=100, seed=2)


def test_a_worker_does_not_depend_on_the_size_of_the_data_set() -> None:
    def journeys(size: int) -> list[str]:
        text = [
            json.dumps(r, ensure_ascii=False)
            for r in generate(workers=size, seed=5, as_of=AS_OF)
            if r["kind"] in {"worker", "event"}
        ]
        # Only the Hong Kong household a helper is placed with depends on the pool's size.
        return [re.sub(r"hh-hk-\d{6}", "hh-hk", line) for line in text]

    small = journeys(40)
    assert journeys(80)[: len(small)] == small


def test_writing_in_several_processes_gives_the_same_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    counts_one = write_jsonl(one, workers=1100, seed=9, as_of=AS_OF, processes=1)
    counts_two = write_jsonl(two, workers=1100, seed=9, as_of=AS_OF, processes=2)
    assert one.read_bytes() == two.read_bytes()
    assert counts_one == counts_two
    assert default_processes() >= 1


@pytest.mark.slow
def test_generating_200_000_records_does_not_grow_memory() -> None:
    # 20,000 workers: a registry of ~12,000 records, then ~470,000 worker and event records.
    stream = generate(workers=20_000, seed=7, as_of=AS_OF)
    for _ in islice(stream, 60_000):  # past the registry, date caches and free lists warm
        pass
    tracemalloc.start()  # counts only what is allocated from here on
    try:
        for _ in islice(stream, 200_000):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # One worker's journey at a time, plus the interpreter's bounded free lists: well under a
    # megabyte. Keeping every record would take hundreds of megabytes; five bytes a record, one.
    assert peak < 1024 * 1024, peak


def test_events_for_sizes_a_data_set_to_about_the_events_asked_for() -> None:
    workers = events_for(20_000, as_of=AS_OF)
    events = sum(1 for r in generate(workers=workers, as_of=AS_OF) if r["kind"] == "event")
    assert 18_000 <= events <= 22_000
    assert events_for(0) == 0


def test_payslip_months_gives_every_worker_exactly_that_many_payslips() -> None:
    per_worker: dict[str, int] = {}
    superseded = set()
    payslips = []
    for record in generate(workers=200, seed=3, as_of=AS_OF, payslip_months=5):
        if record["kind"] == "worker":
            per_worker[record["ref"]] = 0
        elif record["kind"] == "event" and record["type"] == "payslip":
            payslips.append(record)
            if record["supersedes"]:
                superseded.add(record["supersedes"])
    for payslip in payslips:
        if payslip["ref"] not in superseded:
            per_worker[payslip["worker_ref"]] += 1
            assert payslip["data"]["period_end"] < AS_OF.isoformat()
    assert set(per_worker.values()) == {5}


def test_events_never_postdate_the_as_of_date() -> None:
    for record in generate(workers=300, seed=13, as_of=AS_OF):
        if record["kind"] == "event":
            assert record["date"] <= AS_OF.isoformat(), record["ref"]
            paid_on = record["data"].get("paid_on")
            assert paid_on is None or paid_on <= AS_OF.isoformat()


def test_bad_sizes_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="workers must be 0 or more"):
        next(generate(workers=-1, as_of=AS_OF))
    with pytest.raises(ValueError, match="payslip_months must be 0 or more"):
        next(generate(workers=1, as_of=AS_OF, payslip_months=-2))
