"""The demo data set as a stream of journey-format records, and a fast JSON Lines writer.

`generate` yields organisations, sites and links first, then each worker followed by that
worker's events, so an importer reading in order always meets a reference's target before
the reference. Nothing is held beyond one worker's journey: a million workers stream in
constant memory. Output depends only on the arguments (no clock, no global random state), so
the same arguments give byte-identical output.

`write_jsonl` writes the same records as JSON Lines. Workers are independent (each has its own
random stream), so it can draw blocks of workers in several processes and still write exactly
the bytes a single process writes.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fairpath.demo import chain
from fairpath.demo.journey import build_worker
from fairpath.demo.render import encoder, event_dict, event_text
from fairpath.demo.timeline import Frame

# The as-of date `events_for` sizes a data set for when none is given (a fixed date: the
# generator never reads the clock).
REFERENCE_AS_OF = date(2026, 6, 30)

# Workers `events_for` draws to measure the average number of events per worker.
_SIZING_SAMPLE = 400
# Workers per block when writing in several processes: about 4 MB of text per block.
_BLOCK = 500


def _worker_rng(seed: int, index: int) -> random.Random:
    # One stream per worker (S311: demo data, not security), so a worker's journey does not
    # depend on the others; seed and index never collide below 2**40 workers.
    return random.Random(seed * 2**40 + index)  # noqa: S311


def _check(workers: int, payslip_months: int | None) -> None:
    if workers < 0:
        raise ValueError(f"workers must be 0 or more, not {workers}")
    if payslip_months is not None and payslip_months < 0:
        raise ValueError(f"payslip_months must be 0 or more, not {payslip_months}")


def _registry(as_of: date, workers: int) -> Iterator[dict[str, Any]]:
    yield from chain.organizations(as_of, workers)
    yield from chain.sites(workers)
    yield from chain.links(workers)


def generate(
    *, workers: int = 2000, seed: int = 7, as_of: date, payslip_months: int | None = None
) -> Iterator[dict[str, Any]]:
    """The demo data set: journey-format records as JSON-ready dicts, in importable order.

    `payslip_months` gives every worker exactly that many monthly payslips (for benchmarks);
    by default each worker has one per full month between arrival and `as_of`, up to the
    length of the contract.
    """
    _check(workers, payslip_months)
    yield from _registry(as_of, workers)
    frame = Frame.of(as_of, payslip_months, workers)
    for index in range(workers):
        worker, events = build_worker(index, _worker_rng(seed, index), frame)
        yield worker
        ref = worker["ref"]
        for event in events:
            yield event_dict(ref, event)


@dataclass(frozen=True, slots=True)
class Counts:
    """How many records of each kind a data set has."""

    organizations: int = 0
    sites: int = 0
    links: int = 0
    workers: int = 0
    events: int = 0

    @property
    def records(self) -> int:
        return self.organizations + self.sites + self.links + self.workers + self.events

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "records": self.records}


def _block_text(seed: int, frame: Frame, start: int, stop: int) -> tuple[bytes, int]:
    """Workers start..stop-1 and their events as UTF-8 JSON Lines, and the number of events.

    Bytes, not text: a block drawn in another process crosses back as one buffer copy."""
    encode = encoder()
    lines: list[str] = []
    events_written = 0
    for index in range(start, stop):
        worker, events = build_worker(index, _worker_rng(seed, index), frame)
        lines.append(encode(worker))
        ref = worker["ref"]
        lines.extend(event_text(ref, event, encode) for event in events)
        events_written += len(events)
    lines.append("")
    return "\n".join(lines).encode(), events_written


def _blocks_serial(seed: int, frame: Frame, workers: int) -> Iterator[tuple[bytes, int]]:
    for start in range(0, workers, _BLOCK):
        yield _block_text(seed, frame, start, min(workers, start + _BLOCK))


def _blocks_parallel(
    seed: int, frame: Frame, workers: int, processes: int
) -> Iterator[tuple[bytes, int]]:
    """The same blocks, drawn by `processes` processes, yielded in order; at most two per
    process in flight, so memory stays bounded."""
    # fork where there is one (cheap, and works for scripts read from stdin); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        pending: deque[Future[tuple[bytes, int]]] = deque()
        starts = iter(range(0, workers, _BLOCK))
        for start in starts:
            pending.append(
                pool.submit(_block_text, seed, frame, start, min(workers, start + _BLOCK))
            )
            if len(pending) >= 2 * processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def write_jsonl(
    path: Path | str,
    *,
    workers: int = 2000,
    seed: int = 7,
    as_of: date,
    payslip_months: int | None = None,
    processes: int = 1,
) -> Counts:
    """Write the data set to `path` as JSON Lines (UTF-8, one compact object a line).

    The lines are exactly `json.dumps(record, ensure_ascii=False, separators=(",", ":"))` of
    what `generate` yields with the same arguments. `processes` > 1 draws workers in that many
    processes (use `os.cpu_count()`); the file is byte-identical whatever the number.
    """
    _check(workers, payslip_months)
    if processes < 1:
        raise ValueError(f"processes must be 1 or more, not {processes}")
    encode = encoder()
    tally = {"organizations": 0, "sites": 0, "links": 0}
    plural = {"organization": "organizations", "site": "sites", "link": "links"}
    frame = Frame.of(as_of, payslip_months, workers)
    events = 0
    with Path(path).open("wb") as out:
        out.writelines(_registry_lines(_registry(as_of, workers), encode, tally, plural))
        blocks = (
            _blocks_parallel(seed, frame, workers, processes)
            if processes > 1 and workers > _BLOCK
            else _blocks_serial(seed, frame, workers)
        )
        for text, block_events in blocks:
            out.write(text)
            events += block_events
    return Counts(**tally, workers=workers, events=events)


def _registry_lines(
    records: Iterable[dict[str, Any]],
    encode: Any,
    tally: dict[str, int],
    plural: dict[str, str],
) -> Iterator[bytes]:
    for record in records:
        tally[plural[record["kind"]]] += 1
        yield (encode(record) + "\n").encode()


def default_processes() -> int:
    """The processes `write_jsonl` may use on this machine: one per CPU, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def events_for(
    target_events: int,
    *,
    seed: int = 7,
    as_of: date = REFERENCE_AS_OF,
    payslip_months: int | None = None,
) -> int:
    """How many workers give about `target_events` events (measured on the first workers)."""
    if target_events <= 0:
        return 0
    frame = Frame.of(as_of, payslip_months, _SIZING_SAMPLE)
    events = sum(
        len(build_worker(index, _worker_rng(seed, index), frame)[1])
        for index in range(_SIZING_SAMPLE)
    )
    return max(1, math.ceil(target_events * _SIZING_SAMPLE / events))
