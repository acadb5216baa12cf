"""Benchmark: due-diligence report generation time and peak memory at 100,000 and 1,000,000 workers.

    .venv/bin/python benchmarks/bench_report.py [--sizes 100000,1000000] [--json FILE]

Set-up (not timed): the demo data set (300 workers, the real import) is assessed twice (as of the
demo date and 120 days later); its two runs' `assessed_workers` and `findings` rows are the
templates. For each size N, two runs of N workers are written directly into those tables in bulk
(worker i copies template worker i mod 300 under a new pseudonymous ref, its findings re-keyed) —
building a million workers through the import would take hours here. The timed part is the real
code path: `fairpath.reports.service.render_report(..., "harbourline", "pdf")` in a fresh child
process (so its peak RSS is its own), streaming both runs and rendering the PDF/A.

Not covered by the bulk rows: the recruitment cost indicator reads journeys (events), which the
bulk workers do not have; its cost per worker is measured separately on the demo's real
journeys and reported as throughput (see docs/reports.md).
Prints a table and writes JSON (default benchmarks/results/report.json).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select

from fairpath.config import Settings
from fairpath.demo import REFERENCE_AS_OF
from fairpath.reports.costs import CostReader
from fairpath.services.assessment import assess_data_set, load_law
from fairpath.services.demo import run_demo
from fairpath.storage.db import make_engine
from fairpath.storage.findings import AssessedWorkerRow, AssessmentRunRow, FindingRow
from fairpath.storage.models import WorkerRow, table_of

BATCH = 20_000
_runs, _assessed, _findings = (
    table_of(AssessmentRunRow),
    table_of(AssessedWorkerRow),
    table_of(FindingRow),
)


def templates(engine: Engine, run_id: int) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each assessed worker of a run with its findings, as row dicts."""
    with engine.connect() as conn:
        workers = [
            dict(r._mapping)
            for r in conn.execute(
                select(_assessed)
                .where(_assessed.c.run_id == run_id)
                .order_by(_assessed.c.worker_ref)
            )
        ]
        found: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(select(_findings).where(_findings.c.run_id == run_id)):
            found.setdefault(r.worker_ref, []).append(dict(r._mapping))
    return [(w, found.get(w["worker_ref"], [])) for w in workers]


def bulk_run(engine: Engine, template_run: int, as_of: Any, size: int) -> int:
    """A run of `size` workers copied from the template run's workers; returns its id."""
    tpl = templates(engine, template_run)
    with engine.begin() as conn:
        run_id = conn.execute(
            _runs.insert()
            .values(
                as_of=as_of,
                at=datetime.now(UTC),
                actor="bench",
                worker_ref=None,
                law_tables="[]",
                rate_table="bench",
                workers=size,
                findings=0,
                notes=0,
            )
            .returning(_runs.c.id)
        ).scalar_one()
        workers: list[dict[str, Any]] = []
        findings: list[dict[str, Any]] = []
        n = 0
        for i in range(size):
            w, fs = tpl[i % len(tpl)]
            ref = f"b{i:07d}"
            workers.append(
                {**{k: v for k, v in w.items() if k != "id"}, "run_id": run_id, "worker_ref": ref}
            )
            for f in fs:
                n += 1
                findings.append(
                    {
                        **{k: v for k, v in f.items() if k != "id"},
                        "run_id": run_id,
                        "worker_ref": ref,
                        "ref": f"F-{run_id}-{n}",
                        "key": f["key"].replace(f"{w['worker_ref']}", ref, 1),
                    }
                )
            if len(workers) >= BATCH:
                conn.execute(_assessed.insert(), workers)
                conn.execute(_findings.insert(), findings)
                workers, findings = [], []
        if workers:
            conn.execute(_assessed.insert(), workers)
        if findings:
            conn.execute(_findings.insert(), findings)
        conn.execute(_runs.update().where(_runs.c.id == run_id).values(findings=n))
    return int(run_id)


def child(data_dir: str) -> None:
    """The timed part, in its own process: the report as PDF."""
    from fairpath.reports.service import render_report

    settings = Settings(data_dir=Path(data_dir))
    engine = make_engine(settings.sqlalchemy_url)
    start = time.perf_counter()
    pdf = render_report(settings, engine, "harbourline", "pdf")
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mib": rss, "pdf_bytes": len(pdf)}))


def cost_throughput(settings: Settings, engine: Engine, as_of: Any) -> float:
    """Workers per second through the cost indicator's journey pass (real journeys)."""
    law_book, rates = load_law(settings)
    with engine.connect() as conn:
        refs = list(conn.scalars(select(table_of(WorkerRow).c.ref)))
        reader = CostReader(conn, law_book, rates, as_of)
        start = time.perf_counter()
        for i in range(0, len(refs), 900):
            reader.indicators(refs[i : i + 900])
        return len(refs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "report.json"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        engine = make_engine(settings.sqlalchemy_url)
        first = run_demo(settings, engine, workers=300, seed=7).run
        later = REFERENCE_AS_OF + timedelta(days=120)
        second = assess_data_set(settings, engine, as_of=later, actor="bench")
        throughput = cost_throughput(settings, engine, later)
        for size in sizes:
            with engine.begin() as conn:  # only the two bulk runs of this size in the tables
                for table in (_findings, _assessed):
                    conn.execute(delete(table).where(table.c.run_id > second.id))
                conn.execute(delete(_runs).where(_runs.c.id > second.id))
            t0 = time.perf_counter()
            bulk_run(engine, first.id, first.as_of, size)
            bulk_run(engine, second.id, later, size)
            setup = time.perf_counter() - t0
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(settings.data_dir)],
                check=True,
                capture_output=True,
                text=True,
            )
            measured = json.loads(out.stdout.strip().splitlines()[-1])
            results.append({"workers": size, "setup_seconds": round(setup, 1), **measured})
            print(
                f"{size:>10,} workers: report {measured['seconds']:.1f} s, peak RSS "
                f"{measured['peak_rss_mib']:.0f} MiB (bulk set-up {setup:.0f} s)",
                flush=True,
            )
        engine.dispose()
    print()
    print(f"{'workers':>10} {'PDF (s)':>8} {'peak RSS (MiB)':>15} {'s per 100k':>11}")
    for r in results:
        print(
            f"{r['workers']:>10,} {r['seconds']:>8.1f} {r['peak_rss_mib']:>15.0f} "
            f"{r['seconds'] / r['workers'] * 100_000:>11.2f}"
        )
    print(f"cost indicator journey pass: {throughput:,.0f} workers/s on the demo's journeys")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"results": results, "cost_indicator_workers_per_second": throughput}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()
