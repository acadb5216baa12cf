"""Benchmark: due-diligence report generation time and peak memory at 100,000 and 1,000,000 workers.

    uv run --locked python benchmarks/bench_report.py [--sizes 100000,1000000] [--rebuild]

How the data set is built (set-up, timed separately, cached in benchmarks/data/report-<N>/ and
reused by later runs): the demo generator's data set of 1,000 workers (seed 7) goes through the
real import and the real assessment twice (as of the demo date and 120 days later), so both runs
store their findings, remedy accounts and per-worker summaries exactly as `fairpath assess`
does. The store is then grown to N workers in bulk, in SQL (`INSERT … SELECT` over the template
rows): copy k of template worker `w-000123` is worker `x00042-w-000123`, with every row the
assessment wrote for it in both runs (`assessed_workers`, `findings` with keys, refs and
evidence re-named the same way) and its `grievance_filed` events. Not copied: the copies'
worker records, their other journey events and their journey log entries — the report does not
read them (its grievances are read through the events' (worker, type) index, per worker of the
run). The import would take hours at a million workers (~25 events per worker at 5–30k
events/s).

Timed, each in a fresh child process (so its peak RSS is its own): `fairpath report --org
harbourline --format pdf` end to end through the CLI, and, as the baseline of the same run,
one SQL `SELECT rule_id, count(*) FROM findings WHERE run_id = ? GROUP BY rule_id` over the
newest run. Prints a table with ratios; writes JSON (default benchmarks/results/report.json)
with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from fairpath.config import Settings
from fairpath.demo import REFERENCE_AS_OF
from fairpath.services.assessment import assess_data_set
from fairpath.services.demo import run_demo
from fairpath.storage.db import make_engine
from fairpath.storage.findings import AssessedWorkerRow, AssessmentRunRow, FindingRow
from fairpath.storage.models import table_of

TEMPLATE_WORKERS = 1_000
SEED = 7
ORG = "harbourline"
#: Bump when the way the data set is built changes: cached stores are then rebuilt.
RECIPE = 2
CACHE = Path(__file__).parent / "data"
COPIES_PER_STATEMENT = 50

_runs, _assessed, _findings = (
    table_of(AssessmentRunRow),
    table_of(AssessedWorkerRow),
    table_of(FindingRow),
)

_ASSESSED_COLUMNS = (
    "groups, findings, currency, owed_minor, paid_minor, confirmed_minor, balance_minor, "
    "overpaid_minor, groups_id, profile_id, changes_id, cost_id, cost_milli, cost_centi"
)
_FINDING_COLUMNS = (
    "rule_id, severity, ilo_indicators, iris_principles, message, owed_minor, owed_currency"
)
#: Copy k of a template row: the worker ref prefixed, and every text naming it re-named alike.
_WORKER = "printf('x%05d-', c.k) || t.worker_ref"
_COPY_SQL = (
    f"INSERT INTO assessed_workers (run_id, worker_ref, {_ASSESSED_COLUMNS}) "
    f"SELECT t.run_id, {_WORKER}, {_ASSESSED_COLUMNS} "
    "FROM copies c CROSS JOIN tpl_assessed t ORDER BY c.k, t.run_id, t.worker_ref",
    f"INSERT INTO findings (run_id, ref, key, worker_ref, evidence, {_FINDING_COLUMNS}) "
    "SELECT t.run_id, printf('F-%d-x%05d-', t.run_id, c.k) || t.n, "
    f"replace(t.key, t.worker_ref, {_WORKER}), {_WORKER}, "
    f"replace(t.evidence, t.worker_ref, {_WORKER}), {_FINDING_COLUMNS} "
    "FROM copies c CROSS JOIN tpl_findings t ORDER BY c.k, t.run_id, t.worker_ref, t.id",
    "INSERT INTO events (ref, worker_ref, type, date, supersedes_ref, canonical, "
    "pii_ciphertext, content_digest, leaf_index, recorded_at, import_id) "
    f"SELECT printf('x%05d-', c.k) || t.ref, {_WORKER}, t.type, t.date, "
    "printf('x%05d-', c.k) || t.supersedes_ref, "
    "replace(replace(t.canonical, '\"ref\":\"' || t.ref || '\"', "
    "'\"ref\":\"' || printf('x%05d-', c.k) || t.ref || '\"'), "
    f"'\"worker_ref\":\"' || t.worker_ref || '\"', '\"worker_ref\":\"' || {_WORKER} || '\"'), "
    # Not in the journey log: indices far beyond its size, so no proof is ever asked for one.
    "NULL, NULL, 1000000000000 + c.k * 1000000 + t.id, t.recorded_at, t.import_id "
    "FROM copies c CROSS JOIN tpl_events t",
)
_TEMPLATES = (
    "CREATE TEMP TABLE tpl_assessed AS SELECT * FROM assessed_workers",
    # n: the finding's number in its run (its ref is F-<run>-<n>).
    "CREATE TEMP TABLE tpl_findings AS SELECT *, substr(ref, length('F-' || run_id || '-') + 1) "
    "AS n FROM findings",
    "CREATE TEMP TABLE tpl_events AS SELECT * FROM events WHERE type = 'grievance_filed'",
    "CREATE TEMP TABLE copies (k INTEGER)",
)


def build(data_dir: Path, size: int) -> dict[str, Any]:
    """The data set of `size` workers in `data_dir` (see the module docstring)."""
    if size % TEMPLATE_WORKERS:
        raise SystemExit(f"--sizes must be multiples of {TEMPLATE_WORKERS:,}")
    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.sqlalchemy_url)
    t0 = time.perf_counter()
    first = run_demo(settings, engine, workers=TEMPLATE_WORKERS, seed=SEED).run
    second = assess_data_set(
        settings, engine, as_of=REFERENCE_AS_OF + timedelta(days=120), actor="bench"
    )
    engine.dispose()
    real = time.perf_counter() - t0
    _grow(data_dir / "fairpath.sqlite3", size // TEMPLATE_WORKERS - 1, t0)
    engine = make_engine(settings.sqlalchemy_url)
    with engine.begin() as conn:
        for run in (first.id, second.id):
            counts = {
                "workers": conn.scalar(
                    select(func.count()).select_from(_assessed).where(_assessed.c.run_id == run)
                ),
                "findings": conn.scalar(
                    select(func.count()).select_from(_findings).where(_findings.c.run_id == run)
                ),
            }
            conn.execute(_runs.update().where(_runs.c.id == run).values(**counts))
        findings = conn.scalar(select(func.count()).select_from(_findings))
    engine.dispose()
    return {
        "workers": size,
        "template_workers": TEMPLATE_WORKERS,
        "seed": SEED,
        "recipe": RECIPE,
        "findings_rows": findings,
        "real_import_and_two_assessments_seconds": round(real, 1),
        "setup_seconds": round(time.perf_counter() - t0, 1),
        "database_bytes": (data_dir / "fairpath.sqlite3").stat().st_size,
    }


def _grow(path: Path, copies: int, t0: float) -> None:
    """`copies` copies of the template rows, in SQL, on a connection tuned for a bulk load
    (no rollback journal: a failed build leaves no `built.json`, so the next run rebuilds)."""
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576"):
        con.execute(f"PRAGMA {pragma}")
    for statement in _TEMPLATES:
        con.execute(statement)
    for start in range(1, copies + 1, COPIES_PER_STATEMENT):
        last = min(start + COPIES_PER_STATEMENT, copies + 1)
        con.execute("BEGIN")
        con.execute("DELETE FROM copies")
        con.executemany("INSERT INTO copies (k) VALUES (?)", [(k,) for k in range(start, last)])
        for statement in _COPY_SQL:
            con.execute(statement)
        con.execute("COMMIT")
        done = last * TEMPLATE_WORKERS
        print(f"  … {done:,} workers ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()


def prepared(size: int, rebuild: bool) -> tuple[Path, dict[str, Any], bool]:
    """The cached data directory for `size` workers, built first when missing or stale."""
    folder = CACHE / f"report-{size}"
    stamp = folder / "built.json"
    if stamp.exists() and not rebuild:
        info = json.loads(stamp.read_text())
        if info.get("recipe") == RECIPE:
            return folder / "data", info, True
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    info = _child("--child-build", str(folder / "data"), str(size))  # keeps this process small
    stamp.write_text(json.dumps(info, indent=2) + "\n")
    return folder / "data", info, False


def child_report(data_dir: str, out: str) -> None:
    """Timed: the CLI's `fairpath report`, end to end, as PDF."""
    from typer.testing import CliRunner

    from fairpath.cli.main import app

    start, cpu = time.perf_counter(), _cpu_seconds()
    result = CliRunner().invoke(
        app,
        ["--data-dir", data_dir, "report", "--org", ORG, "--format", "pdf", "--out", out],
        catch_exceptions=False,
    )
    seconds = time.perf_counter() - start
    if result.exit_code:
        raise SystemExit(result.output)
    _emit(
        seconds,
        pdf_bytes=Path(out).stat().st_size,
        cpu_seconds=_cpu_seconds() - cpu,
        process_cpu_seconds=_cpu_seconds(),  # with the interpreter's start and the imports
    )


def _cpu_seconds() -> float:
    """CPU time of this process so far (user + system): what the work cost, whatever the
    other processes on the machine were doing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_scan(data_dir: str) -> None:
    """Baseline: one GROUP BY over the newest run's findings."""
    engine: Engine = make_engine(Settings(data_dir=Path(data_dir)).sqlalchemy_url)
    start = time.perf_counter()
    with engine.connect() as conn:
        run = conn.scalar(select(func.max(_runs.c.id)))
        rows = conn.execute(
            select(_findings.c.rule_id, func.count())
            .where(_findings.c.run_id == run)
            .group_by(_findings.c.rule_id)
        ).all()
    _emit(time.perf_counter() - start, findings=sum(n for _, n in rows))


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM). Not `getrusage`'s ru_maxrss: Linux carries that over
    from the parent across fork and exec, so a child of a big parent would report the
    parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")  # pragma: no cover - Linux only


def _emit(seconds: float, **extra: Any) -> None:
    print(json.dumps({"seconds": seconds, "peak_rss_mib": peak_rss_mib(), **extra}))


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    measured: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached data sets")
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "report.json"
    )
    parser.add_argument("--child-report", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-scan", help=argparse.SUPPRESS)
    parser.add_argument("--child-build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        folder, size = args.child_build
        print(json.dumps(build(Path(folder), int(size))))
        return
    if args.child_report:
        child_report(*args.child_report)
        return
    if args.child_scan:
        child_scan(args.child_scan)
        return
    print(
        f"Data set: {TEMPLATE_WORKERS:,} demo workers (seed {SEED}) imported and assessed twice "
        "for real, then copied in SQL to N workers (their assessed rows, findings and "
        "grievance events; not their other events, worker records or log entries — the "
        f"report reads none of them). Cached in {CACHE}/report-N/.",
        flush=True,
    )
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        print(f"{size:,} workers: preparing the data set …", flush=True)
        data_dir, info, cached = prepared(size, args.rebuild)
        prepare = time.perf_counter() - t0
        load_before = os.getloadavg()
        scan = _child("--child-scan", str(data_dir))
        t1 = time.perf_counter()
        report = _child("--child-report", str(data_dir), str(data_dir.parent / "report.pdf"))
        wall = time.perf_counter() - t1  # with the interpreter's start and fairpath's imports
        row = {
            "workers": size,
            "data_set": info,
            "data_set_cached": cached,
            "prepare_seconds_this_run": round(prepare, 1),
            "report_seconds": round(report["seconds"], 2),
            "report_process_wall_seconds": round(wall, 2),
            "report_cpu_seconds": round(report["cpu_seconds"], 2),
            "report_process_cpu_seconds": round(report["process_cpu_seconds"], 2),
            "report_peak_rss_mib": round(report["peak_rss_mib"], 1),
            "pdf_bytes": report["pdf_bytes"],
            "baseline_findings_group_by_seconds": round(scan["seconds"], 2),
            "baseline_findings_rows": scan["findings"],
            "baseline_peak_rss_mib": round(scan["peak_rss_mib"], 1),
            "report_over_baseline": round(report["seconds"] / scan["seconds"], 2),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
        }
        results.append(row)
        print(
            f"{size:>10,} workers: report {row['report_seconds']:.1f} s "
            f"(CPU {row['report_cpu_seconds']:.1f} s; whole process {wall:.1f} s wall, "
            f"{row['report_process_cpu_seconds']:.1f} s CPU), peak RSS "
            f"{row['report_peak_rss_mib']:.0f} MiB; findings GROUP BY {scan['seconds']:.2f} s; "
            f"set-up {info['setup_seconds']:.0f} s{' (cached)' if cached else ''}; "
            f"load {load_before[0]:.1f}",
            flush=True,
        )
    print()
    print(
        f"{'workers':>10} {'report s':>9} {'CPU s':>6} {'process s':>10} {'RSS MiB':>8} "
        f"{'scan s':>7} {'report/scan':>12} {'set-up s':>9} {'load 1m':>8}"
    )
    for r in results:
        print(
            f"{r['workers']:>10,} {r['report_seconds']:>9.1f} {r['report_cpu_seconds']:>6.1f} "
            f"{r['report_process_wall_seconds']:>10.1f} {r['report_peak_rss_mib']:>8.0f} "
            f"{r['baseline_findings_group_by_seconds']:>7.2f} {r['report_over_baseline']:>12.2f} "
            f"{r['data_set']['setup_seconds']:>9.0f} {r['loadavg_before'][0]:>8.2f}"
        )
    ratios: dict[str, Any] = {}
    if len(results) > 1:
        small, big = results[0], results[-1]
        ratios = {
            "workers": big["workers"] / small["workers"],
            "report_seconds": round(big["report_seconds"] / small["report_seconds"], 2),
            "report_peak_rss": round(big["report_peak_rss_mib"] / small["report_peak_rss_mib"], 2),
            "baseline_scan_seconds": round(
                big["baseline_findings_group_by_seconds"]
                / small["baseline_findings_group_by_seconds"],
                2,
            ),
        }
        print(
            f"{big['workers']:,} vs {small['workers']:,} workers: ×{ratios['workers']:.0f} "
            f"workers → report time ×{ratios['report_seconds']}, peak RSS "
            f"×{ratios['report_peak_rss']}, findings scan ×{ratios['baseline_scan_seconds']}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "how_the_data_set_was_built": (__doc__ or "")
                .split("How the data set is built")[1]
                .split("Timed,")[0]
                .strip(),
                "timed": "fairpath report --org harbourline --format pdf (CLI, fresh process)",
                "baseline": "SELECT rule_id, count(*) FROM findings WHERE run_id = newest "
                "GROUP BY rule_id (fresh process)",
                "results": results,
                "ratios_largest_vs_smallest": ratios,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
