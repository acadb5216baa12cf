"""Assessing the data set: the rule catalogue run on every worker's journey, stored as history.

Owns `assess_data_set` — one run as of a date, over every worker or one — and the queries the
web app and reports read runs back with: `latest_run`, `get_run`, `iter_findings`/`findings_of`,
`notes_of`, `remedy_summary` and `aggregate_run` (findings and remedy per recruiter, supplier,
site, corridor or brand, spec/rules.md "Aggregates").

A run streams workers in chunks (their current events, organizations and sites fetched per chunk
with `IN (...)` queries), runs `fairpath.domain.rules.assess_with_remedy` on each journey with the
law book and rate table loaded once, and writes the findings, notes and per-worker remedy accounts
in one transaction with its audit entry. Runs are never replaced: each is history, and dashboards
show the latest one.

Beside each worker's remedy account a run stores what a report counts (`_Summaries`): the
worker's findings profile, how its findings changed by key since the newest whole-data-set run
before this one, and the SDG 10.7.1 recruitment cost indicator computed here, once, from the
journey already built — so a report over a million workers only aggregates in SQL.

Choice: the rules read the pseudonymous records only — personal data is not decrypted to assess
(every decryption is an audited read of one person's data). UNDERAGE_RECRUITMENT therefore uses
the worker's `birth_year`; a birth date held only in the encrypted personal data is not seen.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, Table, func, select, update

from fairpath.config import Settings
from fairpath.data import load_law_book, load_rates
from fairpath.domain.errors import FairpathError, NotFoundError
from fairpath.domain.journey import AnyRecord, Link, LinkType, Organization, OrgRole, Site, Worker
from fairpath.domain.law import LawBook
from fairpath.domain.money import Money, minor_units, quantize
from fairpath.domain.rates import RateTable
from fairpath.domain.rules import (
    Dimension,
    Finding,
    GroupSummary,
    Journey,
    Note,
    NoteKind,
    RemedyAccount,
    assess_with_remedy,
    recruitment_cost_indicator,
)
from fairpath.domain.rules.aggregates import brands_of, cost_band, group_keys
from fairpath.services.audit import write_audit
from fairpath.storage.findings import (
    AssessedWorkerRow,
    AssessmentNoteRow,
    AssessmentRunRow,
    AssessmentTextRow,
    FindingRow,
)
from fairpath.storage.models import EventRow, LinkRow, OrganizationRow, SiteRow, WorkerRow, table_of

#: Workers assessed per chunk: bounds memory whatever the size of the data set. Also the most
#: values one `IN (...)` list carries (below SQLite's historical limit of 999 bound variables).
CHUNK = 900
#: A note's rule id when a worker's journey could not be built at all.
JOURNEY = "JOURNEY"

_RECORD: TypeAdapter[Any] = TypeAdapter(AnyRecord)
_runs = table_of(AssessmentRunRow)
_assessed = table_of(AssessedWorkerRow)
_findings = table_of(FindingRow)
_notes = table_of(AssessmentNoteRow)
_texts = table_of(AssessmentTextRow)
_workers = table_of(WorkerRow)
_events = table_of(EventRow)
_orgs = table_of(OrganizationRow)
_sites = table_of(SiteRow)
_links = table_of(LinkRow)


# --- what a run returns -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessmentRun:
    """One stored run, with its counts: findings by rule and severity, owed per currency."""

    id: int
    as_of: date
    at: datetime
    actor: str
    worker_ref: str | None  # None: the whole data set
    law_tables: tuple[str, ...]
    rate_table: str
    workers: int
    findings: int
    notes: int
    by_rule: Mapping[str, int] = field(default_factory=dict)
    by_severity: Mapping[str, int] = field(default_factory=dict)
    by_rule_severity: Mapping[tuple[str, str], int] = field(default_factory=dict)
    owed: Mapping[str, Decimal] = field(default_factory=dict)  # currency → total owed


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding as stored in a run."""

    ref: str  # F-<run>-<n>
    key: str  # rule:worker:evidence — names the same finding across runs
    run_id: int
    worker_ref: str
    rule_id: str
    severity: str
    ilo_indicators: tuple[str, ...]
    iris_principles: tuple[str, ...]
    evidence: tuple[str, ...]
    message: str
    owed: Money | None

    def to_json(self) -> dict[str, Any]:
        """The finding in the shape `fairpath assess --format json` prints (amount as text)."""
        return {
            "worker_ref": self.worker_ref,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "ilo_indicators": list(self.ilo_indicators),
            "iris_principles": list(self.iris_principles),
            "evidence": list(self.evidence),
            "message": self.message,
            "owed": None
            if self.owed is None
            else {"amount": str(self.owed.amount), "currency": self.owed.currency},
        }


@dataclass(frozen=True, slots=True)
class StoredNote:
    """A rule that could not decide (INSUFFICIENT_DATA) or a stand-in rate (RATE_FALLBACK)."""

    worker_ref: str
    rule_id: str
    kind: str
    message: str
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "worker_ref": self.worker_ref,
            "rule_id": self.rule_id,
            "kind": self.kind,
            "message": self.message,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class RemedyTotals:
    """Remedy of the workers whose destination currency is `currency`, summed."""

    currency: str
    workers: int
    owed: Decimal
    paid: Decimal
    confirmed: Decimal
    balance: Decimal
    overpaid: Decimal
    owed_by_rule: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class RemedySummary:
    """Remedy owed / paid / confirmed by the worker in one run, per currency."""

    run_id: int
    worker_ref: str | None
    currencies: Mapping[str, RemedyTotals]
    workers_without_currency: int  # destination currency unknown: nothing could be summed


# --- running ------------------------------------------------------------------------------------


def load_law(settings: Settings) -> tuple[LawBook, RateTable]:
    """The packaged law tables and rates, with the operator's override files from settings."""
    return load_law_book(settings.law_overrides), load_rates(settings.rates_file)


def assess_data_set(
    settings: Settings,
    engine: Engine,
    *,
    as_of: date,
    worker_ref: str | None = None,
    actor: str,
) -> AssessmentRun:
    """Run the rule catalogue on every worker (or on `worker_ref`) as of `as_of` and store the
    findings, notes and remedy accounts as a new run, in one transaction."""
    law_book, rates = load_law(settings)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if worker_ref is not None and not _worker_exists(conn, worker_ref):
            raise NotFoundError(f"no worker with reference '{worker_ref}'; check the spelling")
        run_id = _start_run(
            conn,
            as_of=as_of,
            at=now,
            actor=actor,
            worker_ref=worker_ref,
            law_book=law_book,
            rates=rates,
        )
        compared = _previous_whole_run(conn, run_id) if worker_ref is None else None
        run = _Run(run_id, law_book, rates, as_of, _Chain.load(conn), _Summaries(run_id, compared))
        for workers in _worker_chunks(conn, worker_ref):
            _store_chunk(conn, run, _journeys(conn, workers))
        counts = run.counts
        conn.execute(
            update(_runs)
            .where(_runs.c.id == run_id)
            .values(workers=counts["workers"], findings=counts["findings"], notes=counts["notes"])
        )
        write_audit(
            conn,
            at=now,
            actor=actor,
            action="assess",
            subject=f"assessment_run:{run_id}",
            detail=f"as_of={as_of.isoformat()} workers={counts['workers']} "
            f"findings={counts['findings']} notes={counts['notes']}",
        )
        return _run_of(conn, run_id)


def _worker_exists(conn: Connection, ref: str) -> bool:
    return conn.scalar(select(_workers.c.id).where(_workers.c.ref == ref)) is not None


def _start_run(
    conn: Connection,
    *,
    as_of: date,
    at: datetime,
    actor: str,
    worker_ref: str | None,
    law_book: LawBook,
    rates: RateTable,
) -> int:
    result = conn.execute(
        _runs.insert()
        .values(
            as_of=as_of,
            at=at,
            actor=actor,
            worker_ref=worker_ref,
            law_tables=json.dumps(list(law_book.tables)),
            rate_table=rates.name,
            workers=0,
            findings=0,
            notes=0,
            summaries=True,
        )
        .returning(_runs.c.id)
    )
    return int(result.scalar_one())


def _previous_whole_run(conn: Connection, run_id: int) -> int | None:
    """The newest whole-data-set run before `run_id`: what a report compares the run with
    when no period is asked for (`reports.runs.choose_runs`)."""
    found = conn.scalar(
        select(func.max(_runs.c.id)).where(_runs.c.worker_ref.is_(None), _runs.c.id < run_id)
    )
    if found is not None:
        conn.execute(update(_runs).where(_runs.c.id == run_id).values(compared_run_id=found))
    return None if found is None else int(found)


@dataclass
class _Chain:
    """What grouping by brand needs, loaded once per run: `buys_from` links and brand refs,
    with each employer's brands remembered (employers are far fewer than workers)."""

    links: list[Link]
    brand_refs: frozenset[str]
    brands: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> _Chain:
        links = [
            _RECORD.validate_python(json.loads(text))
            for text in conn.scalars(
                select(_links.c.canonical).where(_links.c.type == LinkType.BUYS_FROM.value)
            )
        ]
        brands = frozenset(
            row.ref
            for row in conn.execute(
                select(_orgs.c.ref, _orgs.c.roles).where(_orgs.c.roles.contains(OrgRole.BRAND))
            )
            if OrgRole.BRAND.value in row.roles.split(";")
        )
        return cls(links=links, brand_refs=brands)

    def brands_of(self, employer_ref: str | None) -> tuple[str, ...]:
        if not employer_ref:
            return ()
        if employer_ref not in self.brands:
            found = brands_of(employer_ref, self.links) & self.brand_refs
            self.brands[employer_ref] = tuple(sorted(found))
        return self.brands[employer_ref]


def _worker_chunks(conn: Connection, worker_ref: str | None) -> Iterator[list[Worker]]:
    """Workers in chunks of CHUNK, in the order they were recorded (keyset paging)."""
    last = 0
    while True:
        query = select(_workers.c.id, _workers.c.canonical).where(_workers.c.id > last)
        if worker_ref is not None:
            query = query.where(_workers.c.ref == worker_ref)
        rows = conn.execute(query.order_by(_workers.c.id).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1].id
        yield [_RECORD.validate_python(json.loads(row.canonical)) for row in rows]


def _journeys(conn: Connection, workers: Sequence[Worker]) -> list[Journey | tuple[Worker, str]]:
    """Each worker's journey with its current events, organizations and site — or, when the
    events cannot make a journey, the worker and the reason."""
    refs = [w.ref for w in workers]
    events: dict[str, list[Any]] = defaultdict(list)
    for text in conn.scalars(select(_events.c.canonical).where(_events.c.worker_ref.in_(refs))):
        event = _RECORD.validate_python(json.loads(text))
        events[event.worker_ref].append(event)
    org_refs = {r for w in workers for r in (*w.recruiter_refs, w.employer_ref) if r}
    orgs: list[Organization] = _records(conn, _orgs, org_refs)
    sites: list[Site] = _records(conn, _sites, {w.site_ref for w in workers if w.site_ref})
    out: list[Journey | tuple[Worker, str]] = []
    for worker in workers:
        try:
            out.append(Journey.from_events(worker, events.get(worker.ref, ()), orgs, sites))
        except FairpathError as error:
            out.append((worker, str(error)))
    return out


def _records(conn: Connection, table: Table, refs: set[str]) -> list[Any]:
    ordered = sorted(refs)
    out: list[Any] = []
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        texts = conn.scalars(select(table.c.canonical).where(table.c.ref.in_(chunk)))
        out.extend(_RECORD.validate_python(json.loads(text)) for text in texts)
    return out


#: The cost indicator's ratio is stored rounded to these (months of earnings): thousandths for
#: the median a report shows, hundredths for its lowest and highest (rounding is monotone, so
#: the lowest of the rounded ratios is the rounded lowest ratio).
MILLI, CENTI = Decimal("0.001"), Decimal("0.01")


@dataclass
class _Summaries:
    """A run's per-worker summaries: JSON texts stored once per run in `assessment_texts`, the
    keys of the compared run's findings read a chunk of workers at a time."""

    run_id: int
    compared_run: int | None
    ids: dict[str, int] = field(default_factory=dict)
    pending: dict[str, list[tuple[dict[str, Any], str]]] = field(default_factory=dict)

    def previous_keys(self, conn: Connection, refs: Sequence[str]) -> dict[str, dict[str, str]]:
        """Each worker's findings in the compared run: key → rule."""
        out: dict[str, dict[str, str]] = defaultdict(dict)
        if self.compared_run is None or not refs:
            return out
        f = _findings
        query = select(f.c.worker_ref, f.c.key, f.c.rule_id).where(
            f.c.run_id == self.compared_run, f.c.worker_ref.in_(refs)
        )
        for ref, key, rule in conn.execute(query):
            out[ref][key] = rule
        return out

    def text(self, row: dict[str, Any], column: str, text: str) -> None:
        """Set `row[column]` to the id of `text`, now if it is known, else at `flush`."""
        known = self.ids.get(text)
        row[column] = known
        if known is None:
            self.pending.setdefault(text, []).append((row, column))

    def flush(self, conn: Connection) -> None:
        """Store the texts first seen in this chunk and fill in their ids."""
        if not self.pending:
            return
        texts = list(self.pending)
        ids = conn.scalars(
            _texts.insert().returning(_texts.c.id, sort_by_parameter_order=True),
            [{"run_id": self.run_id, "text": t} for t in texts],
        ).all()
        for text, new_id in zip(texts, ids, strict=True):
            self.ids[text] = int(new_id)
            for row, column in self.pending[text]:
                row[column] = int(new_id)
        self.pending.clear()


def profile_text(findings: Sequence[Finding]) -> str:
    """The worker's findings counted by (rule, severity, ILO indicators), as sorted JSON."""
    counted = Counter((f.rule_id, f.severity.value, tuple(f.ilo_indicators)) for f in findings)
    return json.dumps(
        [[rule, sev, list(ilo), n] for (rule, sev, ilo), n in sorted(counted.items())],
        separators=(",", ":"),
    )


def changes_text(now: Mapping[str, str], before: Mapping[str, str]) -> str:
    """Distinct finding keys new, resolved and unchanged since the compared run, by rule."""

    def by_rule(keys: Iterable[str], source: Mapping[str, str]) -> dict[str, int]:
        return dict(sorted(Counter(source[k] for k in keys).items()))

    return json.dumps(
        {
            "new": by_rule(now.keys() - before.keys(), now),
            "resolved": by_rule(before.keys() - now.keys(), before),
            "unchanged": by_rule(now.keys() & before.keys(), now),
        },
        separators=(",", ":"),
    )


def _cost_columns(run: _Run, journey: Journey) -> tuple[str, int | None, int | None]:
    """(cost text, ratio in thousandths, in hundredths) of the worker's cost indicator."""
    result = recruitment_cost_indicator(journey, run.law_book, run.rates, run.as_of)
    if isinstance(result, Note):
        return json.dumps(["", "", result.missing], ensure_ascii=False), None, None
    ratio = result.ratio
    milli = int(ratio.quantize(MILLI, rounding=ROUND_HALF_EVEN).scaleb(3))
    centi = int(ratio.quantize(CENTI, rounding=ROUND_HALF_EVEN).scaleb(2))
    return json.dumps([result.corridor, cost_band(ratio)], ensure_ascii=False), milli, centi


@dataclass
class _Run:
    """What every chunk of one run shares: the law, the rates, the date and the running counts."""

    id: int
    law_book: LawBook
    rates: RateTable
    as_of: date
    chain: _Chain
    summaries: _Summaries
    counts: Counter[str] = field(default_factory=Counter)


def _store_chunk(
    conn: Connection, run: _Run, journeys: Iterable[Journey | tuple[Worker, str]]
) -> None:
    finding_rows: list[dict[str, Any]] = []
    note_rows: list[dict[str, Any]] = []
    worker_rows: list[dict[str, Any]] = []
    items = list(journeys)
    refs = [i[0].ref if isinstance(i, tuple) else i.worker.ref for i in items]
    before = run.summaries.previous_keys(conn, refs)
    for item in items:
        run.counts["workers"] += 1
        if isinstance(item, tuple):
            worker, reason = item
            note = Note(JOURNEY, worker.ref, NoteKind.INSUFFICIENT_DATA, reason)
            note_rows.append(_note_row(run.id, note))
            row = _worker_row(run.id, worker.ref, {}, 0, None)
            _summarise(run, row, [], before.get(worker.ref, {}), None)
            worker_rows.append(row)
            continue
        assessment, account = assess_with_remedy(item, run.law_book, run.rates, run.as_of)
        for finding in assessment.findings:
            run.counts["findings"] += 1
            finding_rows.append(_finding_row(run.id, run.counts["findings"], finding))
        for note in (*assessment.notes, *(account.notes if account else ())):
            note_rows.append(_note_row(run.id, note))
        groups = _groups(item, run.chain)
        row = _worker_row(run.id, item.worker.ref, groups, len(assessment.findings), account)
        _summarise(run, row, assessment.findings, before.get(item.worker.ref, {}), item)
        worker_rows.append(row)
    run.summaries.flush(conn)
    run.counts["notes"] += len(note_rows)
    for table, rows in ((_findings, finding_rows), (_notes, note_rows), (_assessed, worker_rows)):
        if rows:
            conn.execute(table.insert(), rows)


def _summarise(
    run: _Run,
    row: dict[str, Any],
    findings: Sequence[Finding],
    before: Mapping[str, str],
    journey: Journey | None,
) -> None:
    """Add the report summaries to an assessed worker's row (texts resolved at `flush`)."""
    texts = {
        "groups_id": row["groups"],
        "profile_id": profile_text(findings),
        "changes_id": changes_text({f.key: f.rule_id for f in findings}, before),
    }
    row["cost_milli"] = row["cost_centi"] = None
    if journey is not None:
        texts["cost_id"], row["cost_milli"], row["cost_centi"] = _cost_columns(run, journey)
    else:
        row["cost_id"] = None
    for column, text in texts.items():
        run.summaries.text(row, column, text)


def _groups(journey: Journey, chain: _Chain) -> dict[str, list[str]]:
    """The groups the worker counts in, per dimension (domain `group_keys`; brands cached)."""
    groups = {
        dim.value: list(group_keys(journey, dim)) for dim in Dimension if dim is not Dimension.BRAND
    }
    groups[Dimension.BRAND.value] = list(chain.brands_of(journey.worker.employer_ref))
    return groups


def _finding_row(run_id: int, n: int, finding: Finding) -> dict[str, Any]:
    owed = finding.owed
    return {
        "run_id": run_id,
        "ref": f"F-{run_id}-{n}",
        "key": finding.key,
        "worker_ref": finding.worker_ref,
        "rule_id": finding.rule_id,
        "severity": finding.severity.value,
        "ilo_indicators": json.dumps(list(finding.ilo_indicators)),
        "iris_principles": json.dumps(list(finding.iris_principles)),
        "evidence": json.dumps(list(finding.evidence)),
        "message": finding.message,
        "owed_minor": None if owed is None else to_minor(owed.amount, owed.currency),
        "owed_currency": None if owed is None else owed.currency,
    }


def _note_row(run_id: int, note: Note) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "worker_ref": note.worker_ref,
        "rule_id": note.rule_id,
        "kind": note.kind.value,
        "message": note.missing,
        "evidence": json.dumps(list(note.evidence)),
    }


def _worker_row(
    run_id: int,
    worker_ref: str,
    groups: Mapping[str, list[str]],
    findings: int,
    account: RemedyAccount | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": run_id,
        "worker_ref": worker_ref,
        "groups": json.dumps(groups, ensure_ascii=False),
        "findings": findings,
        "currency": None,
    }
    for name in ("owed", "paid", "confirmed", "balance", "overpaid"):
        row[f"{name}_minor"] = None
    if account is not None:
        row["currency"] = account.currency
        for name in ("owed", "paid", "confirmed", "balance", "overpaid"):
            money: Money = getattr(account, name)
            row[f"{name}_minor"] = to_minor(money.amount, money.currency)
    return row


def to_minor(amount: Decimal, currency: str) -> int:
    """`amount` in integer minor units of `currency` (amounts owed are already rounded to the
    minor unit by the rules; rounding here is half-even and changes nothing)."""
    return int(quantize(amount, currency).scaleb(minor_units(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    """Integer minor units back to an exact amount with the currency's decimals (2617.70)."""
    return Decimal(units).scaleb(-minor_units(currency))


# --- reading runs back ----------------------------------------------------------------------


def get_run(engine: Engine, run_id: int, *, breakdowns: bool = True) -> AssessmentRun:
    """The run `run_id` with its counts. `breakdowns=False` leaves `by_rule`, `by_severity`,
    `by_rule_severity` and `owed` empty: they are summed over every finding of the run (one
    GROUP BY over millions of rows in a large run), and a caller that only names the run
    (a report's header) should not pay for them."""
    with engine.connect() as conn:
        return _run_of(conn, run_id, breakdowns=breakdowns)


def latest_run(engine: Engine, worker_ref: str | None = None) -> AssessmentRun | None:
    """The newest run over the whole data set — or, with `worker_ref`, the newest run that
    assessed that worker (a whole-data-set run or one of that worker alone). None: no run yet."""
    query = select(func.max(_runs.c.id))
    if worker_ref is None:
        query = query.where(_runs.c.worker_ref.is_(None))
    else:
        query = query.where(_runs.c.worker_ref.is_(None) | (_runs.c.worker_ref == worker_ref))
    with engine.connect() as conn:
        run_id = conn.scalar(query)
        return None if run_id is None else _run_of(conn, int(run_id))


def _run_of(conn: Connection, run_id: int, *, breakdowns: bool = True) -> AssessmentRun:
    row = conn.execute(select(_runs).where(_runs.c.id == run_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"no assessment run {run_id}; `fairpath assess` makes one")
    header = AssessmentRun(
        id=row.id,
        as_of=row.as_of,
        # SQLite hands back naive datetimes; every timestamp stored is UTC.
        at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),
        actor=row.actor,
        worker_ref=row.worker_ref,
        law_tables=tuple(json.loads(row.law_tables)),
        rate_table=row.rate_table,
        workers=row.workers,
        findings=row.findings,
        notes=row.notes,
    )
    if not breakdowns:
        return header
    by_rule_severity = {
        (r.rule_id, r.severity): int(r.n)
        for r in conn.execute(
            select(_findings.c.rule_id, _findings.c.severity, func.count().label("n"))
            .where(_findings.c.run_id == run_id)
            .group_by(_findings.c.rule_id, _findings.c.severity)
        )
    }
    by_rule: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    for (rule, severity), n in by_rule_severity.items():
        by_rule[rule] += n
        by_severity[severity] += n
    owed = {
        r.owed_currency: from_minor(int(r.total), r.owed_currency)
        for r in conn.execute(
            select(_findings.c.owed_currency, func.sum(_findings.c.owed_minor).label("total"))
            .where(_findings.c.run_id == run_id, _findings.c.owed_currency.is_not(None))
            .group_by(_findings.c.owed_currency)
            .order_by(_findings.c.owed_currency)
        )
    }
    return replace(
        header,
        by_rule=dict(sorted(by_rule.items())),
        by_severity=dict(by_severity),
        by_rule_severity=dict(sorted(by_rule_severity.items())),
        owed=owed,
    )


def iter_findings(
    engine: Engine,
    run_id: int,
    *,
    worker_ref: str | None = None,
    rule_id: str | None = None,
    page: int = CHUNK,
) -> Iterator[StoredFinding]:
    """The findings of a run in the order they were found, read a page at a time."""
    last = 0
    while True:
        query = select(_findings).where(_findings.c.run_id == run_id, _findings.c.id > last)
        if worker_ref is not None:
            query = query.where(_findings.c.worker_ref == worker_ref)
        if rule_id is not None:
            query = query.where(_findings.c.rule_id == rule_id)
        with engine.connect() as conn:
            rows = conn.execute(query.order_by(_findings.c.id).limit(page)).all()
        if not rows:
            return
        last = rows[-1].id
        yield from (_stored_finding(row) for row in rows)


def findings_of(
    engine: Engine,
    run_id: int,
    worker_ref: str | None = None,
    rule_id: str | None = None,
    *,
    limit: int | None = None,
) -> list[StoredFinding]:
    """The findings of a run (of one worker, one rule), at most `limit` of them."""
    out: list[StoredFinding] = []
    for finding in iter_findings(engine, run_id, worker_ref=worker_ref, rule_id=rule_id):
        if limit is not None and len(out) >= limit:
            break
        out.append(finding)
    return out


def _stored_finding(row: Any) -> StoredFinding:
    owed = (
        None
        if row.owed_currency is None
        else Money(from_minor(row.owed_minor, row.owed_currency), row.owed_currency)
    )
    return StoredFinding(
        ref=row.ref,
        key=row.key,
        run_id=row.run_id,
        worker_ref=row.worker_ref,
        rule_id=row.rule_id,
        severity=row.severity,
        ilo_indicators=tuple(json.loads(row.ilo_indicators)),
        iris_principles=tuple(json.loads(row.iris_principles)),
        evidence=tuple(json.loads(row.evidence)),
        message=row.message,
        owed=owed,
    )


def iter_notes(
    engine: Engine, run_id: int, *, worker_ref: str | None = None, page: int = CHUNK
) -> Iterator[StoredNote]:
    """The notes of a run (of one worker), read a page at a time."""
    last = 0
    while True:
        query = select(_notes).where(_notes.c.run_id == run_id, _notes.c.id > last)
        if worker_ref is not None:
            query = query.where(_notes.c.worker_ref == worker_ref)
        with engine.connect() as conn:
            rows = conn.execute(query.order_by(_notes.c.id).limit(page)).all()
        if not rows:
            return
        last = rows[-1].id
        for row in rows:
            yield StoredNote(
                row.worker_ref, row.rule_id, row.kind, row.message, tuple(json.loads(row.evidence))
            )


def notes_of(engine: Engine, run_id: int, worker_ref: str | None = None) -> list[StoredNote]:
    """Every note of a run (of one worker)."""
    return list(iter_notes(engine, run_id, worker_ref=worker_ref))


def remedy_summary(engine: Engine, run_id: int, worker_ref: str | None = None) -> RemedySummary:
    """Remedy owed, paid, confirmed by the worker, balance and overpaid, per currency, for a run
    (or for one worker in it); summed in SQL over exact minor units."""
    a, f = _assessed, _findings
    money = ("owed", "paid", "confirmed", "balance", "overpaid")
    totals_q = select(
        a.c.currency,
        func.count().label("workers"),
        *(func.sum(a.c[f"{m}_minor"]).label(m) for m in money),
    ).where(a.c.run_id == run_id)
    by_rule_q = select(
        f.c.owed_currency, f.c.rule_id, func.sum(f.c.owed_minor).label("owed")
    ).where(f.c.run_id == run_id, f.c.owed_currency.is_not(None))
    if worker_ref is not None:
        totals_q = totals_q.where(a.c.worker_ref == worker_ref)
        by_rule_q = by_rule_q.where(f.c.worker_ref == worker_ref)
    with engine.connect() as conn:
        _run_of(conn, run_id)  # a clear error for an unknown run
        totals = conn.execute(totals_q.group_by(a.c.currency)).all()
        by_rule: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for row in conn.execute(by_rule_q.group_by(f.c.owed_currency, f.c.rule_id)):
            by_rule[row.owed_currency][row.rule_id] = from_minor(int(row.owed), row.owed_currency)
    currencies: dict[str, RemedyTotals] = {}
    without = 0
    for row in totals:
        if row.currency is None:
            without += int(row.workers)
            continue
        ccy = row.currency
        amounts = {m: from_minor(int(getattr(row, m) or 0), ccy) for m in money}
        currencies[ccy] = RemedyTotals(
            currency=ccy,
            workers=int(row.workers),
            owed_by_rule=dict(sorted(by_rule.get(ccy, {}).items())),
            **amounts,
        )
    return RemedySummary(run_id, worker_ref, dict(sorted(currencies.items())), without)


def aggregate_run(engine: Engine, run_id: int, dimension: Dimension) -> dict[str, GroupSummary]:
    """Findings and remedy of a run per group on `dimension` (spec/rules.md "Aggregates"), as
    the chain stood when the run was made. Each group carries its worker count: hiding groups
    of fewer than 5 workers is the presenter's job (it knows who is looking)."""
    groups: dict[str, GroupSummary] = {}
    get_run(engine, run_id)  # a clear error for an unknown run
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(_assessed)
                .where(_assessed.c.run_id == run_id, _assessed.c.id > last)
                .order_by(_assessed.c.id)
                .limit(CHUNK)
            ).all()
            if not rows:
                return dict(sorted(groups.items()))
            last = rows[-1].id
            counted = _finding_counts(conn, run_id, [r.worker_ref for r in rows])
        for row in rows:
            for key in json.loads(row.groups).get(dimension.value, []):
                _add_worker(groups.setdefault(key, GroupSummary(key)), row, counted)


def _finding_counts(
    conn: Connection, run_id: int, refs: list[str]
) -> dict[str, list[tuple[str, str, int]]]:
    out: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    f = _findings
    for row in conn.execute(
        select(f.c.worker_ref, f.c.rule_id, f.c.severity, func.count().label("n"))
        .where(f.c.run_id == run_id, f.c.worker_ref.in_(refs))
        .group_by(f.c.worker_ref, f.c.rule_id, f.c.severity)
    ):
        out[row.worker_ref].append((row.rule_id, row.severity, int(row.n)))
    return out


def _add_worker(
    group: GroupSummary, row: Any, counted: Mapping[str, list[tuple[str, str, int]]]
) -> None:
    """Count one assessed worker into a group, as the domain's `aggregate` does."""
    ref = row.worker_ref
    group.workers.add(ref)
    for rule, severity, n in counted.get(ref, ()):
        group.findings_by_rule[rule] += n
        group.findings_by_severity[severity] += n
        group.workers_with_findings.add(ref)
    if row.currency is not None:
        ccy = row.currency
        group.owed[ccy] += from_minor(row.owed_minor, ccy)
        group.paid[ccy] += from_minor(row.paid_minor, ccy)
        group.confirmed[ccy] += from_minor(row.confirmed_minor, ccy)
        group.balance[ccy] += from_minor(row.balance_minor, ccy)


#: Re-exported for callers that only import this module.
__all__ = [
    "CHUNK",
    "AssessmentRun",
    "Dimension",
    "GroupSummary",
    "RemedySummary",
    "RemedyTotals",
    "StoredFinding",
    "StoredNote",
    "aggregate_run",
    "assess_data_set",
    "findings_of",
    "from_minor",
    "get_run",
    "iter_findings",
    "iter_notes",
    "latest_run",
    "load_law",
    "notes_of",
    "remedy_summary",
    "to_minor",
]
