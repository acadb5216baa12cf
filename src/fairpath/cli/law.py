"""`fairpath rules` and `fairpath law show`: what the rules check, and the law they read.

`rules` lists the rule catalogue (spec/rules.md) with each rule's severity, ILO indicators and IRIS
principles (with their names), legal basis and remedy arithmetic. `law show CC` prints a
country's law in force on a date — each value with its source, confidence, effective date and
the table file it came from — and, for an origin country, its caps on recruitment fees.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer

from fairpath.cli import context
from fairpath.cli.assess import parse_day
from fairpath.domain import codes
from fairpath.domain.errors import NotFoundError
from fairpath.domain.journey import Sector
from fairpath.domain.law import KEYS, Cited, EndOfServiceRule, FeeCap, LawBook, WageRate
from fairpath.domain.rules import CATALOGUE
from fairpath.services.assessment import load_law

law_app = typer.Typer(help="The country law the rules read.", no_args_is_help=True)


def rules(
    ctx: typer.Context,
    rule_id: Annotated[
        str | None, typer.Argument(metavar="[RULE_ID]", help="Show only this rule.")
    ] = None,
) -> None:
    """List the rule catalogue: what each rule checks, its legal basis and remedy."""
    if rule_id is not None and rule_id not in CATALOGUE:
        raise typer.BadParameter(
            f"'{rule_id}' is not a rule id; `fairpath rules` lists them all", param_hint="RULE_ID"
        )
    book, _ = load_law(context.get(ctx).settings)
    chosen = [CATALOGUE[rule_id]] if rule_id else list(CATALOGUE.values())
    typer.echo(f"Rule catalogue, version 1 — {len(CATALOGUE)} rules (docs/rules.md has the detail)")
    for rule in chosen:
        typer.echo("")
        typer.echo(f"{rule.id}  [{rule.family}]")
        typer.echo(f"  checks:       {rule.title}")
        typer.echo(f"  severity:     {rule.severity}")
        typer.echo(f"  ILO:          {_standards(book, rule.ilo_indicators)}")
        typer.echo(f"  IRIS:         {_standards(book, rule.iris_principles)}")
        typer.echo(f"  legal basis:  {rule.legal_basis}")
        typer.echo(f"  remedy:       {rule.remedy}")


def _standards(book: LawBook, ids: tuple[str, ...]) -> str:
    if not ids:
        return "—"
    return "; ".join(f"{i} {book.standards[i].name}" if i in book.standards else i for i in ids)


@law_app.command("show")
def show(
    ctx: typer.Context,
    country: Annotated[str, typer.Argument(metavar="CC", help="ISO 3166-1 alpha-2, e.g. MY.")],
    sector: Annotated[
        str | None,
        typer.Option(
            "--sector",
            metavar="S",
            help="The workers' sector, where the law distinguishes (e.g. domestic_work).",
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Province or state, e.g. Bangkok.")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The date (YYYY-MM-DD). Default: today (UTC)."),
    ] = None,
) -> None:
    """Show a country's law in force on a date, each value with its source."""
    day = parse_day(on, "--on")
    cc = country.upper()
    if not codes.is_country(cc):
        raise typer.BadParameter(
            f"'{country}' is not an ISO 3166-1 alpha-2 country code (e.g. MY, QA, NP)",
            param_hint="CC",
        )
    sectors = [s.value for s in Sector]
    if sector is not None and sector not in sectors:
        raise typer.BadParameter(
            f"'{sector}' is not a sector; use one of: {', '.join(sectors)}", param_hint="--sector"
        )
    book, _ = load_law(context.get(ctx).settings)
    if not book.rows(cc):
        known = ", ".join(sorted({f.country for f in book.facts}))
        raise NotFoundError(
            f"the law tables have nothing for {cc}; they cover {known}. Add values with a law "
            "file (FAIRPATH_LAW_OVERRIDES, docs/law-data.md)"
        )
    _print_law(book, cc, sector, region, day)


def _print_law(book: LawBook, cc: str, sector: str | None, region: str | None, day: date) -> None:
    law = book.law_in_force(cc, sector, day, region=region)
    who = ", ".join(
        part
        for part in (f"sector {sector}" if sector else None, region and f"region {region}")
        if part
    )
    currency = f", currency {law.currency}" if law.currency else ""
    typer.echo(
        f"{book.country_name(cc)} ({cc}) — law in force on {day.isoformat()}"
        f"{f' for {who}' if who else ' (general rules)'}{currency}"
    )
    if law.values:
        typer.echo("")
        order = {key: n for n, key in enumerate(KEYS)}  # minimum wages first, as KEYS lists
        for key in sorted(law.values, key=lambda k: (order.get(k, len(order)), k)):
            _print_value(key, law.values[key])
    caps = [f for f in book.rows(cc) if f.key.startswith("fee_cap.") and f.in_force_on(day)]
    if caps:
        typer.echo("")
        typer.echo("Caps on what recruiters may charge workers leaving from here:")
        for cap in caps:
            _print_value(cap.key, cap)
    typer.echo("")
    typer.echo(
        "Confidence: P primary text or official page · S secondary (law firm, news, NGO) · "
        "D derived by fairpath from cited values. A value not listed is not in the tables."
    )


def _print_value(key: str, cited: Cited[Any]) -> None:
    since = (
        f"in force from {cited.effective_from.isoformat()}"
        if cited.effective_from
        else "start date not stated"
    )
    until = f" until {cited.effective_until.isoformat()}" if cited.effective_until else ""
    typer.echo(f"{key}: {_value(cited.value)}")
    scope = _scope(cited)
    if scope:
        typer.echo(f"    applies to:  {scope}")
    typer.echo(f"    source:      {cited.source}")
    typer.echo(f"    confidence {cited.confidence.value} · {since}{until} · table {cited.table}")
    if cited.note:
        typer.echo(f"    note:        {cited.note}")


def _scope(cited: Cited[Any]) -> str:
    s = cited.scope
    parts = []
    if s.sectors is not None:
        parts.append("sectors " + ", ".join(sorted(s.sectors)))
    if s.except_sectors:
        parts.append("all sectors except " + ", ".join(sorted(s.except_sectors)))
    if s.regions is not None:
        parts.append("regions " + ", ".join(sorted(s.regions)))
    if s.destinations is not None:
        parts.append("workers going to " + ", ".join(sorted(s.destinations)))
    if s.genders is not None:
        parts.append("genders " + ", ".join(sorted(s.genders)))
    return "; ".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "none (the law sets none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, WageRate):
        return f"{value.amount:,} {value.currency} a {value.per.value}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return _structured(value)


def _structured(value: Any) -> str:
    if isinstance(value, FeeCap):
        return _fee_cap(value)
    if isinstance(value, EndOfServiceRule):
        return _end_of_service(value)
    return str(value)


def _fee_cap(cap: FeeCap) -> str:
    if cap.is_ban:
        amount = "no fee at all (a ban)"
    elif cap.basis == "per_worker":
        amount = f"at most {cap.amount:,} {cap.currency}"
    else:
        amount = f"at most {cap.months} month(s) of salary ({cap.basis.replace('_', ' ')})"
    covers = "recruiter fees" if cap.covers == "recruiter_fees" else "all migration costs"
    return f"{covers}: {amount}" + (f" — {cap.rule_text}" if cap.rule_text else "")


def _end_of_service(rule: EndOfServiceRule) -> str:
    if not rule.owes_anything:
        return rule.kind.replace("_", " ")
    tiers = "; ".join(
        f"years {t.from_year}–{t.to_year if t.to_year is not None else '…'}: "
        f"{t.amount.numerator}{'' if t.amount.denominator == 1 else f'/{t.amount.denominator}'}"
        f" {t.unit}(s)"
        for t in rule.tiers
    )
    paid_on = (
        "any end of contract"
        if rule.payable_on is None
        else ", ".join(sorted(r.value for r in rule.payable_on))
    )
    kind = f"{rule.kind.replace('_', ' ')} ({rule.method.replace('_', ' ')})"
    return f"{kind}: {tiers}; paid on {paid_on}"


def register(parent: typer.Typer) -> None:
    """Add `rules` and the `law` group to the app."""
    parent.command("rules")(rules)
    parent.add_typer(law_app, name="law")
