"""Receiving an uploaded file: a safe name, a size limit, a private temporary directory, and the
import's problems turned into rows (file, line, field, message) for a table or a problem list.

The file is written under a fresh temporary directory with a name checked against a strict
pattern (never the client's path), imported through `services.access.upload` (tenancy check,
then `import_paths`: whole or not at all), and deleted afterwards whatever happened.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import UploadFile
from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.services import access
from fairpath.services.importing import FileReport, ImportRejected
from fairpath.services.tenancy import Principal
from fairpath.web.problems import HttpProblem, ProblemItem

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
SUFFIXES = (".jsonl", ".ndjson", ".csv", ".xlsx")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
CHUNK = 1024 * 1024
_WHERE = re.compile(r"^(?P<file>[^ ]+)(?: sheet (?P<sheet>.+?))?(?: (?:line|row) (?P<line>\d+))?$")


def safe_name(name: str | None) -> str:
    """The upload's base name if it is a plain journey-format file name; else HttpProblem."""
    base = Path((name or "").replace("\\", "/")).name
    if not SAFE_NAME.match(base) or not base.lower().endswith(SUFFIXES):
        raise HttpProblem(
            415,
            "upload a .jsonl file, a .csv file named after its template (e.g. workers.csv) or "
            "an .xlsx workbook; use letters, digits, dots, dashes and underscores in the name",
        )
    return base


def run_upload(
    settings: Settings, engine: Engine, who: Principal, upload: UploadFile
) -> list[FileReport]:
    """Import one uploaded file for `who`; errors propagate for the caller to present."""
    name = safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="fairpath-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise HttpProblem(
                        413,
                        f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; "
                        "split it, or import it with `fairpath import` on the server",
                    )
                out.write(chunk)
        return access.upload(settings, engine, who, [path])


def problem_rows(error: ImportRejected | access.UploadRefused) -> list[ProblemItem]:
    """Each problem as a row: file, line, field and the sentence saying what to do."""
    if isinstance(error, access.UploadRefused):
        return [_row(text) for text in error.problems]
    rows: list[ProblemItem] = []
    for report in error.reports:
        rows.extend(_row(text) for text in report.problems)
        hidden = report.problem_count - len(report.problems)
        if hidden > 0:
            rows.append(ProblemItem(file=report.file, message=f"… and {hidden:,} more problems"))
    return rows


def _row(text: str) -> ProblemItem:
    """Split "file line 3, field: message" (interchange.problems.Problem's form)."""
    head, sep, message = text.partition(": ")
    if not sep:
        return ProblemItem(message=text)
    where, _, field = head.partition(", ")
    match = _WHERE.match(where)
    if match is None:
        return ProblemItem(message=text)
    line = match.group("line")
    return ProblemItem(
        file=match.group("file"),
        line=int(line) if line else None,
        field=field or None,
        message=message,
    )
