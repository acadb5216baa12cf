"""Web benchmark: requests/s and p50/p99 latency of the worker's contract page and one API read,
against the app's static `/healthz` route measured in the same run.

    .venv/bin/python benchmarks/bench_web.py [--seconds 8] [--connections 64] [--workers 300]

One command: builds a demo data directory (SQLite, `--workers` journeys, assessed), starts
`fairpath`'s app with uvicorn (ONE worker process) in a child process on loopback, signs a
worker in with a worker card, then runs a load generator in ANOTHER child process: asyncio,
raw sockets, HTTP/1.1 keep-alive, `--connections` concurrent connections, each sending its next
request when the previous answer is read in full, for `--seconds` (after a one-second warm-up)
or `--max-requests`, whichever comes first. Prints a table and writes
benchmarks/results/web.json (with the machine's load average: it is shared with other jobs).

Targets (issue 5): the worker page ≥ 1,000 requests/s and p99 < 100 ms on 2 cores, and ≥ 50 %
of the hello route's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "web.json"
TARGET_RPS = 1000
TARGET_P99_MS = 100.0
TARGET_SHARE = 0.5


# --- child: the server ---------------------------------------------------------------------


def serve_child(data_dir: str) -> None:
    """Serve the app with one uvicorn worker on a free loopback port; print the port."""
    from fairpath.config import Settings
    from fairpath.web.server import bind, serve

    settings = Settings(data_dir=Path(data_dir))
    sock = bind("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    serve(settings, sock)


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
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
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
    result = asyncio.run(
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
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=args.seconds + 60, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(results: list[dict[str, Any]], hello_rps: float) -> str:
    lines = [
        f"{'route':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of hello':>9} {'errors':>7}",
        "-" * 74,
    ]
    for r in results:
        share = r["rps"] / hello_rps if hello_rps else 0
        lines.append(
            f"{r['name']:<28} {r['rps']:>9,.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
            f"{share:>8.0%} {r['errors']:>7}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=300, help="journeys in the data set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fairpath-bench-web-") as folder:
        data_dir = Path(folder) / "data"
        print(f"building a demo data set of {args.workers} workers …", flush=True)
        code, pin = build_data(data_dir, args.workers)
        server = subprocess.Popen(
            [sys.executable, __file__, "--child-serve", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base)
            cookie, ref = sign_in_worker(base, code, pin)
            routes = [
                ("hello (/healthz)", "/healthz"),
                ("worker page /my/contract", "/my/contract"),
                ("API /api/v1/workers/{ref}", f"/api/v1/workers/{ref}"),
            ]
            results = []
            for name, path in routes:
                print(f"measuring {name} …", flush=True)
                results.append({"name": name, **run_load(port, path, cookie, args)})
        finally:
            server.terminate()
            server.wait(timeout=20)
    hello = results[0]["rps"]
    page = results[1]
    report = {
        "benchmark": "web",
        "server": "uvicorn, 1 worker process, SQLite",
        "load_generator": "separate process, asyncio raw sockets, HTTP/1.1 keep-alive",
        "connections": args.connections,
        "seconds": args.seconds,
        "data_set_workers": args.workers,
        "cpus": os.cpu_count(),
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
    print(table(results, hello))
    print(f"load average: {report['load_average_after']} on {os.cpu_count()} CPUs")
    print(f"targets met: {report['targets']['met']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {RESULTS}")


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
        serve_child(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-load":
        load_child(sys.argv[2:])
    else:
        main()
