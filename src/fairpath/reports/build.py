"""The due-diligence report's content: every section as tables of protected cells and charts.

`build_report` reads the run of the period (and the run before it), makes one pass over the
workers in scope (`reports.collect`), and turns the tallies into `Table`s whose small cells are
suppressed (`reports.privacy`) before anything is rendered. Templates only lay out what is here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from fairpath.config import Settings
from fairpath.domain.errors import FairpathError
from fairpath.domain.law import LawBook
from fairpath.domain.rates import RateTable
from fairpath.reports import charts
from fairpath.reports.collect import Collected, MoneyTally, Tally, collect
from fairpath.reports.costs import BANDS, CostReader
from fairpath.reports.privacy import Cell, K, Table, cell
from fairpath.reports.runs import Period, choose_runs
from fairpath.reports.scope import Scope, ScopeKind, load_scope
from fairpath.services import journal_log
from fairpath.services.assessment import AssessmentRun, from_minor, get_run, load_law

SEVERITIES = ("critical", "high", "medium", "low")
ILO_IDS = tuple(f"FL{i:02d}" for i in range(1, 12))


@dataclass
class LedgerFacts:
    """The journey log as a reader needs it to verify any record."""

    origin: str
    vkey: str | None
    size: int
    checkpoint: str | None
    witnessed: bool


@dataclass
class Report:
    """Everything the templates show."""

    scope: Scope
    run: AssessmentRun
    previous: AssessmentRun | None
    period: Period | None
    generated_at: datetime
    collected: Collected
    law_book: LawBook
    rates: RateTable
    summary: Table
    chain: Table
    by_ilo: Table
    by_rule: Table
    dimensions: list[Table]
    costs: Table
    remedy: list[Table]
    grievance_tables: list[Table]
    changes: Table
    law: list[tuple[str, str, str]]  # country, key, citation
    rates_used: list[tuple[str, int, str, str]]  # currency, year, LCU per USD, source
    ledger: LedgerFacts
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"Due-diligence report — {self.scope.org.name}"


def build_report(
    settings: Settings,
    engine: Engine,
    org_ref: str,
    period: Period | None,
    now: datetime,
    *,
    with_costs: bool = True,
) -> Report:
    """Read, count and protect: the report for `org_ref` over `period`."""
    law_book, rates = load_law(settings)
    with engine.connect() as conn:
        scope = load_scope(conn, org_ref)
        run_id, previous_id = choose_runs(conn, period)
    run = get_run(engine, run_id, breakdowns=False)
    previous = get_run(engine, previous_id, breakdowns=False) if previous_id is not None else None
    window = (period.start if period else None, run.as_of)
    reader = (lambda c: CostReader(c, law_book, rates, run.as_of)) if with_costs else None
    got = collect(engine, scope, run_id, previous_id, grievances=window, cost_reader=reader)
    report = Report(
        scope=scope,
        run=run,
        previous=previous,
        period=period,
        generated_at=now,
        collected=got,
        law_book=law_book,
        rates=rates,
        summary=summary_table(got.total),
        chain=chain_table(scope, got),
        by_ilo=ilo_table(got.total, law_book),
        by_rule=rule_table(got.total),
        dimensions=[
            dimension_table(scope, got, d) for d in ("supplier", "site", "recruiter", "corridor")
        ],
        costs=cost_table(got),
        remedy=remedy_tables(scope, got),
        grievance_tables=grievance_tables(got),
        changes=changes_table(got),
        law=law_rows(law_book, got, run.as_of),
        rates_used=rate_rows(law_book, rates, got, run.as_of),
        ledger=ledger_facts(settings, engine),
    )
    report.charts = {
        "ilo": ilo_chart(report.by_ilo),
        "costs": cost_chart(report.costs),
    }
    return report


# --- tables ----------------------------------------------------------------------------------


def summary_table(total: Tally) -> Table:
    table = Table("In scope", ["Workers", "Workers with findings", "Findings"])
    table.add(
        "All workers in scope",
        [
            cell(total.workers, total.workers),
            cell(total.with_findings, total.with_findings),
            cell(total.findings, total.with_findings),
        ],
    )
    return table.protect()


def chain_table(scope: Scope, got: Collected) -> Table:
    table = Table(
        "Supply chain map",
        ["Tier", "Site", "Recruiter", "Corridor", "Workers", "With findings"],
        additive={4, 5},
        note="One row per supplier → site → recruiter → corridor path; a supplier or site is "
        "named on its first row. A worker recruited by two recruiters counts on both paths.",
        # The sum counts paths, not people; the summary's "Workers" counts each person once.
        total_label="Total of paths (a worker on two paths counts twice)",
    )
    workers_sum = with_sum = 0
    last: tuple[str, str] = ("", "")
    for path in sorted(got.chain):
        supplier, site, recruiter, corridor_key = path
        workers, with_findings = got.chain[path], got.chain_findings[path]
        workers_sum += workers
        with_sum += with_findings
        tier = scope.tier_of(supplier)
        new_supplier, new_site = supplier != last[0], (supplier, site) != last
        last = (supplier, site)
        table.add(
            _org_label(scope, supplier) if new_supplier else "",
            [
                Cell(("—" if tier is None else str(tier)) if new_supplier else "", 0),
                Cell(_site_label(scope, site) if new_site else "", 0),
                Cell(_org_label(scope, recruiter), 0),
                Cell(corridor_key, 0),
                cell(workers, workers),
                cell(with_findings, with_findings),
            ],
        )
    table.total = [Cell("", 0) for _ in range(4)]
    table.total += [cell(workers_sum, workers_sum), cell(with_sum, with_sum)]
    return table.protect()


def ilo_table(total: Tally, law_book: LawBook) -> Table:
    table = Table(
        "Findings by ILO indicator of forced labour",
        ["Indicator", "Findings", "Workers"],
        note="A finding can bear on more than one indicator, so the rows do not add up to the "
        "number of findings.",
    )
    for ilo in ILO_IDS:
        standard = law_book.standards.get(ilo)
        workers = total.workers_by_ilo.get(ilo, 0)
        table.add(
            ilo,
            [
                Cell(standard.name if standard else ilo, 0),
                cell(total.findings_by_ilo.get(ilo, 0), workers),
                cell(workers, workers),
            ],
        )
    return table.protect()


def rule_table(total: Tally) -> Table:
    table = Table("Findings by rule", ["Findings", "Workers"], additive={0})
    for rule in sorted(total.findings_by_rule):
        workers = total.workers_by_rule[rule]
        table.add(rule, [cell(total.findings_by_rule[rule], workers), cell(workers, workers)])
    table.total = [cell(total.findings, total.with_findings), Cell("", 0)]
    return table.protect()


_DIMENSION_TITLES = {
    "supplier": "Findings by supplier",
    "site": "Findings by site",
    "recruiter": "Findings by recruiter",
    "corridor": "Findings by corridor (origin → destination : sector)",
}


def dimension_table(scope: Scope, got: Collected, dimension: str) -> Table:
    groups = got.groups[dimension]
    indicators = [i for i in ILO_IDS if got.total.workers_by_ilo.get(i)]
    single = dimension != "recruiter"  # a worker has one supplier, site, corridor; many recruiters
    columns = ["Workers", "With findings", "Findings", *[f"{i} workers" for i in indicators]]
    table = Table(
        _DIMENSION_TITLES[dimension],
        columns,
        note="" if single else "A worker recruited by two recruiters counts for both.",
    )
    for key in sorted(groups):
        t = groups[key]
        cells = [
            cell(t.workers, t.workers),
            cell(t.with_findings, t.with_findings),
            cell(t.findings, t.with_findings),
        ]
        cells += [cell(t.workers_by_ilo.get(i, 0), t.workers_by_ilo.get(i, 0)) for i in indicators]
        if 0 < t.workers < K:  # the whole group is small: nothing of it may show
            for c in cells:
                c.primary = True
        label = (
            _site_label(scope, key)
            if dimension == "site"
            else (_org_label(scope, key) if dimension in ("supplier", "recruiter") else key)
        )
        table.add(label, cells)
    if single:
        t = got.total
        table.total = [
            cell(t.workers, t.workers),
            cell(t.with_findings, t.with_findings),
            cell(t.findings, t.with_findings),
        ]
        table.total += [
            cell(t.workers_by_ilo.get(i, 0), t.workers_by_ilo.get(i, 0)) for i in indicators
        ]
    return table.protect()


def cost_table(got: Collected) -> Table:
    columns = ["Workers measured", "Median", "Lowest", "Highest", *[f"{b} months" for b in BANDS]]
    table = Table(
        "Recruitment cost indicator (SDG 10.7.1): costs paid by the worker in months of earnings",
        columns,
        additive={0, 4, 5, 6, 7},
        row_total_column=0,
        row_parts_from=4,
    )
    sums = dict.fromkeys(BANDS, 0)
    measured = 0
    for name in sorted(got.costs.corridors):
        c = got.costs.corridors[name]
        row = [
            cell(c.workers, c.workers),
            cell(_months(c.median), c.workers),
            cell(_months(c.minimum), c.workers),
            cell(_months(c.maximum), c.workers),
        ]
        row += [cell(c.bands.get(b, 0), c.bands.get(b, 0)) for b in BANDS]
        if 0 < c.workers < K:
            for x in row:
                x.primary = True
        table.add(name, row)
        measured += c.workers
        for b in BANDS:
            sums[b] += c.bands.get(b, 0)
    table.total = [cell(measured, measured), Cell("", 0), Cell("", 0), Cell("", 0)]
    table.total += [cell(sums[b], sums[b]) for b in BANDS]
    return table.protect()


def _months(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value.quantize(Decimal("0.01"))


_MONEY_COLUMNS = ["Workers", "Owed", "Paid", "Confirmed by workers", "Balance"]


def remedy_tables(scope: Scope, got: Collected) -> list[Table]:
    """Per currency: remedy owed, paid, confirmed by workers, balance — by supplier."""
    out = []
    for ccy in sorted(got.total.money):
        table = Table(f"Remedy in {ccy}, by supplier", _MONEY_COLUMNS)
        for key in sorted(got.groups["supplier"]):
            m = got.groups["supplier"][key].money.get(ccy)
            if m is None:
                continue
            table.add(_org_label(scope, key), _money_cells(m, ccy))
        table.total = _money_cells(got.total.money[ccy], ccy)
        out.append(table.protect())
    return out


def _money_cells(m: MoneyTally, ccy: str) -> list[Cell]:
    cells = [cell(m.workers, m.workers)]
    cells += [cell(from_minor(v, ccy), m.workers) for v in (m.owed, m.paid, m.confirmed, m.balance)]
    if 0 < m.workers < K:
        for c in cells:
            c.primary = True
    return cells


def grievance_tables(got: Collected) -> list[Table]:
    g = got.grievances
    summary = Table("Grievances filed", ["Grievances", "Workers", "Filed anonymously"])
    summary.add(
        "All channels",
        [cell(g.total, g.workers), cell(g.workers, g.workers), cell(g.anonymous, g.anonymous)],
    )
    out = [summary.protect()]
    for title, counts, workers in (
        ("Grievances by category", g.by_category, g.workers_by_category),
        ("Grievances by channel", g.by_channel, g.workers_by_channel),
    ):
        table = Table(title, ["Grievances", "Workers"], additive={0})
        for key in sorted(counts):
            table.add(key, [cell(counts[key], workers[key]), cell(workers[key], workers[key])])
        table.total = [cell(g.total, g.workers), Cell("", 0)]
        out.append(table.protect())
    return out


def changes_table(got: Collected) -> Table:
    ch = got.changes
    table = Table(
        "What changed since the previous run (findings matched by their stable key)",
        ["New", "Resolved", "Still open"],
    )
    rules = sorted(set(ch.new) | set(ch.resolved) | set(ch.unchanged))
    for rule in rules:
        table.add(
            rule,
            [
                cell(ch.new[rule], ch.workers_new[rule]),
                cell(ch.resolved[rule], ch.workers_resolved[rule]),
                cell(ch.unchanged[rule], ch.workers_unchanged[rule]),
            ],
        )
    table.total = [
        cell(sum(ch.new.values()), sum(ch.workers_new.values())),
        cell(sum(ch.resolved.values()), sum(ch.workers_resolved.values())),
        cell(sum(ch.unchanged.values()), sum(ch.workers_unchanged.values())),
    ]
    return table.protect()


# --- law, rates, log ---------------------------------------------------------------------------


def countries_in_scope(got: Collected) -> tuple[list[str], list[str]]:
    """(destination countries, origin countries) of the workers counted."""
    return sorted(got.groups["destination"]), sorted(got.groups["origin"])


def law_rows(law_book: LawBook, got: Collected, as_of: date) -> list[tuple[str, str, str]]:
    destinations, origins = countries_in_scope(got)
    rows = []
    for country in [*destinations, *origins]:
        for fact in law_book.rows(country):
            if fact.in_force_on(as_of):
                rows.append((country, fact.key, fact.citation()))
    return rows


def rate_rows(
    law_book: LawBook, rates: RateTable, got: Collected, as_of: date
) -> list[tuple[str, int, str, str]]:
    destinations, origins = countries_in_scope(got)
    currencies = sorted(
        {law_book.currencies[c] for c in [*destinations, *origins] if c in law_book.currencies}
    )
    rows = []
    for ccy in currencies:
        for year in range(as_of.year - 2, as_of.year + 1):
            row = rates.rows.get((ccy, year))
            if row is not None:
                rows.append(
                    (ccy, year, f"{row.lcu_per_usd:,}", f"{row.source} [{row.confidence.value}]")
                )
    return rows


def ledger_facts(settings: Settings, engine: Engine) -> LedgerFacts:
    """The newest witnessed checkpoint (else the newest signed one) and the log's key."""
    try:
        vkey: str | None = journal_log.log_vkey(settings)
    except FairpathError:
        vkey = None
    status = journal_log.status(settings, engine) if vkey else None
    with engine.connect() as conn:
        published = journal_log.latest_checkpoint(conn, published=True)
        signed = published or journal_log.latest_checkpoint(conn)
    return LedgerFacts(
        origin=settings.log_origin,
        vkey=vkey,
        size=status.size if status else 0,
        checkpoint=signed.best_note if signed else None,
        witnessed=published is not None,
    )


# --- charts ------------------------------------------------------------------------------------


def ilo_chart(table: Table) -> str:
    rows: list[tuple[str, int | None]] = []
    for label, cells in table.rows:
        workers = cells[2]
        rows.append(
            (f"{label} {cells[0].value}", None if workers.suppressed else int(workers.value))
        )
    return charts.bars("ilo", "Workers with findings, by ILO indicator", rows, "workers")


def cost_chart(table: Table) -> str:
    rows = []
    for label, cells in table.rows:
        if cells[0].suppressed:
            continue
        counts: dict[str, int] = {}
        hidden = 0
        for band, c in zip(BANDS, cells[4:], strict=True):
            if c.suppressed:
                hidden += int(c.value)  # drawn as one grey segment: only the sum shows
            else:
                counts[band] = int(c.value)
        counts["hidden"] = hidden
        rows.append((label, counts, f"median {cells[1].shown}"))
    if not rows:
        return ""
    return charts.stacked_shares(
        "costs",
        "Recruitment costs in months of earnings, share of workers per corridor",
        rows,
        BANDS,
        "% of workers measured",
    )


def _org_label(scope: Scope, ref: str) -> str:
    return ref if ref == "—" else f"{scope.name(ref)} ({ref})"


def _site_label(scope: Scope, ref: str) -> str:
    site = scope.sites.get(ref)
    if site is None:
        return ref
    where = ", ".join(x for x in (site.region, site.country) if x)
    return f"{site.name} ({where})"


def supplier_list(scope: Scope) -> list[tuple[str, str, int | None]]:
    """(name, country, tier) of every supplier in scope, tier order."""
    if scope.kind is ScopeKind.BRAND:
        items: Iterable[tuple[str, int | None]] = sorted(
            scope.tiers.items(), key=lambda kv: (kv[1], kv[0])
        )
    elif scope.kind is ScopeKind.SUPPLIER:
        items = [(scope.org.ref, 0)]
    else:
        items = []
    return [
        (_org_label(scope, ref), scope.orgs[ref].country if ref in scope.orgs else "", tier)
        for ref, tier in items
    ]


def as_mapping(report: Report) -> Mapping[str, Any]:
    """The report as the template's context."""
    return {"r": report, "suppliers": supplier_list(report.scope), "K": K, "shown": _shown}


def _shown(workers: int) -> str:
    """A count of workers standing alone in the text, "<5" when it is 1-4 (k = 5)."""
    return cell(workers, workers).shown
