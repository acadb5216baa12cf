"""Large JSON Lines files are prepared in other processes, which read their own runs of lines:
every line is prepared once and problems name the line they are on."""

from __future__ import annotations

import gc
import io
import json
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import importing, preparing
from fairpath.services.importing import ImportRejected, import_paths
from tests.services.data import small_data_set


def test_runs_of_lines_cover_the_file_and_know_their_line_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(preparing, "CHUNK_BYTES", 16)
    text = b'{"a":1}\n\n{"b":2}\r\n' + b'{"long":"' + b"x" * 100 + b'"}\n{"c":3}\n{"last":4}'
    runs = list(preparing._spans(io.BytesIO(text)))
    assert runs[0][0] == 0
    assert all(a[0] + a[1] == b[0] for a, b in pairwise(runs))
    assert runs[-1][0] + runs[-1][1] == len(text)
    numbered = {}
    for start, size, first in runs:
        data = text[start : start + size]
        lines = data.split(b"\n")
        if data.endswith(b"\n"):
            lines.pop()
        numbered.update({first + i: line for i, line in enumerate(lines)})
    assert numbered == dict(enumerate(text.split(b"\n"), start=1))
    assert numbered[4].startswith(b'{"long"') and numbered[6] == b'{"last":4}'


@pytest.fixture
def parallel(
    ready: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> tuple[Settings, Engine]:
    """A store whose imports send even a small file through the preparing processes."""
    monkeypatch.setattr(preparing, "PARALLEL_FROM_BYTES", 1)
    monkeypatch.setattr(preparing, "CHUNK_BYTES", 300)  # in many runs of lines
    return ready


def test_a_large_file_reports_the_line_of_its_one_bad_record(
    parallel: tuple[Settings, Engine], tmp_path: Path
) -> None:
    settings, engine = parallel
    records = small_data_set()
    lines = [json.dumps(r) for r in records]
    lines.insert(3, "")  # a blank line is allowed and still counts
    bad = json.loads(lines[-1])
    bad["date"] = "2026-13-40"
    lines.append(json.dumps({**bad, "ref": "e-bad"}))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportRejected) as caught:
        import_paths(settings, engine, [path], actor="t")
    [problem] = caught.value.reports[0].problems
    assert problem.startswith(f"big.jsonl line {len(lines)}, date:")


def test_a_large_file_imports_every_record(
    parallel: tuple[Settings, Engine], tmp_path: Path
) -> None:
    settings, engine = parallel
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in small_data_set()))  # no final line break
    [report] = import_paths(settings, engine, [path], actor="t")
    assert (report.added, report.unchanged) == (len(small_data_set()), 0)


def test_imports_at_once_leave_the_garbage_collector_as_it_was() -> None:
    # Imports collect garbage less often; two at once (two web requests) must not leave the
    # server's process with the import setting when both are done.
    before = gc.get_threshold()
    first, second = importing._fewer_collections(), importing._fewer_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold() == preparing.GC_THRESHOLDS
    first.__exit__(None, None, None)
    assert gc.get_threshold() == preparing.GC_THRESHOLDS  # the second is still running
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
