"""Web benchmark: requests/s and p50/p99 latency of the worker's contract page and one API read,
against the app's static `/healthz` route measured in the same run.

    .venv/bin/python benchmarks/bench_web.py [--seconds 8] [--connections 64] [--workers 300]
        [--server-workers 2]

One command: builds a demo data set (SQLite, `--workers` journeys, assessed), starts
`fairpath`'s server as `fairpath serve --workers N` does (`web.server.serve`: uvicorn with
uvloop and httptools, `--server-workers` forked processes on one address, each with the
default thread pool, web.app.THREADS) in a child process on
loopback, signs a worker in with a worker card, then runs a load generator in ANOTHER child
process: asyncio, raw sockets, HTTP/1.1 keep-alive, `--connections` concurrent connections,
each sending its next request when the previous answer is read in full, for `--seconds` (after
a one-second warm-up) or `--max-requests`, whichever comes first. The load generator shares the
machine's cores with the server; its CPU time is recorded for each route.

Routes: the hello route (`/healthz`), the worker's contract page, the API read of the worker,
then — on a second server started with the rendered-page cache off (`page_cache=0`) — the
contract page again, so the table shows what the cache (web.rendering.PageCache) is worth and
what a worker's first visit costs. Prints a table and writes benchmarks/results/web.json (with
the machine's load average before and after: it is shared with other jobs).

Targets (issue 5): the worker page ≥ 1,000 requests/s and p99 < 100 ms on 2 cores, and ≥ 50 %
of the hello route's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "web.json"
TARGET_RPS = 1000
TARGET_P99_MS = 100.0
TARGET_SHARE = 0.5
CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


# --- child: the server ---------------------------------------------------------------------


def serve_child(data_dir: str, workers: int, page_cache: int) -> None:
    """Serve the app as `fairpath serve --workers N` does, on a free loopback port; print it."""
    from fairpath.config import Settings
    from fairpath.web.server import bind, serve

    settings = Settings(data_dir=Path(data_dir))
    sock = bind("127.0.0.1", 0, workers=workers)
    print(sock.getsockname()[1], flush=True)
    serve(settings, sock, workers=workers, page_cache=page_cache)


# --- child: the load generator -------------------------------------------------------------


async def _connection(
    *,
    port: int,
    request: bytes,
    stop_at: float,
    measure_from: float,
    budget: list[int],
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while budget[0] > 0:
            now = time.perf_counter()
            if now >= stop_at:
                return
            budget[0] -= 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            if length is None:  # the app always sends a length; anything else is a failure
                errors[0] += 1
                return
            await reader.readexactly(int(length.group(1)))
            if not head.startswith(b"HTTP/1.1 200"):
                errors[0] += 1
            if started >= measure_from:
                latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(
    port: int, path: str, cookie: str, *, connections: int, seconds: float, max_requests: int
) -> dict[str, Any]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Accept-Encoding: identity\r\n\r\n"
    ).encode()
    warm_up = 1.0
    begin = time.perf_counter()
    measure_from, stop_at = begin + warm_up, begin + warm_up + seconds
    latencies: list[float] = []
    errors = [0]
    budget = [max_requests]
    await asyncio.gather(
        *(
            _connection(
                port=port,
                request=request,
                stop_at=stop_at,
                measure_from=measure_from,
                budget=budget,
                latencies=latencies,
                errors=errors,
            )
            for _ in range(connections)
        )
    )
    elapsed = min(time.perf_counter(), stop_at) - measure_from
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "path": path,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
        "errors": errors[0],
    }


def load_child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    # The load generator shares the machine's cores with the server: uvloop (installed with
    # uvicorn[standard]) makes each request cost it less CPU, leaving more to the server.
    try:
        import uvloop

        run: Any = uvloop.run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        run = asyncio.run
    result = run(
        _load(
            args.port,
            args.path,
            args.cookie,
            connections=args.connections,
            seconds=args.seconds,
            max_requests=args.max_requests,
        )
    )
    print(json.dumps(result), flush=True)


# --- the parent: set up, start, measure, report ----------------------------------------------


def build_data(data_dir: Path, workers: int) -> tuple[str, str]:
    """A demo data set, assessed; returns a worker card (code, PIN)."""
    from fairpath.config import Settings
    from fairpath.services import accounts
    from fairpath.services.demo import run_demo
    from fairpath.storage.db import make_engine

    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.sqlalchemy_url)
    run_demo(settings, engine, workers=workers, seed=7)
    made = accounts.ensure_demo_accounts(settings, engine)
    card = next(a for a in made if a.role == "worker")
    engine.dispose()
    return card.login, card.secret.removeprefix("PIN ")


def sign_in_worker(base: str, code: str, pin: str) -> tuple[str, str]:
    """A session cookie for the worker, and their reference."""
    import httpx

    with httpx.Client(base_url=base) as client:
        form = client.get("/card").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, "the card page has its CSRF token"
        client.post("/card", data={"code": code, "pin": pin, "csrf_token": token.group(1)})
        me = client.get("/api/v1/me").json()
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return cookie, str(me["worker_ref"])


def run_load(port: int, path: str, cookie: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child-load",
        "--port",
        str(port),
        "--path",
        path,
        "--cookie",
        cookie,
        "--connections",
        str(args.connections),
        "--seconds",
        str(args.seconds),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=args.seconds + 60, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # CPU seconds the load generator used over its whole run (warm-up included), per second.
    result["load_generator_cpu_cores"] = round(cpu / (args.seconds + 1.0), 2)
    return result


def table(results: list[dict[str, Any]], hello_rps: float) -> str:
    lines = [
        f"{'route':<40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'of hello':>8} "
        f"{'errors':>6} {'loadgen cores':>13}",
        "-" * 95,
    ]
    for r in results:
        share = r["rps"] / hello_rps if hello_rps else 0
        lines.append(
            f"{r['name']:<40} {r['rps']:>8,.0f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} "
            f"{share:>8.0%} {r['errors']:>6} {r['load_generator_cpu_cores']:>13.2f}"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def server(data_dir: Path, workers: int, page_cache: int) -> Iterator[int]:
    """A server child process; yields its port once it answers."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child-serve", str(data_dir), str(workers), str(page_cache)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        _wait_until_up(f"http://127.0.0.1:{port}")
        yield port
    finally:
        child.terminate()  # SIGTERM: the server stops its workers
        child.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=300, help="journeys in the data set")
    parser.add_argument("--server-workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    from fairpath.web.app import PAGE_CACHE_ENTRIES

    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="fairpath-bench-web-") as folder:
        data_dir = Path(folder) / "data"
        print(f"building a demo data set of {args.workers} workers …", flush=True)
        code, pin = build_data(data_dir, args.workers)
        results = []
        with server(data_dir, args.server_workers, PAGE_CACHE_ENTRIES) as port:
            cookie, ref = sign_in_worker(f"http://127.0.0.1:{port}", code, pin)
            routes = [
                ("hello (/healthz)", "/healthz"),
                ("worker page /my/contract", "/my/contract"),
                ("API /api/v1/workers/{ref}", f"/api/v1/workers/{ref}"),
            ]
            for name, path in routes:
                print(f"measuring {name} …", flush=True)
                results.append({"name": name, **run_load(port, path, cookie, args)})
        with server(data_dir, args.server_workers, 0) as port:
            cookie, ref = sign_in_worker(f"http://127.0.0.1:{port}", code, pin)
            name = "worker page, page cache off"
            print(f"measuring {name} …", flush=True)
            results.append({"name": name, **run_load(port, "/my/contract", cookie, args)})
    report = _report(args, results, load_before)
    print(table(results, results[0]["rps"]))
    print(f"load average before {load_before}, after {report['load_average_after']}")
    print(f"targets met: {report['targets']['met']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS}")


def _report(
    args: argparse.Namespace, results: list[dict[str, Any]], load_before: list[float]
) -> dict[str, Any]:
    from fairpath.web.app import PAGE_CACHE_ENTRIES, THREADS
    from fairpath.web.server import event_loop, http_parser

    hello = results[0]["rps"]
    page = results[1]
    for r in results:
        r["share_of_hello"] = round(r["rps"] / hello, 3) if hello else 0.0
    return {
        "benchmark": "web",
        "server": {
            "how": "fairpath.web.server.serve, as `fairpath serve --workers N`",
            "workers": args.server_workers,
            "threads_per_worker": THREADS,
            "loop": event_loop(),
            "http": http_parser(),
            "database": "SQLite (WAL) in the data directory",
            "page_cache_entries": PAGE_CACHE_ENTRIES,
            "page_cache_note": "the last row is a second server with the page cache off",
        },
        "load_generator": (
            "separate process, asyncio on uvloop, raw sockets, HTTP/1.1 keep-alive, on the 2 CPUs "
            "the server uses (its CPU use per route: load_generator_cpu_cores)"
        ),
        "connections": args.connections,
        "seconds": args.seconds,
        "data_set_workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "results": results,
        "targets": {
            "worker_page_rps": TARGET_RPS,
            "worker_page_p99_ms": TARGET_P99_MS,
            "share_of_hello": TARGET_SHARE,
            "met": {
                "rps": page["rps"] >= TARGET_RPS,
                "p99": page["p99_ms"] < TARGET_P99_MS,
                "share": hello > 0 and page["rps"] / hello >= TARGET_SHARE,
            },
        },
    }


def _wait_until_up(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not come up within 30 s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child-serve":
        serve_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-load":
        load_child(sys.argv[2:])
    else:
        main()
