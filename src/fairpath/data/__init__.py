"""Packaged reference data — country law, ILO indicators, IRIS principles, exchange rates — and
the loader that reads and validates it.

Owns file I/O for the law tables (`law/*.yaml`) and the rate table (`fx_rates.csv`): packaged files
are read with importlib.resources; an operator may add or override values with files of the same
format (docs/law-data.md). Every value keeps the file it came from, so a report can say which table
was used. A malformed file is refused with a message naming the file, the key and what to write.

The types and the pure lookups live in `fairpath.domain.law` and `fairpath.domain.rates`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fairpath.domain import codes
from fairpath.domain.errors import InvalidInputError
from fairpath.domain.journey import EndReason, Sector, WagePer
from fairpath.domain.law import (
    KEYS,
    Cited,
    Confidence,
    EndOfServiceRule,
    FeeCap,
    LawBook,
    Ratio,
    ResignationFraction,
    Scope,
    ServiceTier,
    Standard,
    WageRate,
)
from fairpath.domain.rates import RateRow, RateTable

__all__ = ["LawDataError", "load_law_book", "load_rates", "packaged_law_files"]

_PACKAGE = "fairpath.data"
_LAW_FILES = ("law/destinations.yaml", "law/origins.yaml")
_STANDARDS_FILE = "law/standards.yaml"
_RATES_FILE = "fx_rates.csv"
_LAW_SCHEMA = "fairpath-law/1"


class LawDataError(InvalidInputError):
    """A law or rate file that cannot be used as it is."""


# --- entry points ---------------------------------------------------------------------------


def packaged_law_files() -> tuple[str, ...]:
    """The names of the packaged law tables, as they appear in `Cited.table`."""
    return tuple(f"fairpath:{name}" for name in _LAW_FILES)


def load_law_book(overrides: Sequence[Path] = ()) -> LawBook:
    """The packaged law tables plus the operator's `overrides` (read in order, after the
    packaged ones, so an override with the same scope and effective date wins)."""
    sources: list[tuple[str, str]] = [
        (f"fairpath:{name}", _read_packaged(name)) for name in _LAW_FILES
    ]
    for path in overrides:
        sources.append((str(path), _read_path(path)))
    facts: list[Cited[Any]] = []
    currencies: dict[str, str] = {}
    names: dict[str, str] = {}
    for table, text in sources:
        _parse_law_file(table, text, facts, currencies, names)
    standards = _parse_standards(f"fairpath:{_STANDARDS_FILE}", _read_packaged(_STANDARDS_FILE))
    return LawBook(
        facts=tuple(facts),
        currencies=currencies,
        country_names=names,
        standards=standards,
        tables=tuple(table for table, _ in sources),
    )


def load_rates(override: Path | None = None) -> RateTable:
    """The packaged annual-average rate table; rows of `override` (same columns) replace or
    add (currency, year) rows. The table's name says which files were used."""
    rows: dict[tuple[str, int], RateRow] = {}
    name = f"fairpath:{_RATES_FILE}"
    _parse_rates(name, _read_packaged(_RATES_FILE), rows)
    if override is not None:
        _parse_rates(str(override), _read_path(override), rows)
        name = f"{name} + {override}"
    return RateTable(name=name, rows=rows)


def _read_packaged(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _read_path(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LawDataError(
            f"cannot read the file ({exc.strerror}); check the path", where=str(path)
        ) from None
    except UnicodeDecodeError:
        raise LawDataError(
            "the file is not UTF-8 text; save it as UTF-8", where=str(path)
        ) from None


# --- law tables -----------------------------------------------------------------------------


class _At:
    """A position in a parsed file, for messages: 'file: countries.MY.facts.x[0].value'."""

    def __init__(self, table: str, path: str = "") -> None:
        self.table = table
        self.path = path

    def __truediv__(self, part: str | int) -> _At:
        if isinstance(part, int):
            return _At(self.table, f"{self.path}[{part}]")
        return _At(self.table, f"{self.path}.{part}" if self.path else part)

    def fail(self, message: str) -> LawDataError:
        return LawDataError(message, where=f"{self.table}: {self.path or '(top)'}")


def _parse_law_file(
    table: str,
    text: str,
    facts: list[Cited[Any]],
    currencies: dict[str, str],
    names: dict[str, str],
) -> None:
    at = _At(table)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise at.fail(f"not valid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    doc = _mapping(doc, at)
    if doc.get("schema") != _LAW_SCHEMA:
        raise (at / "schema").fail(f"write 'schema: {_LAW_SCHEMA}' at the top of the file")
    countries = _mapping(doc.get("countries"), at / "countries")
    for country, raw_body in countries.items():
        c_at = at / "countries" / str(country)
        if not isinstance(country, str) or not codes.is_country(country):
            raise c_at.fail(f"'{country}' is not an ISO 3166-1 alpha-2 country code")
        body = _mapping(raw_body, c_at)
        _only(body, {"name", "currency", "facts"}, c_at)
        if "name" in body:
            names[country] = _text(body["name"], c_at / "name")
        if body.get("currency") is not None:
            currencies[country] = _currency(body["currency"], c_at / "currency")
        for key, versions in _mapping(body.get("facts", {}), c_at / "facts").items():
            k_at = c_at / "facts" / str(key)
            if not isinstance(versions, list) or not versions:
                raise k_at.fail("give a list of versions, each starting with '- value:'")
            for i, version in enumerate(versions):
                facts.append(_parse_fact(country, str(key), version, table, k_at / i))


_FACT_FIELDS = {
    "value",
    "effective_from",
    "effective_until",
    "confidence",
    "source",
    "note",
    "sectors",
    "except_sectors",
    "regions",
    "destinations",
    "genders",
}


def _parse_fact(country: str, key: str, raw: Any, table: str, at: _At) -> Cited[Any]:
    body = _mapping(raw, at)
    _only(body, _FACT_FIELDS, at)
    if "value" not in body:
        raise at.fail("every version needs a 'value' (null when the law sets none)")
    if "source" not in body:
        raise at.fail("every version needs a 'source' (citation text or URL)")
    value = _parse_value(key, body["value"], at / "value")
    confidence = body.get("confidence")
    if confidence not in {c.value for c in Confidence}:
        raise (at / "confidence").fail("write P (primary), S (secondary) or D (derived)")
    sectors = _codes(body.get("sectors"), at / "sectors", _sector)
    regions = _codes(body.get("regions"), at / "regions", _text)
    return Cited(
        key=key,
        country=country,
        value=value,
        source=_source(body["source"], at / "source"),
        confidence=Confidence(confidence),
        effective_from=_opt_date(body.get("effective_from"), at / "effective_from"),
        effective_until=_opt_date(body.get("effective_until"), at / "effective_until"),
        table=table,
        note=None if body.get("note") is None else _text(body["note"], at / "note"),
        scope=Scope(
            sectors=sectors,
            except_sectors=_codes(body.get("except_sectors"), at / "except_sectors", _sector)
            or frozenset(),
            regions=frozenset(r.casefold() for r in regions) if regions is not None else None,
            destinations=_codes(body.get("destinations"), at / "destinations", _country),
            genders=_codes(body.get("genders"), at / "genders", _text),
        ),
    )


def _parse_value(key: str, raw: Any, at: _At) -> Any:
    if key.startswith("fee_cap."):
        return None if raw is None else _fee_cap(raw, at)
    kind = KEYS.get(key)
    if kind is None:
        known = ", ".join(sorted([*KEYS, "fee_cap.<id>"]))
        raise at.fail(f"'{key}' is not a known law value; use one of: {known}")
    if raw is None:
        if "None" not in kind and key not in {"minimum_wage.month", "end_of_service"}:
            raise at.fail(f"'{key}' cannot be null; leave the key out when it is not known")
        return None
    if key.startswith("minimum_wage."):
        per = WagePer(key.split(".", 1)[1])
        body = _mapping(raw, at)
        _only(body, {"amount", "currency"}, at)
        return WageRate(
            amount=_decimal(body.get("amount"), at / "amount"),
            currency=_currency(body.get("currency"), at / "currency"),
            per=per,
        )
    if key == "end_of_service":
        return _end_of_service(raw, at)
    return _scalar(kind, raw, at)


def _scalar(kind: str, raw: Any, at: _At) -> Any:
    if kind.startswith("Decimal"):
        return _decimal(raw, at)
    if kind.startswith("int"):
        return _int(raw, at)
    if kind == "bool":
        if not isinstance(raw, bool):
            raise at.fail("write true or false")
        return raw
    return _text(raw, at)


def _end_of_service(raw: Any, at: _At) -> EndOfServiceRule:
    body = _mapping(raw, at)
    _only(
        body,
        {
            "kind",
            "method",
            "tiers",
            "min_service_months",
            "min_service_days",
            "payable_on",
            "pro_rata_fractions",
            "resignation_fractions",
            "cap_months_of_wage",
            "monthly_wage_cap",
            "total_cap",
            "day_wage_divisor",
        },
        at,
    )
    kinds = ("gratuity", "severance_on_termination", "none_statutory", "paid_by_social_insurance")
    kind = body.get("kind")
    if kind not in kinds:
        raise (at / "kind").fail(f"write one of: {', '.join(kinds)}")
    method = body.get("method", "marginal")
    if method not in ("marginal", "whole_service_band", "lump_sum"):
        raise (at / "method").fail("write marginal, whole_service_band or lump_sum")
    tiers = tuple(
        _tier(t, at / "tiers" / i) for i, t in enumerate(_list(body.get("tiers", []), at / "tiers"))
    )
    if kind in ("gratuity", "severance_on_termination") and not tiers:
        raise (at / "tiers").fail("a gratuity or severance needs at least one tier")
    payable = body.get("payable_on")
    pro_rata = body.get("pro_rata_fractions")
    if pro_rata is not None and not isinstance(pro_rata, bool):
        raise (at / "pro_rata_fractions").fail("write true, false or leave it out")
    return EndOfServiceRule(
        kind=kind,
        method=method,
        tiers=tiers,
        min_service_months=_opt_int(body.get("min_service_months"), at / "min_service_months"),
        min_service_days=_opt_int(body.get("min_service_days"), at / "min_service_days"),
        payable_on=None
        if payable is None
        else frozenset(
            _enum(EndReason, r, at / "payable_on" / i)
            for i, r in enumerate(_list(payable, at / "payable_on"))
        ),
        pro_rata_fractions=pro_rata,
        resignation_fractions=tuple(
            ResignationFraction(
                from_year=_decimal(_mapping(r, a).get("from_year"), a / "from_year"),
                to_year=_opt_decimal(r.get("to_year"), a / "to_year"),
                fraction=_ratio(r.get("fraction"), a / "fraction"),
            )
            for i, r in enumerate(
                _list(body.get("resignation_fractions", []), at / "resignation_fractions")
            )
            for a in [at / "resignation_fractions" / i]
        ),
        cap_months_of_wage=_opt_decimal(body.get("cap_months_of_wage"), at / "cap_months_of_wage"),
        monthly_wage_cap=_opt_decimal(body.get("monthly_wage_cap"), at / "monthly_wage_cap"),
        total_cap=_opt_decimal(body.get("total_cap"), at / "total_cap"),
        day_wage_divisor=_opt_decimal(body.get("day_wage_divisor"), at / "day_wage_divisor")
        or Decimal(30),
    )


def _tier(raw: Any, at: _At) -> ServiceTier:
    body = _mapping(raw, at)
    _only(body, {"from_year", "to_year", "amount", "unit"}, at)
    unit = body.get("unit")
    if unit not in ("day", "month"):
        raise (at / "unit").fail("write day (days' wage) or month (months' wage)")
    return ServiceTier(
        from_year=_decimal(body.get("from_year"), at / "from_year"),
        to_year=_opt_decimal(body.get("to_year"), at / "to_year"),
        amount=_ratio(body.get("amount"), at / "amount"),
        unit=unit,
    )


def _fee_cap(raw: Any, at: _At) -> FeeCap:
    body = _mapping(raw, at)
    _only(body, {"covers", "basis", "amount", "currency", "months", "max_months", "rule_text"}, at)
    covers = body.get("covers")
    if covers not in ("recruiter_fees", "all_fees"):
        raise (at / "covers").fail("write recruiter_fees or all_fees")
    basis = body.get("basis")
    if basis not in ("per_worker", "months_of_salary", "months_per_12_months_worked"):
        raise (at / "basis").fail(
            "write per_worker, months_of_salary or months_per_12_months_worked"
        )
    amount = _opt_decimal(body.get("amount"), at / "amount")
    currency = body.get("currency")
    months = _opt_decimal(body.get("months"), at / "months")
    if basis == "per_worker":
        if amount is None:
            raise (at / "amount").fail("a per_worker cap needs an amount (0 for a ban)")
        if amount != 0 and currency is None:
            raise (at / "currency").fail("a non-zero cap needs its ISO 4217 currency")
    elif months is None:
        raise (at / "months").fail(f"a {basis} cap needs 'months'")
    return FeeCap(
        covers=covers,
        basis=basis,
        amount=amount,
        currency=None if currency is None else _currency(currency, at / "currency"),
        months=months,
        max_months=_opt_decimal(body.get("max_months"), at / "max_months"),
        rule_text=_text(body.get("rule_text", ""), at / "rule_text"),
    )


def _parse_standards(table: str, text: str) -> dict[str, Standard]:
    at = _At(table)
    doc = _mapping(yaml.safe_load(text), at)
    out: dict[str, Standard] = {}
    for group in ("ilo_indicators", "iris_principles"):
        g_at = at / group
        body = _mapping(doc.get(group), g_at)
        source = _text(body.get("source"), g_at / "source")
        for i, raw in enumerate(_list(body.get("items"), g_at / "items")):
            i_at = g_at / "items" / i
            item = _mapping(raw, i_at)
            out[_text(item.get("id"), i_at / "id")] = Standard(
                id=item["id"],
                name=_text(item.get("name"), i_at / "name"),
                definition=item.get("definition"),
                source=source,
            )
    for i, raw in enumerate(_list(doc.get("instruments", []), at / "instruments")):
        i_at = at / "instruments" / i
        item = _mapping(raw, i_at)
        out[_text(item.get("id"), i_at / "id")] = Standard(
            id=item["id"],
            name=_text(item.get("name"), i_at / "name"),
            definition=item.get("definition"),
            source=_text(item.get("source"), i_at / "source"),
        )
    return out


# --- rates ----------------------------------------------------------------------------------

_RATE_COLUMNS = ["currency", "year", "lcu_per_usd", "source", "confidence"]


def _parse_rates(table: str, text: str, rows: dict[tuple[str, int], RateRow]) -> None:
    lines = text.splitlines()
    # Comment lines are the file's provenance header; keep their line numbers in messages.
    data = [(n, line) for n, line in enumerate(lines, 1) if not line.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in data)))
    header = next(reader, None)
    if header != _RATE_COLUMNS:
        first = data[0][0] if data else 1
        raise LawDataError(
            f"the header row must be exactly: {','.join(_RATE_COLUMNS)}",
            where=f"{table} line {first}",
        )
    for (line_no, _), record in zip(data[1:], reader, strict=False):
        where = f"{table} line {line_no}"
        if not record:
            continue
        if len(record) != len(_RATE_COLUMNS):
            raise LawDataError(
                f"expected {len(_RATE_COLUMNS)} columns, found {len(record)}; quote sources "
                "that contain commas",
                where=where,
            )
        currency, year_text, rate_text, source, confidence = record
        if not codes.is_currency(currency):
            raise LawDataError(f"currency: '{currency}' is not an ISO 4217 code", where=where)
        if not year_text.isdigit():
            raise LawDataError(f"year: '{year_text}' is not a year such as 2025", where=where)
        try:
            rate = Decimal(rate_text)
        except InvalidOperation:
            rate = Decimal(-1)
        if not rate.is_finite() or rate <= 0:
            raise LawDataError(
                f"lcu_per_usd: '{rate_text}' is not a positive number such as 133.73",
                where=where,
            )
        if confidence not in {c.value for c in Confidence}:
            raise LawDataError("confidence: write P, S or D", where=where)
        year = int(year_text)
        rows[(currency, year)] = RateRow(
            currency=currency,
            year=year,
            lcu_per_usd=rate,
            source=source,
            confidence=Confidence(confidence),
            table=table,
        )


# --- small validators -------------------------------------------------------------------------


def _mapping(value: Any, at: _At) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise at.fail("expected a mapping of 'name: value' lines here")
    return value


def _list(value: Any, at: _At) -> list[Any]:
    if not isinstance(value, list):
        raise at.fail("expected a list ('- item' lines) here")
    return value


def _only(body: Mapping[Any, Any], allowed: set[str], at: _At) -> None:
    unknown = sorted(str(k) for k in body if k not in allowed)
    if unknown:
        raise (at / unknown[0]).fail(
            f"'{unknown[0]}' is not a field here; use only: {', '.join(sorted(allowed))}"
        )


def _text(value: Any, at: _At) -> str:
    if not isinstance(value, str):
        raise at.fail("expected text")
    return value


def _source(value: Any, at: _At) -> str:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return " ; ".join(value)
    return _text(value, at)


def _decimal(value: Any, at: _At) -> Decimal:
    if isinstance(value, (bool, float)):
        raise at.fail(f'write {value} in quotes ("{value}") so it stays an exact decimal')
    if isinstance(value, int):
        return Decimal(value)
    try:
        result = Decimal(_text(value, at).strip())
    except InvalidOperation:
        raise at.fail(f'\'{value}\' is not a number such as "1700" or "1.5"') from None
    if not result.is_finite() or result < 0:
        raise at.fail(f"'{value}' is not a non-negative number")
    return result


def _opt_decimal(value: Any, at: _At) -> Decimal | None:
    return None if value is None else _decimal(value, at)


def _ratio(value: Any, at: _At) -> Ratio:
    if isinstance(value, str) and "/" in value:
        top, _, bottom = value.partition("/")
        denominator = _decimal(bottom, at)
        if denominator == 0:
            raise at.fail("the denominator of a ratio cannot be 0")
        return Ratio(_decimal(top, at), denominator)
    return Ratio(_decimal(value, at))


def _int(value: Any, at: _At) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise at.fail(f"'{value}' is not a whole number of days / hours (0 or more)")
    return value


def _opt_int(value: Any, at: _At) -> int | None:
    return None if value is None else _int(value, at)


def _opt_date(value: Any, at: _At) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise at.fail(f"'{value}' is not a date; write YYYY-MM-DD")


def _currency(value: Any, at: _At) -> str:
    if not isinstance(value, str) or not codes.is_currency(value):
        raise at.fail(f"'{value}' is not an ISO 4217 currency code (e.g. MYR, QAR)")
    return value


def _country(value: Any, at: _At) -> str:
    if not isinstance(value, str) or not codes.is_country(value):
        raise at.fail(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value


def _sector(value: Any, at: _At) -> str:
    if value not in {s.value for s in Sector}:
        raise at.fail(
            f"'{value}' is not a sector; use one of: {', '.join(s.value for s in Sector)}"
        )
    return str(value)


def _enum(kind: type[EndReason], value: Any, at: _At) -> EndReason:
    try:
        return kind(value)
    except ValueError:
        raise at.fail(f"'{value}' is not one of: {', '.join(k.value for k in kind)}") from None


def _codes(value: Any, at: _At, check: Any) -> frozenset[str] | None:
    if value is None:
        return None
    items: Iterable[Any] = _list(value, at)
    return frozenset(check(v, at / i) for i, v in enumerate(items))
