"""Properties of import and export over generated data sets, on the engine under test.

- export → import into an empty installation → export gives the same bytes, and the first
  export is exactly the data set that was imported (personal data included when asked for);
- any single corrupted field in a valid file is rejected with its line, and the store is
  left exactly as it was.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import Engine, text

from fairpath.config import Settings
from fairpath.interchange.canonical import to_canonical
from fairpath.interchange.writers import export_sort_key, write_jsonl
from fairpath.services.exporting import export_data_set
from fairpath.services.importing import ImportRejected, import_paths
from fairpath.services.setup import initialise
from fairpath.storage.models import Base
from tests.interchange.strategies import data_sets
from tests.services.test_import import row_counts

PROPERTY = settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextmanager
def empty_installation(engine: Engine, db_url: str) -> Iterator[Settings]:
    """An empty database (every table emptied) and a new data directory with new keys."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text("INSERT INTO log_state (id, size) VALUES (1, 0)"))
    with tempfile.TemporaryDirectory() as tmp:
        settings_ = Settings(data_dir=Path(tmp) / "data", database_url=db_url)
        initialise(settings_, engine)
        yield settings_


@PROPERTY
@given(records=data_sets())
def test_export_import_export_is_the_identity(
    engine: Engine, db_url: str, records: list[BaseModel]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        given_file = Path(tmp, "given.jsonl")
        write_jsonl(sorted(records, key=export_sort_key), given_file, include_personal_data=True)
        with empty_installation(engine, db_url) as first:
            import_paths(first, engine, [given_file], actor="t")
            exported = Path(tmp, "first.jsonl")
            export_data_set(
                first, engine, exported, form="jsonl", include_personal_data=True, actor="t"
            )
        assert exported.read_bytes() == given_file.read_bytes()
        with empty_installation(engine, db_url) as second:
            import_paths(second, engine, [exported], actor="t")
            again = Path(tmp, "second.jsonl")
            export_data_set(
                second, engine, again, form="jsonl", include_personal_data=True, actor="t"
            )
        assert again.read_bytes() == exported.read_bytes()


# Values that break each kind of field, whatever the field's current value.
BAD_VALUES = {
    "date": "2025-02-30",
    "amount": "12,50",
    "currency": "RMX",
    "country": "XZ",
    "source": "rumour",
    "sector": "mining-ish",
}
FIELD_KIND = {
    "date": "date",
    "period_end": "date",
    "paid_on": "date",
    "amount": "amount",
    "net_pay": "amount",
    "basic_pay": "amount",
    "currency": "currency",
    "country": "country",
    "origin_country": "country",
    "destination_country": "country",
    "source": "source",
    "sector": "sector",
}


def corruptible(canonical: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """(path, bad value) for every field of a canonical record that this test can break."""
    found = []
    for name, value in canonical.items():
        if name in FIELD_KIND and isinstance(value, str):
            found.append(((name,), BAD_VALUES[FIELD_KIND[name]]))
    data = canonical.get("data")
    if isinstance(data, dict):
        for name, value in data.items():
            if name in FIELD_KIND and isinstance(value, str):
                found.append((("data", name), BAD_VALUES[FIELD_KIND[name]]))
    return found


@PROPERTY
@given(records=data_sets(), data=st.data())
def test_one_corrupted_field_is_reported_at_its_line_and_changes_nothing(
    engine: Engine, db_url: str, records: list[BaseModel], data: st.DataObject
) -> None:
    canonicals = [json.loads(json.dumps(to_canonical(r))) for r in records]
    choices = [(n, path, bad) for n, c in enumerate(canonicals) for path, bad in corruptible(c)]
    if not choices:
        return
    number, path, bad = data.draw(st.sampled_from(choices))
    target = canonicals[number]
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = bad
    with tempfile.TemporaryDirectory() as tmp, empty_installation(engine, db_url) as fresh:
        file = Path(tmp, "broken.jsonl")
        file.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in canonicals))
        before = row_counts(engine)
        with pytest.raises(ImportRejected) as caught:
            import_paths(fresh, engine, [file], actor="t")
        assert row_counts(engine) == before
    problems = caught.value.reports[0].problems
    assert problems, "the corruption was reported"
    assert problems[0].startswith(f"broken.jsonl line {number + 1}, {'.'.join(path)}:"), problems
