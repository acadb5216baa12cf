"""The canonical form of a journey record: the JSON the format writes, and its RFC 8785 bytes.

Owns `to_canonical` (record → JSON-ready dict), `canonical_bytes` (dict → RFC 8785 / JCS bytes),
and the split of a record into what the journey log commits to (`canonical_without_pii`) and
its personal data (`pii_of`).

The convention, applied to every record at every depth so that export → import → export is the
identity in every form:

- a field with no value — null, an empty string, an empty list or an object with no values —
  is left out (a CSV cell cannot tell these apart from an absent field, so neither does the
  canonical form);
- every other field is written, defaults included (`"gender":"undisclosed"`,
  `"via_deduction":false`), so a reader never needs the model to know a value;
- amounts and other decimals are strings with exactly the digits given (`"1700.00"` stays
  `"1700.00"`), never in exponent form (a JSON number `1e3` is written `"1000"`);
- dates are `YYYY-MM-DD`; enumerations are their values; integers and booleans are JSON's;
- `x_…` extension fields are kept as given, except that decimals inside them are written as
  decimal strings like amounts, and integers beyond ±(2**53 − 1) — which RFC 8785 numbers
  cannot hold exactly — as their digits in a string.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

import orjson
import rfc8785
from pydantic import BaseModel

from fairpath.interchange.layout import _unwrap

Converter = Callable[[Any], Any]

# Counts conversions that met `x_` extension values: only those can hold what the fast path of
# `record_bytes` cannot write (floats, huge integers, non-ASCII keys). A count, not a flag, so
# that concurrent conversions can only send a record to the slow path, never wrongly skip it.
_extensions_seen = [0]


def _json_bytes(obj: Any) -> bytes:
    """Compact JSON with sorted keys, UTF-8 unescaped: RFC 8785's bytes for the values
    `_fast_path_safe` admits (orjson: about four times faster than json's C encoder, which
    was a sixth of an import's preparing time). Equivalence with `rfc8785.dumps` is tested
    on generated values, control characters and non-ASCII text included."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


# RFC 8785 §3.2.2.3 numbers are IEEE 754 doubles; integers beyond this are not exact there.
_MAX_EXACT_INT = 2**53 - 1


def decimal_text(value: Decimal) -> str:
    """A decimal as the format writes it: plain digits, no exponent, digits kept as given."""
    text = str(value)
    return format(value, "f") if "E" in text else text


def _enum_value(value: Enum) -> Any:
    return value._value_


def _plain(value: Any) -> Any:  # noqa: PLR0911 (one return per JSON type)
    """An extension value made JSON-ready (decimals as strings, as for amounts)."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if type(value) is int and not -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
        return str(value)  # RFC 8785 numbers cannot hold it exactly; text can
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return to_canonical(value)
    return value


def _no_value(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _converter(annotation: Any) -> Converter | None:  # noqa: PLR0911 (one per field type)
    """How to make a field's value JSON-ready; None when it already is."""
    tp, _ = _unwrap(annotation)
    origin = typing.get_origin(tp)
    if origin is list:
        (item,) = typing.get_args(tp)
        inner = _converter(item)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if origin is typing.Literal:
        return _literal_converter(typing.get_args(tp))
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return _model_converter(tp)
        if issubclass(tp, Enum):
            return _enum_value
        if issubclass(tp, Decimal):
            return decimal_text
        if issubclass(tp, date):
            return date.isoformat
        if issubclass(tp, (str, int, bool)):
            return None
    return _plain


def _literal_converter(choices: tuple[Any, ...]) -> Converter | None:
    """A literal's converter: none for plain strings (`kind`), the value for enum members (an
    event's `type`); `_plain` only for anything else. Literals are on every record, so the
    generic `_plain` dispatch here cost a noticeable share of an import."""
    if all(type(c) is str for c in choices):
        return None
    if all(isinstance(c, Enum) for c in choices):
        return _enum_value
    return _plain


def _may_be_empty(annotation: Any) -> bool:
    tp, _ = _unwrap(annotation)
    if typing.get_origin(tp) is list:
        return True
    return isinstance(tp, type) and issubclass(tp, str) and not issubclass(tp, Enum)


@cache
def _model_converter(cls: type[BaseModel]) -> Converter:
    # One compiled list per model class: a record is converted by reading its fields once,
    # with no per-value type dispatch (the import budget is a few microseconds per event).
    fields = [
        (name, _converter(info.annotation), _may_be_empty(info.annotation))
        for name, info in cls.model_fields.items()
    ]

    def convert(model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        values = model.__dict__
        for name, conv, may_be_empty in fields:
            value = values[name]
            if value is None or (may_be_empty and not value):
                continue
            if conv is not None:
                value = conv(value)
                if value == {}:  # an object with no values is no value (e.g. empty pii)
                    continue
            out[name] = value
        extra = model.__pydantic_extra__
        if extra:
            _extensions_seen[0] += 1
            for name, value in extra.items():
                if not _no_value(value):
                    out[name] = _plain(value)
        return out

    return convert


def to_canonical(record: BaseModel) -> dict[str, Any]:
    """The record as the journey format writes it (see the module docstring for the rules)."""
    result: dict[str, Any] = _model_converter(type(record))(record)
    return result


def canonical_without_pii(record: BaseModel) -> dict[str, Any]:
    """The record without its personal data: what the journey log commits to and exports hold
    by default (spec §1.4: personal data never leaves without an explicit flag)."""
    return strip_pii(to_canonical(record))


def strip_pii(canonical: dict[str, Any]) -> dict[str, Any]:
    """A canonical dict without `pii` (a worker's) or `data.pii` (a grievance's own words)."""
    if "pii" in canonical:
        canonical = {k: v for k, v in canonical.items() if k != "pii"}
    data = canonical.get("data")
    if isinstance(data, dict) and "pii" in data:
        canonical = {**canonical, "data": {k: v for k, v in data.items() if k != "pii"}}
    return canonical


def pii_of(record: BaseModel | dict[str, Any]) -> dict[str, Any] | None:
    """The personal data of a record in canonical form, or None when it has none."""
    canonical = record if isinstance(record, dict) else to_canonical(record)
    if "pii" in canonical:
        return dict(canonical["pii"])
    data = canonical.get("data")
    if isinstance(data, dict) and "pii" in data:
        return dict(data["pii"])
    return None


def with_pii(canonical: dict[str, Any], pii: dict[str, Any] | None) -> dict[str, Any]:
    """Put personal data back into a canonical record (inverse of `strip_pii`)."""
    if not pii:
        return canonical
    if canonical.get("kind") == "event":
        return {**canonical, "data": {**canonical["data"], "pii": pii}}
    return {**canonical, "pii": pii}


def _fast_path_safe(obj: Any) -> bool:
    """True when `_json_bytes` gives exactly the RFC 8785 bytes of `obj`.

    That holds when the value has only strings, in-range integers, booleans, null, lists and
    dicts with ASCII keys: JCS then sorts keys by UTF-16 code units, which for ASCII is
    plain sorted order, and its string escaping (RFC 8785 §3.2.2.2: the two-character forms
    for \\b \\t \\n \\f \\r, lowercase \\u00xx for other controls, nothing else) is the
    encoder's. Floats (ECMAScript number form) and non-ASCII keys take the slow path.
    """
    stack = [obj]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            for key in value:
                if type(key) is not str or not key.isascii():
                    return False
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is int:
            if not -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT:
                return False
        elif value is not None and type(value) is not str and type(value) is not bool:
            return False
    return True


def canonical_bytes(obj: dict[str, Any]) -> bytes:
    """RFC 8785 (JCS) canonical JSON bytes of a canonical record (or any JSON value)."""
    if _fast_path_safe(obj):
        return _json_bytes(obj)
    data: bytes = rfc8785.dumps(obj)
    return data


def canonical_parts(record: BaseModel) -> tuple[dict[str, Any], Callable[[Any], bytes]]:
    """The record's canonical dict and the encoder that gives its RFC 8785 bytes.

    The encoder is `_json_bytes` when the record has no extension fields (see `record_bytes`), else
    the checking `canonical_bytes`; parts of the dict (`strip_pii`) encode the same way.
    """
    before = _extensions_seen[0]
    canonical = to_canonical(record)
    if _extensions_seen[0] == before:
        return canonical, _json_bytes
    return canonical, canonical_bytes


def record_bytes(record: BaseModel, *, include_pii: bool = False) -> bytes:
    """Canonical bytes of a record, by default without its personal data (what the log commits)."""
    before = _extensions_seen[0]
    canonical = to_canonical(record)
    if not include_pii:
        canonical = strip_pii(canonical)
    if _extensions_seen[0] == before:
        # Built from model fields only: ASCII keys, strings, booleans and the domain's bounded
        # integers — exactly the values for which `_json_bytes` gives RFC 8785's output.
        return _json_bytes(canonical)
    return canonical_bytes(canonical)
