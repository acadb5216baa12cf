"""Benchmark of the ledger core: hashing limit, in-memory appends, proofs at 10M entries.

Run: .venv/bin/python benchmarks/bench_ledger.py [--quick]
Writes benchmarks/results/ledger.json. ``bench_appends(store_factory, ...)`` is the
hook for measuring durable (SQL) LogStore implementations the same way.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

from fairpath.ledger.log import Log, LogStore, MemoryLogStore
from fairpath.ledger.merkle import leaf_hash, verify_inclusion

RESULTS = Path(__file__).resolve().parent / "results" / "ledger.json"


def bench_hash_limit(n: int) -> float:
    """Leaves/s doing exactly 2 sha256 calls per leaf (leaf hash + one node hash)."""
    sha = hashlib.sha256
    entries = [b"entry %d" % i for i in range(n)]
    t0 = time.perf_counter()
    prev = b"\x00" * 32
    for e in entries:
        h = sha(b"\x00" + e).digest()
        prev = sha(b"\x01" + prev + h).digest()
    return n / (time.perf_counter() - t0)


def bench_appends(
    store_factory: Callable[[], LogStore], n: int, batch: int = 1000
) -> tuple[float, Log]:
    """Entries/s appending ``n`` entries in batches to a fresh Log over ``store_factory()``."""
    log = Log(store_factory(), "bench.example/log")
    entries = [b"entry %d" % i for i in range(n)]
    t0 = time.perf_counter()
    for i in range(0, n, batch):
        log.append(entries[i : i + batch])
    return n / (time.perf_counter() - t0), log


def build_big_log(n: int, batch: int = 65536) -> tuple[Log, float]:
    """A log of ``n`` entries (entries not kept, only hashes), and the build time."""
    log = Log(MemoryLogStore(keep_entries=False), "bench.example/big")
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        log.append([b"e%d" % i for i in range(start, min(n, start + batch))])
    return log, time.perf_counter() - t0


def bench_proofs(log: Log, count: int) -> tuple[float, float]:
    """(inclusion proofs generated/s, verified/s) at random indices."""
    rng = random.Random(1)
    size, root = log.size, log.root()
    idx = [rng.randrange(size) for _ in range(count)]
    t0 = time.perf_counter()
    proofs = [log.inclusion_proof(i, size) for i in idx]
    gen = count / (time.perf_counter() - t0)
    leaves = [leaf_hash(b"e%d" % i) for i in idx]
    t0 = time.perf_counter()
    for i, leaf, proof in zip(idx, leaves, proofs, strict=True):
        verify_inclusion(i, size, leaf, proof, root)
    return gen, count / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1M-entry proof log instead of 10M")
    args = parser.parse_args()
    big = 1_000_000 if args.quick else 10_000_000
    limit = bench_hash_limit(500_000)
    appends, _ = bench_appends(MemoryLogStore, 500_000)
    log, build_s = build_big_log(big)
    gc.collect()
    gc.freeze()  # the built tree is long-lived: keep the collector from rescanning it
    gen, ver = bench_proofs(log, 50_000)
    rows = [
        ("hashing limit (2 sha256/leaf)", limit, "leaves/s"),
        ("in-memory appends (batch 1000)", appends, "entries/s"),
        (f"inclusion proofs generated @ {big:,}", gen, "proofs/s"),
        (f"inclusion proofs verified @ {big:,}", ver, "proofs/s"),
    ]
    print(f"{'measure':45} {'rate':>14} {'unit':10} {'vs limit':>8}")
    for name, rate, unit in rows:
        print(f"{name:45} {rate:14,.0f} {unit:10} {rate / limit:8.2f}")
    print(f"built the {big:,}-entry log in {build_s:.1f} s")
    result = {
        "hash_limit_leaves_per_s": limit,
        "memory_appends_per_s": appends,
        "append_ratio_to_limit": appends / limit,
        "proof_log_size": big,
        "proof_log_build_s": build_s,
        "inclusion_proofs_generated_per_s": gen,
        "inclusion_proofs_verified_per_s": ver,
        "targets": {"append_ratio": 0.5, "proofs_generated_per_s": 20_000},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
