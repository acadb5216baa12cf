"""Import throughput and peak memory (issue: journey records; issue: journey log).

    uv run python benchmarks/bench_import.py            # ~1 million events
    uv run python benchmarks/bench_import.py --quick    # ~100,000 events

Generates the demo data set (`fairpath.demo`, deterministic) as JSON Lines sized in events,
then measures, each in a fresh process so that memory peaks do not mix:

- baseline: a bare `json.loads` pass over the same file (events/s);
- `fairpath import` on SQLite: events/s (validation, encryption, commitments, storage);
- the same on PostgreSQL (when FAIRPATH_BENCH_PG_URL or the local server is reachable);
- the same on SQLite without journey-log commitments (a benchmark-only Recorder that skips
  the log append), for the "within 70 % of the figure without them" target;
- peak resident memory of the importing process and of its preparing process, at two file
  sizes, to show memory is flat in the file's size.

Prints a table and writes benchmarks/results/import.json. Ratios are against the baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
PG_URL = os.environ.get(
    "FAIRPATH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def data_file(events: int) -> tuple[Path, int]:
    """The demo data set with about `events` events, generated once and kept."""
    from fairpath.demo import REFERENCE_AS_OF, events_for, write_jsonl

    workers = events_for(events)
    path = DATA / f"demo-{workers}-workers.jsonl"
    counts_path = path.with_suffix(".counts.json")
    if not path.exists() or not counts_path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        counts = write_jsonl(path, workers=workers, seed=7, as_of=REFERENCE_AS_OF)
        counts_path.write_text(json.dumps(counts.as_dict()))
    counts = json.loads(counts_path.read_text())
    return path, int(counts["records"])


# --- measurements, each run in a child process ----------------------------------------------

CHILD = r"""
import json, resource, sys, time
from decimal import Decimal
from pathlib import Path
mode, path, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
if mode == "baseline":
    n = 0
    with path.open("rb") as f:
        for line in f:
            json.loads(line, parse_float=Decimal)
            n += 1
else:
    from fairpath.config import Settings
    from fairpath.services.setup import initialise
    from fairpath.storage.db import make_engine
    from fairpath.services import importing
    data_dir = Path(arg.split("|")[0])
    url = arg.split("|")[1] or None
    settings = Settings(data_dir=data_dir, database_url=url)
    engine = make_engine(settings.sqlalchemy_url)
    initialise(settings, engine)
    if mode == "import-without-log":
        from fairpath.services import recording
        class NoLog(recording.Recorder):
            def _append_to_log(self, fresh):
                first = getattr(self, "_next", 0)
                self._next = first + len(fresh)
                return first
        importing.Recorder = NoLog
    start = time.perf_counter()
    reports = importing.import_paths(settings, engine, [path], actor="bench")
    n = reports[0].added
elapsed = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"records": n, "seconds": elapsed, "cpu_seconds": cpu,
                  "rss_kib": me.ru_maxrss, "child_rss_kib": kids.ru_maxrss}))
"""


def run_child(mode: str, path: Path, arg: str = "") -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), arg],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["per_second"] = result["records"] / result["seconds"]
    # CPU seconds (all processes) say what the work costs whatever else the machine runs;
    # on an otherwise idle machine with N cores the rate approaches records / (cpu / N).
    result["per_cpu_second"] = result["records"] / max(result["cpu_seconds"], 1e-9)
    return result


def fresh_pg_database() -> str | None:
    try:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        from fairpath.storage.db import make_engine

        admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
        name = f"fairpath_bench_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    except Exception as error:
        print(f"PostgreSQL not reachable ({type(error).__name__}); skipping it", file=sys.stderr)
        return None


def drop_pg_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from fairpath.storage.db import make_engine

    name = make_url(url).database
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def measure(path: Path, *, postgres: bool, without_log: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"file": path.name, "bytes": path.stat().st_size}
    results["baseline_json_loads"] = run_child("baseline", path)
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run_child("import", path, f"{tmp}/sqlite|")
    if without_log:
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite_without_log"] = run_child("import-without-log", path, f"{tmp}/nolog|")
    if postgres and (url := fresh_pg_database()):
        try:
            with tempfile.TemporaryDirectory() as tmp:
                results["postgresql"] = run_child("import", path, f"{tmp}/pg|{url}")
        finally:
            drop_pg_database(url)
    return results


def table(all_results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'file':<38}{'measurement':<22}{'records':>11}{'records/s':>12}{'× baseline':>12}"
        f"{'rec/CPU-s':>11}{'peak RSS':>11}{'prep RSS':>10}"
    ]
    for results in all_results:
        base = results["baseline_json_loads"]["per_second"]
        for key in ("baseline_json_loads", "sqlite", "sqlite_without_log", "postgresql"):
            if key not in results:
                continue
            r = results[key]
            lines.append(
                f"{results['file']:<38}{key:<22}{r['records']:>11,}{r['per_second']:>12,.0f}"
                f"{r['per_second'] / base:>12.3f}{r['per_cpu_second']:>11,.0f}"
                f"{r['rss_kib'] / 1024:>9.0f}MB"
                f"{r['child_rss_kib'] / 1024:>8.0f}MB"
            )
        if "sqlite_without_log" in results:
            share = results["sqlite"]["per_second"] / results["sqlite_without_log"]["per_second"]
            lines.append(f"{'':<38}with log ÷ without log on SQLite: {share:.1%} (target ≥ 70 %)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~100,000 events instead of 1M")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [100_000, 1_000_000]
    all_results = []
    for events in sizes:
        path, _records = data_file(events)
        largest = events == sizes[-1]
        all_results.append(
            measure(path, postgres=not args.no_postgres and largest, without_log=largest)
        )
    small, large = all_results
    flat = large["sqlite"]["rss_kib"] / small["sqlite"]["rss_kib"]
    report = table(all_results)
    report += (
        f"\npeak memory, {large['file']} ÷ {small['file']} (10× the events): {flat:.2f}× "
        "(flat means ≈ 1)"
    )
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("import-quick.json" if args.quick else "import.json")
    out.write_text(
        json.dumps(
            {
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "results": all_results,
                "memory_ratio": flat,
            },
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
