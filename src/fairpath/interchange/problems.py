"""Problems found in an import, as sentences a payroll clerk can act on (spec §4).

Owns the `Location` and `Problem` values, the catalogue of every message the interchange can
emit (each with a stable code, explained in docs/import-guide.md — a test keeps the two in
step), and the translation of pydantic's validation errors into those messages.

Personal data never appears in a message: a problem in a field under `pii` says "the value"
instead of quoting it (spec §1.4: personal data is never logged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

#: Every message the interchange emits, by code. `{value}` is the offending value quoted
#: ('RM1,200'), or "the value" when it is personal data.
MESSAGES: dict[str, str] = {
    # reading files
    "cannot_read": "cannot read the file: {reason}",
    "not_utf8": "the file is not UTF-8 text; save it as 'CSV UTF-8' (or UTF-8 text) and retry",
    "not_a_workbook": "this is not an .xlsx workbook ({reason}); save it as Excel Workbook (.xlsx)",
    "unknown_file": (
        "'{name}' is not a file of the journey format; use one of the template names, e.g. "
        "workers.csv or payslips.csv"
    ),
    "unknown_sheet": (
        "sheet '{name}' is not part of the journey format; rename it to a template sheet name "
        "(e.g. payslips) or start its name with '_' to have it ignored"
    ),
    "missing_header": "the file has no header row; copy the header row from the template",
    # JSON Lines
    "not_json": "this line is not valid JSON ({reason}); each line must be one JSON object",
    "not_an_object": "this line is JSON but not an object; each line must be one {{...}} record",
    "missing_kind": "the record has no 'kind'; add one of: {choices}",
    "unknown_kind": "{value} is not a kind of record; use one of: {choices}",
    "missing_event_type": "the event has no 'type'; add one of: {choices}",
    "unknown_event_type": "{value} is not an event type; use one of: {choices}",
    "type_data_mismatch": (
        "the data is that of a {other} event but type is {value}; fix the type or the data"
    ),
    "lone_surrogate": (
        "the line contains a broken \\u escape (half of a surrogate pair); write the character "
        "itself or a complete pair"
    ),
    # CSV / XLSX columns and cells
    "unknown_column": (
        "'{name}' is not a column of {file}; fix the spelling, remove it, or name it x_{name} to "
        "keep it as an extension"
    ),
    "missing_column": (
        "required column '{name}' is missing; add it (copy the header from the template)"
    ),
    "duplicate_column": "column '{name}' appears more than once; keep one",
    "not_a_boolean": "{value} is not yes or no; write true/false, yes/no or 1/0",
    "bad_list_item": (
        "item {item} ({value}) should be {form}; separate items with ';' and parts with ':'"
    ),
    "inexact_number": (
        "the cell holds {value}, a number Excel computed in binary; round it, or format the cell "
        "as Text and type the exact amount"
    ),
    "date_cell": (
        "the cell is formatted as a date ({value}) but this column is not a date; format the "
        "column as Text and type the value again"
    ),
    "time_in_date": "{value} has a time of day; a date must be a day only (YYYY-MM-DD)",
    "not_a_cell_value": "the cell holds {value}, which is not text, a number or a date; retype it",
    # standard validation, translated from pydantic
    "missing": "is required; fill it in",
    "not_a_choice": "{value} is not one of: {choices}",
    "not_a_whole_number": "{value} is not a whole number; write digits only, e.g. 3",
    "not_text": "{value} should be text",
    "too_short": "is empty or too short; it needs at least {min} character(s) or item(s)",
    "too_long": "is too long ({actual} characters or items); the most allowed is {max}",
    "too_small": "{value} is too small; it must be {limit}",
    "too_large": "{value} is too large; it must be {limit}",
    "not_an_object_field": 'should be an object with its own fields, e.g. {{"kind": ...}}',
    "not_a_list": "should be a list (in CSV/XLSX: items separated by ';')",
    "invalid": "{value} is not valid here: {reason}",
    # the domain's own messages (fairpath.domain.journey), kept as written there
    "ref": "{message}",
    "iso_date": "{value} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31",
    "number": "{value} is not a number; write digits with a '.' for decimals, e.g. 1200.00",
    "country": "{message}",
    "currency": "{message}",
    "language": "{message}",
    "sha256": "{message}",
    "unknown_field": "'{name}' is not a field of this record; remove it or name it x_{name}",
    "tier": "{message}",
    "period": "{message}",
    # across records
    "duplicate_ref": (
        "{what} '{ref}' is also at {other} with different content; give one of them a new ref, "
        "or make it a correction with supersedes"
    ),
    "supersedes_itself": "event '{ref}' supersedes itself; supersedes must name an earlier event",
    "unknown_reference": (
        "{what} '{ref}' is neither in this import nor already stored; add the {what} first or "
        "fix the reference"
    ),
}

# Model-level checks of the domain report no field; this is the field a clerk should look at.
_MODEL_CHECK_FIELD = {"tier": "tier", "period": "period_end"}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: a file and line (JSONL/CSV) or a workbook, sheet and row."""

    file: str
    number: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            row = f" row {self.number}" if self.number is not None else ""
            return f"{self.file} sheet {self.sheet}{row}"
        return f"{self.file} line {self.number}" if self.number is not None else self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an import: where, which field, what to do, and a stable code."""

    location: Location
    field: str | None
    message: str
    code: str

    def __str__(self) -> str:
        where = str(self.location)
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def problem(code: str, location: Location, field: str | None = None, **params: Any) -> Problem:
    """A problem from the catalogue; `params` fill the message template."""
    return Problem(location, field, MESSAGES[code].format(**params), code)


def show(value: Any, personal: bool = False) -> str:
    """A value quoted for a message, or "the value" when it is personal data."""
    if personal:
        return "the value"
    text = value if isinstance(value, str) else str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def jsonl_field(loc: Sequence[int | str]) -> str:
    """The field path a JSON Lines user sees: `data.deductions[1].amount`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def is_personal(loc: Sequence[int | str]) -> bool:
    """True when the path lies under a `pii` object (spec §1.4, §1.5 grievance_filed)."""
    return "pii" in loc


def _limit(err: ErrorDetails) -> str:
    ctx = err.get("ctx", {})
    for key, words in (("ge", "{} or more"), ("gt", "more than {}"), ("le", "{} or less")):
        if key in ctx:
            return words.format(ctx[key])
    if "lt" in ctx:
        return f"less than {ctx['lt']}"
    return "in range"


def _domain_message(err: ErrorDetails, personal: bool) -> str:
    message = err["msg"]
    if personal:
        # The domain quotes the value as '{value}'; a person's data must not appear in a message.
        value = str(err.get("ctx", {}).get("value", ""))
        message = message.replace(f"'{value}'", "the value") if value else message
        raw = err.get("input")
        if isinstance(raw, str) and raw and raw in message:
            return "the value is not valid here"
    return message


_DOMAIN_CODES = frozenset(
    {"ref", "country", "currency", "language", "sha256"} | set(_MODEL_CHECK_FIELD)
)


def _parser_code(kind: str) -> str | None:
    """Our code for an error of pydantic's date or decimal parser (the domain uses both)."""
    if kind.startswith("date_"):
        return "iso_date"
    if kind.startswith("decimal_") or kind == "finite_number":
        return "number"
    return None


def translate_error(err: ErrorDetails, personal: bool) -> tuple[str, str]:  # noqa: PLR0911, PLR0912 - one branch per error family reads best
    """(code, message) for one pydantic error entry."""
    kind = err["type"]
    value = show(err.get("input"), personal)
    ctx: dict[str, Any] = dict(err.get("ctx", {}))
    if kind in _DOMAIN_CODES:
        return kind, _domain_message(err, personal)
    if native := _parser_code(kind):
        return native, MESSAGES[native].format(value=value)
    if kind == "missing":
        return "missing", MESSAGES["missing"]
    if kind in ("enum", "literal_error"):
        # ctx is lost when the domain re-raises an error beside an unknown field; pydantic's
        # own sentence still lists the choices.
        expected = ctx.get("expected") or err["msg"].removeprefix("Input should be ")
        choices = str(expected).replace("'", "")
        return "not_a_choice", MESSAGES["not_a_choice"].format(value=value, choices=choices)
    if kind in ("bool_type", "bool_parsing"):
        return "not_a_boolean", MESSAGES["not_a_boolean"].format(value=value)
    if kind.startswith("int_"):
        return "not_a_whole_number", MESSAGES["not_a_whole_number"].format(value=value)
    if kind == "string_type":
        return "not_text", MESSAGES["not_text"].format(value=value)
    if kind in ("string_too_short", "too_short"):
        n = ctx.get("min_length", 1)
        return "too_short", MESSAGES["too_short"].format(min=n)
    if kind in ("string_too_long", "too_long"):
        n = ctx.get("max_length", "?")
        actual = ctx.get("actual_length", len(err.get("input") or ""))
        return "too_long", MESSAGES["too_long"].format(max=n, actual=actual)
    if kind in ("greater_than", "greater_than_equal"):
        return "too_small", MESSAGES["too_small"].format(value=value, limit=_limit(err))
    if kind in ("less_than", "less_than_equal"):
        return "too_large", MESSAGES["too_large"].format(value=value, limit=_limit(err))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "not_an_object_field", MESSAGES["not_an_object_field"]
    if kind in ("list_type", "iterable_type"):
        return "not_a_list", MESSAGES["not_a_list"]
    reason = "see the import guide" if personal else err["msg"]
    return "invalid", MESSAGES["invalid"].format(value=value, reason=reason)


def from_validation_error(
    exc: ValidationError,
    location: Location,
    name_field: Callable[[tuple[str | int, ...]], tuple[str, str]],
    skip: Iterable[tuple[str | int, ...]] = (),
) -> list[Problem]:
    """Every error of `exc` as a Problem; `name_field(loc)` turns a path into what the user sees.

    Errors at or under a path in `skip` were already reported (e.g. a cell that could not be
    read) and are left out, so one mistake gives one message.
    """
    skipped = tuple(skip)
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if any(loc[: len(s)] == s for s in skipped):
            continue
        code, message = translate_error(err, is_personal(loc))
        if code in _MODEL_CHECK_FIELD:
            loc = (*loc, _MODEL_CHECK_FIELD[code])
        field, prefix = name_field(loc)
        out.append(Problem(location, field, prefix + message, code))
    return out
