"""A demo data set assessed twice, with a corridor of only 3 workers, shared by the report tests.

Built once per package (it takes seconds): the demo's supply chain (80 workers), plus three Sri
Lankan workers at a Harbourline supplier recruited by an agency whose name is written in four
scripts, then a second assessment run 120 days later so that "what changed" has something to say.

On the engine under test (`--db`): with PostgreSQL the data set lives in a database of its own,
created and dropped here, since the suite's shared test database is emptied before each test.
The fixture reaches `db_engine_name`, so every report test is marked `db` and runs on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from fairpath.config import Settings
from fairpath.demo import REFERENCE_AS_OF
from fairpath.services.assessment import AssessmentRun, assess_data_set
from fairpath.services.demo import run_demo
from fairpath.services.importing import import_paths
from fairpath.storage.db import make_engine
from tests.conftest import PG_ADMIN_URL
from tests.services.data import write_jsonl

SMALL_CORRIDOR = "LK→MY:manufacturing"
SCRIPT_NAME = "सीलोन नेपाल · সিলন বাংলা · သီဟိုဠ် မြန်မာ · سيلان الخليج"


@dataclass
class Demo:
    settings: Settings
    engine: Engine
    first: AssessmentRun
    second: AssessmentRun
    artifacts: Path


def small_corridor() -> list[dict[str, Any]]:
    """Three workers from Sri Lanka at kv-bottling (Harbourline's tier-1 supplier), each of
    whom paid a recruitment fee."""
    records: list[dict[str, Any]] = [
        {
            "kind": "organization",
            "ref": "ceylon-multiscript",
            "name": SCRIPT_NAME,
            "roles": ["recruiter"],
            "country": "LK",
            "iris_status": "none",
        },
    ]
    for i in range(3):
        ref = f"lk-{i}"
        records.append(
            {
                "kind": "worker",
                "ref": ref,
                "origin_country": "LK",
                "destination_country": "MY",
                "sector": "manufacturing",
                "employer_ref": "kv-bottling",
                "site_ref": "kv-bottling-shah-alam",
                "recruiter_refs": ["ceylon-multiscript"],
                "gender": "female",
                "birth_year": 1995,
                "languages": ["si"],
            }
        )
        records.append(
            {
                "kind": "event",
                "ref": f"{ref}-e1",
                "worker_ref": ref,
                "type": "job_offered",
                "date": "2025-01-10",
                "source": "recruiter",
                "data": {
                    "employer_ref": "kv-bottling",
                    "site_ref": "kv-bottling-shah-alam",
                    "terms": {
                        "job_title": "Line operator",
                        "wage": {"amount": "1800.00", "currency": "MYR", "per": "month"},
                        "normal_hours_per_week": 48,
                        "rest_days_per_week": 1,
                        "overtime_multiplier": "1.5",
                        "duration_months": 24,
                        "housing": "free",
                        "food": "free",
                    },
                },
            }
        )
        records.append(
            {
                "kind": "event",
                "ref": f"{ref}-e2",
                "worker_ref": ref,
                "type": "fee_paid",
                "date": "2025-02-01",
                "source": "worker",
                "data": {
                    "amount": f"{150000 + 1000 * i}.00",
                    "currency": "LKR",
                    "paid_to_role": "recruiter",
                    "purpose": "placement_fee",
                },
            }
        )
    return records


@pytest.fixture(scope="package")
def demo_database(db_engine_name: str) -> Iterator[str | None]:
    """A database URL of its own on PostgreSQL (migrated on first use); None on SQLite (the
    data directory's file)."""
    if db_engine_name != "postgresql":
        yield None
        return
    name = f"fairpath_reports_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_database: str | None) -> Iterator[Demo]:
    root = tmp_path_factory.mktemp("report-demo")
    settings = Settings(data_dir=root / "data", database_url=demo_database)
    engine = make_engine(settings.sqlalchemy_url)
    first = run_demo(settings, engine, workers=80, seed=11).run
    extra = write_jsonl(root / "small-corridor.jsonl", small_corridor())
    import_paths(settings, engine, [extra], actor="test")
    second = assess_data_set(
        settings, engine, as_of=REFERENCE_AS_OF + timedelta(days=120), actor="test"
    )
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
    artifacts.mkdir(parents=True, exist_ok=True)
    yield Demo(settings, engine, first, second, artifacts)
    engine.dispose()
