"""Helpers for the log integration tests: journey files, real witnesses, the CLI, the tree."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from fairpath.cli.main import app
from fairpath.cli.witness_server import serve_on
from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.ledger.cosignature import generate_cosigner_key
from fairpath.services import journal_log, witnessing
from fairpath.storage.models import LogEntryRow, table_of
from fairpath.storage.records import TABLES


def journey_records(tag: str, workers: int = 2, events: int = 2) -> list[dict[str, Any]]:
    """A recruiter, an employer, `workers` workers with `events` fee payments each; refs by tag."""
    records: list[dict[str, Any]] = [
        {
            "kind": "organization",
            "ref": f"{tag}-hr",
            "name": f"HR {tag}",
            "roles": ["recruiter"],
            "country": "NP",
        },
        {
            "kind": "organization",
            "ref": f"{tag}-co",
            "name": f"Co {tag}",
            "roles": ["employer"],
            "country": "MY",
        },
    ]
    for w in range(workers):
        ref = f"{tag}-w{w}"
        records.append(
            {
                "kind": "worker",
                "ref": ref,
                "origin_country": "NP",
                "destination_country": "MY",
                "sector": "manufacturing",
                "employer_ref": f"{tag}-co",
                "recruiter_refs": [f"{tag}-hr"],
                "pii": {"full_name": f"Worker {tag} {w}", "passport_number": f"P{tag}{w}"},
            }
        )
        for e in range(events):
            records.append(
                {
                    "kind": "event",
                    "ref": f"{ref}-e{e}",
                    "worker_ref": ref,
                    "type": "fee_paid",
                    "date": f"2025-01-{e + 1:02d}",
                    "source": "worker",
                    "data": {
                        "amount": f"{1000 + e}.00",
                        "currency": "NPR",
                        "paid_to_ref": f"{tag}-hr",
                        "paid_to_role": "recruiter",
                        "purpose": "service_fee",
                    },
                }
            )
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


@dataclass
class CliResult:
    """Exit code, standard output and the error sentence of one CLI run."""

    code: int
    out: str
    err: str


def cli(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run `fairpath ARGS` in-process the way `fairpath.cli.main.run` presents errors."""
    argv = ([f"--data-dir={data_dir}"] if data_dir else []) + list(args)
    result = CliRunner().invoke(app, argv, env=env)
    if isinstance(result.exception, FairpathError):
        return CliResult(1, result.stdout, result.stderr + str(result.exception))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def db_env(settings: Settings) -> dict[str, str]:
    """Environment that points the CLI at the test database."""
    return {"FAIRPATH_DATABASE_URL": settings.sqlalchemy_url}


@dataclass
class RunningWitness:
    """A witness served over loopback by uvicorn in a thread."""

    name: str
    vkey: str
    url: str
    keeper: witnessing.WitnessKeeper


@contextmanager
def running_witness(
    tmp: Path, name: str, log_vkeys: list[str], state: Path | None = None
) -> Iterator[RunningWitness]:
    """Start a real witness on a free loopback port; stop it on exit."""
    key_file = tmp / f"{name.replace('/', '_')}.key"
    if not key_file.exists():
        witnessing.create_witness_key(name, key_file)
    keeper = witnessing.WitnessKeeper(
        witnessing.load_witness(key_file, log_vkeys),
        state or tmp / f"{name.replace('/', '_')}.state",
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = serve_on(keeper, sock)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    port = sock.getsockname()[1]
    try:
        yield RunningWitness(name, keeper.vkey, f"http://127.0.0.1:{port}", keeper)
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


def write_policy(settings: Settings, witnesses: list[RunningWitness], quorum: int) -> Path:
    """A tlog-policy in the data directory (its default place): k-of-n of these witnesses."""
    lines = [f"log {journal_log.log_vkey(settings)}"]
    lines += [f"witness w{i} {w.vkey} {w.url}" for i, w in enumerate(witnesses)]
    lines.append(f"group main {quorum} " + " ".join(f"w{i}" for i in range(len(witnesses))))
    lines.append("quorum main")
    path = settings.data_dir / "witnesses.policy"
    path.write_text("\n".join(lines) + "\n")
    return path


def unused_witness_key(name: str) -> str:
    """The vkey of a witness that never cosigned anything."""
    return generate_cosigner_key(name)[1]


def leaf_owners(engine: Engine) -> tuple[list[int], dict[int, tuple[str, str]]]:
    """(every log entry index in order, index -> (kind, ref) of the record naming it)."""
    entries = table_of(LogEntryRow)
    with engine.connect() as conn:
        indices = [
            int(i)
            for i in conn.scalars(select(entries.c.leaf_index).order_by(entries.c.leaf_index))
        ]
        owners: dict[int, tuple[str, str]] = {}
        for kind, table in TABLES.items():
            key = (
                table.c.from_ref + "|" + table.c.to_ref + "|" + table.c.type
                if kind == "link"
                else table.c.ref
            )
            for index, ref in conn.execute(select(table.c.leaf_index, key)):
                assert int(index) not in owners, f"two records claim log entry {index}"
                owners[int(index)] = (kind, ref)
    return indices, owners
