"""The tallies a report shows, for the workers in scope of an assessment run (and the run
it is compared with).

Runs made since migration 0005 carry per-worker summaries (`services.assessment`): ids of the
worker's groups, findings profile, changes by finding key since the compared run, and cost
indicator. `collect` then aggregates in SQL — a handful of GROUP BY queries over
`assessed_workers` on integer ids, one row per distinct combination, never one per worker or per
finding — and adds each combination to the tallies with its number of workers. Memory grows
with the number of distinct groups and profiles, not with the number of workers.

Older runs (no summaries), or a comparison with a run other than the one the summaries were
made against, take the streaming path: `assessed_workers` joined with `findings`, ordered by
worker, a row at a time (a server-side cursor on PostgreSQL), merged with the same stream of the
previous run so that "what changed" compares findings by their stable `key` worker by worker.
Both paths give the same tallies (tests/reports/test_collect.py).

Every figure is a count or a sum kept per group (supplier, site, recruiter, corridor, origin and
destination country, tier, ILO indicator, rule), with the number of workers behind it so the
presenter can suppress small groups (`reports.privacy`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select

from fairpath.domain.journey import EventType
from fairpath.reports.costs import CostReader, CostTally
from fairpath.reports.scope import Scope
from fairpath.storage.findings import (
    AssessedWorkerRow,
    AssessmentRunRow,
    AssessmentTextRow,
    FindingRow,
)
from fairpath.storage.models import EventRow, table_of

_assessed = table_of(AssessedWorkerRow)
_findings = table_of(FindingRow)
_runs = table_of(AssessmentRunRow)
_texts = table_of(AssessmentTextRow)
_events = table_of(EventRow)

#: Workers whose journeys the cost indicator reads at once.
COST_CHUNK = 900
#: Evidence kept per ILO indicator for the CBP pack (the rest: `fairpath assess --format json`).
EVIDENCE_PER_INDICATOR = 20


@dataclass(frozen=True, slots=True)
class FindingView:
    key: str
    rule_id: str
    severity: str
    ilo: tuple[str, ...]
    evidence_json: str  # parsed only where evidence is kept (`evidence`)

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(json.loads(self.evidence_json))


@dataclass(slots=True)
class WorkerView:
    """One assessed worker of a run: their groups, remedy account and findings."""

    ref: str
    groups: dict[str, list[str]]  # shared between workers with the same groups: never mutate
    currency: str | None
    owed: int
    paid: int
    confirmed: int
    balance: int
    findings: list[FindingView]


class _Parsed:
    """JSON texts that repeat across rows (group keys, indicator lists), parsed once each."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[str, list[str]]] = {}
        self.ilo: dict[str, tuple[str, ...]] = {}

    def group(self, text: str) -> dict[str, list[str]]:
        got = self.groups.get(text)
        if got is None:
            got = self.groups[text] = json.loads(text)
        return got

    def indicators(self, text: str) -> tuple[str, ...]:
        got = self.ilo.get(text)
        if got is None:
            got = self.ilo[text] = tuple(json.loads(text))
        return got


def stream_run(conn: Connection, run_id: int) -> Iterator[WorkerView]:
    """The workers of a run with their findings, ordered by worker ref (byte order)."""
    a, f = _assessed, _findings
    order = a.c.worker_ref.collate("C") if conn.dialect.name == "postgresql" else a.c.worker_ref
    query = (
        select(
            a.c.worker_ref,
            a.c.groups,
            a.c.currency,
            a.c.owed_minor,
            a.c.paid_minor,
            a.c.confirmed_minor,
            a.c.balance_minor,
            f.c.key,
            f.c.rule_id,
            f.c.severity,
            f.c.ilo_indicators,
            f.c.evidence,
        )
        .select_from(
            a.outerjoin(f, (f.c.run_id == a.c.run_id) & (f.c.worker_ref == a.c.worker_ref))
        )
        .where(a.c.run_id == run_id)
        .order_by(order)
    )
    parsed = _Parsed()
    result = conn.execution_options(stream_results=True, yield_per=5000).execute(query)
    current: WorkerView | None = None
    for (
        ref,
        groups,
        ccy,
        owed,
        paid,
        confirmed,
        balance,
        key,
        rule,
        sev,
        ilo,
        ev,
    ) in result:
        if current is None or current.ref != ref:
            if current is not None:
                yield current
            current = WorkerView(
                ref,
                parsed.group(groups),
                ccy,
                owed or 0,
                paid or 0,
                confirmed or 0,
                balance or 0,
                [],
            )
        if key is not None:
            current.findings.append(FindingView(key, rule, sev, parsed.indicators(ilo), ev))
    if current is not None:
        yield current


def merged(
    current: Iterator[WorkerView], previous: Iterator[WorkerView] | None
) -> Iterator[tuple[WorkerView | None, WorkerView | None]]:
    """Pairs (worker in this run, same worker in the previous run), either may be None."""
    if previous is None:
        for worker in current:
            yield worker, None
        return
    cur, prev = next(current, None), next(previous, None)
    while cur is not None or prev is not None:
        if prev is None or (cur is not None and cur.ref < prev.ref):
            yield cur, None
            cur = next(current, None)
        elif cur is None or prev.ref < cur.ref:
            yield None, prev
            prev = next(previous, None)
        else:
            yield cur, prev
            cur, prev = next(current, None), next(previous, None)


# --- tallies -------------------------------------------------------------------------------


@dataclass
class MoneyTally:
    """Remedy in one currency, in minor units, and the workers it is about."""

    workers: int = 0
    owed: int = 0
    paid: int = 0
    confirmed: int = 0
    balance: int = 0
    workers_owed: int = 0
    workers_paid: int = 0  # workers paid some remedy
    workers_confirmed: int = 0  # workers with remedy they confirmed receiving

    def add(self, other: MoneyTally) -> None:
        self.workers += other.workers
        self.owed += other.owed
        self.paid += other.paid
        self.confirmed += other.confirmed
        self.balance += other.balance
        self.workers_owed += other.workers_owed
        self.workers_paid += other.workers_paid
        self.workers_confirmed += other.workers_confirmed


@dataclass(slots=True)
class Profile:
    """One worker's findings counted (the same for every worker of a stored profile)."""

    findings: int
    by_rule: Counter[str]
    by_ilo: Counter[str]
    by_severity: Counter[str]


def profile_of(items: Iterator[tuple[str, str, tuple[str, ...], int]]) -> Profile:
    """A profile from (rule, severity, ILO indicators, findings) items."""
    by_rule: Counter[str] = Counter()
    by_ilo: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    total = 0
    for rule, severity, ilo, n in items:
        total += n
        by_rule[rule] += n
        by_severity[severity] += n
        for indicator in ilo:
            by_ilo[indicator] += n
    return Profile(total, by_rule, by_ilo, by_severity)


@dataclass
class Tally:
    """Findings and remedy of a group of workers."""

    workers: int = 0
    with_findings: int = 0
    with_ilo: int = 0  # workers with a finding bearing on an ILO forced-labour indicator
    findings: int = 0
    findings_by_rule: Counter[str] = field(default_factory=Counter)
    workers_by_rule: Counter[str] = field(default_factory=Counter)
    findings_by_ilo: Counter[str] = field(default_factory=Counter)
    workers_by_ilo: Counter[str] = field(default_factory=Counter)
    findings_by_severity: Counter[str] = field(default_factory=Counter)
    workers_by_severity: Counter[str] = field(default_factory=Counter)
    money: dict[str, MoneyTally] = field(default_factory=dict)
    grievances: int = 0
    workers_grieving: int = 0

    def add(self, p: Profile, n: int, currency: str | None, money: MoneyTally | None) -> None:
        """`n` workers with profile `p`; `money`: their remedy summed (in `currency`)."""
        self.workers += n
        if p.findings:
            self.with_findings += n
            self.findings += p.findings * n
            for counts, workers, source in (
                (self.findings_by_rule, self.workers_by_rule, p.by_rule),
                (self.findings_by_ilo, self.workers_by_ilo, p.by_ilo),
                (self.findings_by_severity, self.workers_by_severity, p.by_severity),
            ):
                for key, count in source.items():
                    counts[key] += count * n
                    workers[key] += n
            if p.by_ilo:
                self.with_ilo += n
        if currency is not None and money is not None:
            m = self.money.get(currency)
            if m is None:
                m = self.money[currency] = MoneyTally()
            m.add(money)

    def add_grievances(self, grievances: int) -> None:
        self.grievances += grievances
        self.workers_grieving += 1


@dataclass(frozen=True, slots=True)
class Grievance:
    """What a `grievance_filed` event says, without the worker's words (personal data)."""

    ref: str
    worker_ref: str
    date: date
    channel: str
    category: str
    anonymous: bool


@dataclass
class GrievanceTally:
    """Grievances of workers in scope: by category, by channel, anonymous, per supplier."""

    total: int = 0
    anonymous: int = 0
    workers: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    workers_by_category: Counter[str] = field(default_factory=Counter)
    workers_by_channel: Counter[str] = field(default_factory=Counter)

    def add(self, items: list[Grievance]) -> None:
        self.workers += 1
        self.total += len(items)
        self.anonymous += sum(g.anonymous for g in items)
        self.by_category.update(g.category for g in items)
        self.by_channel.update(g.channel for g in items)
        self.workers_by_category.update({g.category for g in items})
        self.workers_by_channel.update({g.channel for g in items})


@dataclass
class Changes:
    """Findings new since the previous run and findings resolved, by rule (by finding key)."""

    previous_run: int | None = None
    new: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    workers_new: Counter[str] = field(default_factory=Counter)
    workers_resolved: Counter[str] = field(default_factory=Counter)
    workers_unchanged: Counter[str] = field(default_factory=Counter)
    workers_entered: int = 0  # in scope now, not in the previous run's scope
    workers_left: int = 0

    def add(self, cur: WorkerView | None, prev: WorkerView | None) -> None:
        now = {f.key: f.rule_id for f in cur.findings} if cur else {}
        before = {f.key: f.rule_id for f in prev.findings} if prev else {}
        self.workers_entered += cur is not None and prev is None
        self.workers_left += cur is None and prev is not None
        for target, workers, keys, source in (
            (self.new, self.workers_new, now.keys() - before.keys(), now),
            (self.resolved, self.workers_resolved, before.keys() - now.keys(), before),
            (self.unchanged, self.workers_unchanged, now.keys() & before.keys(), now),
        ):
            rules = Counter(source[k] for k in keys)
            target.update(rules)
            workers.update(rules.keys())

    def add_many(
        self,
        n: int,
        new: Mapping[str, int] = MappingProxyType({}),
        resolved: Mapping[str, int] = MappingProxyType({}),
        unchanged: Mapping[str, int] = MappingProxyType({}),
    ) -> None:
        """`n` workers each with these finding keys new, resolved and unchanged, by rule."""
        for target, workers, rules in (
            (self.new, self.workers_new, new),
            (self.resolved, self.workers_resolved, resolved),
            (self.unchanged, self.workers_unchanged, unchanged),
        ):
            for rule, count in rules.items():
                target[rule] += count * n
                workers[rule] += n


#: Dimensions a report breaks figures down by (assessment group keys, plus derived ones).
DIMENSIONS = (
    "supplier",
    "site",
    "recruiter",
    "corridor",
    "origin",
    "destination",
    "tier",
    "tier_country",
    "ilo",
    "topic_tier",
)

#: German LkSG §2(2) risks the rules bear on (Nr. 1-2 child labour, Nr. 3 forced labour, Nr. 5
#: occupational safety incl. working hours and rest, Nr. 8 withholding an adequate wage).
LKSG_TOPIC = {
    "UNDERAGE_RECRUITMENT": "child_labour",
    "BELOW_MINIMUM_WAGE": "withholding_adequate_wage",
    "BELOW_PROMISED_WAGE": "withholding_adequate_wage",
    "OVERTIME_UNDERPAID": "withholding_adequate_wage",
    "UNLAWFUL_DEDUCTION": "withholding_adequate_wage",
    "WAGES_WITHHELD": "withholding_adequate_wage",
    "FINAL_SETTLEMENT_UNPAID": "withholding_adequate_wage",
    "EXCESSIVE_OVERTIME": "occupational_safety_and_health",
    "NO_WEEKLY_REST": "occupational_safety_and_health",
}


def lksg_topic(rule_id: str) -> str:
    """The LkSG risk a rule's finding bears on; recruitment rules bear on forced labour."""
    return LKSG_TOPIC.get(rule_id, "forced_labour")


@dataclass
class Collected:
    """Everything one pass gathered."""

    total: Tally = field(default_factory=Tally)
    groups: dict[str, dict[str, Tally]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})
    chain: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    chain_findings: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    changes: Changes = field(default_factory=Changes)
    grievances: GrievanceTally = field(default_factory=GrievanceTally)
    costs: CostTally = field(default_factory=CostTally)


#: The dates grievances are counted over: (from, to), both included; from may be open.
Window = tuple[date | None, date]


@dataclass(frozen=True, slots=True)
class Grieving:
    """One worker of a run who filed grievances in the window, with their groups."""

    worker_ref: str
    groups: str  # the run's `groups` JSON text
    groups_id: int | None
    profile_id: int | None
    items: list[Grievance]


def grieving(conn: Connection, run_id: int, window: Window) -> Iterator[Grieving]:
    """The run's workers who filed grievances (`grievance_filed` events dated in the window,
    corrections applied), a worker at a time in ref order — streamed, never all held.

    Found through the events' (worker, type) index, worker by worker of the run: the cost
    follows the number of workers, not of events (~25 per worker)."""
    e, a = _events, _assessed
    filed = EventType.GRIEVANCE_FILED.value
    start, end = window
    superseded = set(
        conn.scalars(
            select(e.c.supersedes_ref).where(e.c.type == filed, e.c.supersedes_ref.is_not(None))
        )
    )
    query = (
        select(a.c.worker_ref, a.c.groups, a.c.groups_id, a.c.profile_id, e.c.canonical)
        .select_from(a.join(e, (e.c.worker_ref == a.c.worker_ref) & (e.c.type == filed)))
        .where(a.c.run_id == run_id, e.c.date <= end)
        .order_by(
            a.c.worker_ref.collate("C") if conn.dialect.name == "postgresql" else a.c.worker_ref
        )
    )
    if start is not None:
        query = query.where(e.c.date >= start)
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(query)
    current: Grieving | None = None
    for ref, groups, groups_id, profile_id, text in result:
        event = json.loads(text)
        if event["ref"] in superseded:
            continue
        if current is None or current.worker_ref != ref:
            if current is not None:
                yield _sorted(current)
            current = Grieving(ref, groups, groups_id, profile_id, [])
        data = event["data"]
        current.items.append(
            Grievance(
                event["ref"],
                ref,
                date.fromisoformat(event["date"]),
                data["channel"],
                data["category"],
                bool(data["anonymous"]),
            )
        )
    if current is not None:
        yield _sorted(current)


def _sorted(worker: Grieving) -> Grieving:
    worker.items.sort(key=lambda g: (g.date, g.ref))  # the same order on either engine
    return worker


def load_grievances(conn: Connection, run_id: int, window: Window) -> dict[str, list[Grievance]]:
    """Grievances by worker, all held (for the streaming path of runs without summaries)."""
    return {w.worker_ref: w.items for w in grieving(conn, run_id, window)}


def grievance_register(
    engine: Engine, scope: Scope, run_id: int, window: Window
) -> list[tuple[Grievance, str | None]]:
    """Every grievance of workers in scope with their (first) supplier, date order: the
    CSDDD Art. 14 register lists each complaint."""
    parsed = _Parsed()
    out: list[tuple[Grievance, str | None]] = []
    with engine.connect() as conn:
        for worker in grieving(conn, run_id, window):
            groups = parsed.group(worker.groups)
            if scope.covers(groups):
                suppliers = groups.get("supplier") or []
                supplier = suppliers[0] if suppliers else None
                out.extend((g, supplier) for g in worker.items)
    return sorted(out, key=lambda x: (x[0].date, x[0].ref))


def collect(
    engine: Engine,
    scope: Scope,
    run_id: int,
    previous_run: int | None,
    *,
    grievances: Window | None,
    cost_reader: Callable[[Connection], CostReader] | None,
) -> Collected:
    """The tallies of the workers in `scope` in the run (compared with `previous_run`);
    grievances dated in the window (None: not counted); costs only when `cost_reader` is given
    (it computes them for runs without stored summaries)."""
    with engine.connect() as conn:
        summarised = has_summaries(conn, run_id, previous_run)
    if summarised:
        return collect_summaries(
            engine,
            scope,
            run_id,
            previous_run,
            grievances=grievances,
            with_costs=cost_reader is not None,
        )
    held: dict[str, list[Grievance]] = {}
    if grievances is not None:
        with engine.connect() as conn:
            held = load_grievances(conn, run_id, grievances)
    return collect_streaming(
        engine, scope, run_id, previous_run, grievances=held, cost_reader=cost_reader
    )


def has_summaries(conn: Connection, run_id: int, previous_run: int | None) -> bool:
    """True when the run's stored summaries answer the report: the run has them, and its
    changes were computed against `previous_run`, which has them too (for workers who left)."""
    rows = {
        r.id: r
        for r in conn.execute(
            select(_runs.c.id, _runs.c.summaries, _runs.c.compared_run_id).where(
                _runs.c.id.in_([run_id] if previous_run is None else [run_id, previous_run])
            )
        )
    }
    run = rows.get(run_id)
    if run is None or not run.summaries:
        return False
    if previous_run is None:
        return True
    before = rows.get(previous_run)
    return run.compared_run_id == previous_run and before is not None and bool(before.summaries)


def _keys(scope: Scope, groups: Mapping[str, list[str]], p: Profile) -> dict[str, list[str]]:
    """The groups a worker counts in, on every dimension a report breaks figures down by."""
    keys: dict[str, list[str]] = {
        d: list(groups.get(d, ())) for d in ("supplier", "site", "recruiter", "corridor")
    }
    corridors = keys["corridor"]
    keys["origin"] = sorted({c.split("→")[0] for c in corridors})
    keys["destination"] = sorted({c.split("→")[1].split(":")[0] for c in corridors if "→" in c})
    tiers = {scope.tier_of(s) for s in keys["supplier"]}
    keys["tier"] = sorted(f"tier {t}" for t in tiers if t is not None)
    keys["tier_country"] = [f"{t}|{c}" for t in keys["tier"] for c in keys["destination"]]
    keys["ilo"] = sorted(p.by_ilo)
    topics = {lksg_topic(rule) for rule in p.by_rule}
    keys["topic_tier"] = [f"{topic}|{t}" for topic in sorted(topics) for t in keys["tier"]]
    return keys


def _tallies(out: Collected, keys: Mapping[str, list[str]]) -> Iterator[Tally]:
    """The total and every group tally a worker with these keys counts in."""
    yield out.total
    for dim, group_keys in keys.items():
        table = out.groups[dim]
        for key in group_keys:
            tally = table.get(key)
            if tally is None:
                tally = table[key] = Tally()
            yield tally


def _paths(keys: Mapping[str, list[str]]) -> Iterator[tuple[str, str, str, str]]:
    """The supply chain map's paths a worker is on: first supplier and site, each recruiter
    and corridor."""
    supplier = (keys["supplier"] or ["—"])[0]
    site = (keys["site"] or ["—"])[0]
    for recruiter in keys["recruiter"] or ["—"]:
        for corridor in keys["corridor"] or ["—"]:
            yield (supplier, site, recruiter, corridor)


def _add_grievances(out: Collected, keys: Mapping[str, list[str]], items: list[Grievance]) -> None:
    for tally in _tallies(out, keys):
        tally.add_grievances(len(items))
    out.grievances.add(items)


# --- from stored summaries ------------------------------------------------------------------


class _Texts:
    """A run's stored JSON texts by id, each parsed once."""

    def __init__(self, conn: Connection, run_ids: Sequence[int]) -> None:
        query = select(_texts.c.id, _texts.c.text).where(_texts.c.run_id.in_(run_ids))
        self.raw: dict[int, str] = {int(i): t for i, t in conn.execute(query)}
        self.parsed: dict[int, Any] = {}
        self.profiles: dict[int, Profile] = {}

    def json(self, text_id: int) -> Any:
        got = self.parsed.get(text_id)
        if got is None:
            got = self.parsed[text_id] = json.loads(self.raw[text_id])
        return got

    def profile(self, text_id: int) -> Profile:
        got = self.profiles.get(text_id)
        if got is None:
            items = ((r, s, tuple(i), int(n)) for r, s, i, n in self.json(text_id))
            got = self.profiles[text_id] = profile_of(items)
        return got


def collect_summaries(
    engine: Engine,
    scope: Scope,
    run_id: int,
    previous_run: int | None,
    *,
    grievances: Window | None,
    with_costs: bool,
) -> Collected:
    """The tallies from the run's stored per-worker summaries, aggregated in SQL."""
    out = Collected()
    out.changes.previous_run = previous_run
    with engine.connect() as conn:
        texts = _Texts(conn, [run_id] if previous_run is None else [run_id, previous_run])
        counting = _Summarised(conn, out, scope, texts, run_id)
        counting.profiles()
        if with_costs:
            counting.costs()
        counting.changes(previous_run)
        if grievances is not None:
            counting.grievances(grievances)
    return out


def _positive(column: Any) -> Any:
    """How many of the summed values are above zero (workers owed, paid, confirming)."""
    return func.sum(case((column > 0, 1), else_=0))


def _merged_rules(c: Mapping[str, Mapping[str, int]], *parts: str) -> dict[str, int]:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(c[part])
    return dict(total)


@dataclass
class _Summarised:
    """The GROUP BY queries over one run's `assessed_workers`, each row added to the tallies
    with its number of workers."""

    conn: Connection
    out: Collected
    scope: Scope
    texts: _Texts
    run_id: int
    covered: dict[int, bool] = field(default_factory=dict)

    def in_scope(self, groups_id: int | None) -> bool:
        if groups_id is None:
            return False
        got = self.covered.get(groups_id)
        if got is None:
            got = self.covered[groups_id] = self.scope.covers(self.texts.json(groups_id))
        return got

    def profiles(self) -> None:
        """Workers, findings and remedy: one row per (groups, profile, currency)."""
        a = _assessed
        query = (
            select(
                a.c.groups_id,
                a.c.profile_id,
                a.c.currency,
                func.count(),
                *(func.sum(a.c[f"{m}_minor"]) for m in ("owed", "paid", "confirmed", "balance")),
                *(_positive(a.c[f"{m}_minor"]) for m in ("owed", "paid", "confirmed")),
            )
            .where(a.c.run_id == self.run_id)
            .group_by(a.c.groups_id, a.c.profile_id, a.c.currency)
        )
        for groups_id, profile_id, ccy, count, *sums in self.conn.execute(query):
            if not self.in_scope(groups_id):
                continue
            n = int(count)
            p = self.texts.profile(profile_id)
            money = None if ccy is None else MoneyTally(n, *(int(v or 0) for v in sums))
            keys = _keys(self.scope, self.texts.json(groups_id), p)
            for tally in _tallies(self.out, keys):
                tally.add(p, n, ccy, money)
            for path in _paths(keys):
                self.out.chain[path] += n
                self.out.chain_findings[path] += n if p.findings else 0

    def costs(self) -> None:
        """The cost indicator: one row per (groups, corridor and band, ratio in thousandths)."""
        a = _assessed
        query = (
            select(
                a.c.groups_id,
                a.c.cost_id,
                a.c.cost_milli,
                func.count(),
                func.min(a.c.cost_centi),
                func.max(a.c.cost_centi),
            )
            .where(a.c.run_id == self.run_id, a.c.cost_id.is_not(None))
            .group_by(a.c.groups_id, a.c.cost_id, a.c.cost_milli)
        )
        for groups_id, cost_id, milli, n, lowest, highest in self.conn.execute(query):
            if not self.in_scope(groups_id):
                continue
            corridor, band, *why = self.texts.json(cost_id)
            if why:
                self.out.costs.not_computed[why[0]] += int(n)
            else:
                entry = self.out.costs.corridor(corridor)
                entry.add_many(band, int(milli), int(n), int(lowest), int(highest))

    def changes(self, previous_run: int | None) -> None:
        """What changed: the run's workers joined with the previous run's on their ref, then
        the previous run's workers who are not in this run."""
        a, changes = _assessed, self.out.changes
        if previous_run is None:  # every finding in scope is new
            query = (
                select(a.c.groups_id, a.c.changes_id, func.count())
                .where(a.c.run_id == self.run_id)
                .group_by(a.c.groups_id, a.c.changes_id)
            )
            for groups_id, changes_id, n in self.conn.execute(query):
                if self.in_scope(groups_id):
                    c = self.texts.json(changes_id)
                    changes.add_many(int(n), new=_merged_rules(c, "new", "unchanged"))
                    changes.workers_entered += int(n)
            return
        p = a.alias("p")
        joined = a.outerjoin(p, (p.c.run_id == previous_run) & (p.c.worker_ref == a.c.worker_ref))
        query = (
            select(a.c.groups_id, p.c.groups_id, a.c.changes_id, func.count())
            .select_from(joined)
            .where(a.c.run_id == self.run_id)
            .group_by(a.c.groups_id, p.c.groups_id, a.c.changes_id)
        )
        for groups_id, prev_groups_id, changes_id, count in self.conn.execute(query):
            cur_in, prev_in, n = self.in_scope(groups_id), self.in_scope(prev_groups_id), int(count)
            c = self.texts.json(changes_id)
            if cur_in and prev_in:
                changes.add_many(n, c["new"], c["resolved"], c["unchanged"])
            elif cur_in:  # new to the scope: every finding is new
                changes.add_many(n, new=_merged_rules(c, "new", "unchanged"))
                changes.workers_entered += n
            elif prev_in:  # left the scope: every finding of the previous run is resolved
                changes.add_many(n, resolved=_merged_rules(c, "resolved", "unchanged"))
                changes.workers_left += n
        here = select(a.c.id).where(a.c.run_id == self.run_id, a.c.worker_ref == p.c.worker_ref)
        query = (
            select(p.c.groups_id, p.c.changes_id, func.count())
            .where(p.c.run_id == previous_run, ~here.exists())
            .group_by(p.c.groups_id, p.c.changes_id)
        )
        for groups_id, changes_id, n in self.conn.execute(query):
            if self.in_scope(groups_id):  # not in this run: its findings are all resolved
                before = _merged_rules(self.texts.json(changes_id), "new", "unchanged")
                changes.add_many(int(n), resolved=before)
                changes.workers_left += int(n)

    def grievances(self, window: Window) -> None:
        """Grievances of the workers who filed one, streamed a worker at a time, each added
        to the groups the worker counts in."""
        for worker in grieving(self.conn, self.run_id, window):
            if worker.items and self.in_scope(worker.groups_id):
                # A summarised run: every worker has both ids.
                assert worker.groups_id is not None and worker.profile_id is not None
                p = self.texts.profile(worker.profile_id)
                keys = _keys(self.scope, self.texts.json(worker.groups_id), p)
                _add_grievances(self.out, keys, worker.items)


# --- streaming, for runs without summaries ---------------------------------------------------


def collect_streaming(
    engine: Engine,
    scope: Scope,
    run_id: int,
    previous_run: int | None,
    *,
    grievances: Mapping[str, list[Grievance]],
    cost_reader: Callable[[Connection], CostReader] | None,
) -> Collected:
    """One pass over the run (merged with the previous one) for the workers in `scope`."""
    out = Collected()
    out.changes.previous_run = previous_run
    with engine.connect() as conn, engine.connect() as prev_conn, engine.connect() as cost_conn:
        reader = cost_reader(cost_conn) if cost_reader is not None else None
        pending: list[str] = []
        previous = stream_run(prev_conn, previous_run) if previous_run is not None else None
        for cur, prev in merged(stream_run(conn, run_id), previous):
            cur_in = cur is not None and scope.covers(cur.groups)
            prev_in = prev is not None and scope.covers(prev.groups)
            if cur_in or prev_in:
                out.changes.add(cur if cur_in else None, prev if prev_in else None)
            if not cur_in or cur is None:
                continue
            _count(out, scope, cur, grievances.get(cur.ref, []))
            if reader is not None:
                pending.append(cur.ref)
                if len(pending) >= COST_CHUNK:
                    _costs(out, reader, pending)
        if reader is not None and pending:
            _costs(out, reader, pending)
    return out


def _costs(out: Collected, reader: CostReader, pending: list[str]) -> None:
    for result in reader.indicators(pending):
        out.costs.add(result)
    pending.clear()


def _count(out: Collected, scope: Scope, view: WorkerView, grievances: list[Grievance]) -> None:
    p = profile_of((f.rule_id, f.severity, f.ilo, 1) for f in view.findings)
    money = None
    if view.currency is not None:
        money = MoneyTally(
            1,
            view.owed,
            view.paid,
            view.confirmed,
            view.balance,
            int(view.owed > 0),
            int(view.paid > 0),
            int(view.confirmed > 0),
        )
    keys = _keys(scope, view.groups, p)
    for tally in _tallies(out, keys):
        tally.add(p, 1, view.currency, money)
    for path in _paths(keys):
        out.chain[path] += 1
        out.chain_findings[path] += bool(view.findings)
    if grievances:
        _add_grievances(out, keys, grievances)


# --- evidence ----------------------------------------------------------------------------------


def evidence(
    engine: Engine, scope: Scope, run_id: int, indicators: Iterable[str]
) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Up to EVIDENCE_PER_INDICATOR findings (key, rule, evidence records) per ILO indicator,
    of workers in scope, in worker ref order — read only as far as needed."""
    wanted = set(indicators)
    out: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {i: [] for i in sorted(wanted)}
    if not wanted:
        return out
    a, f = _assessed, _findings
    order = f.c.worker_ref.collate("C") if engine.dialect.name == "postgresql" else f.c.worker_ref
    query = (
        select(a.c.groups, f.c.key, f.c.rule_id, f.c.ilo_indicators, f.c.evidence)
        .select_from(f.join(a, (a.c.run_id == f.c.run_id) & (a.c.worker_ref == f.c.worker_ref)))
        .where(f.c.run_id == run_id, f.c.ilo_indicators != "[]")
        .order_by(order, f.c.id)
    )
    parsed = _Parsed()
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(query)
        for groups, key, rule, ilo, records in result:
            if not scope.covers(parsed.group(groups)):
                continue
            for indicator in parsed.indicators(ilo):
                kept = out.get(indicator)
                if kept is not None and len(kept) < EVIDENCE_PER_INDICATOR:
                    kept.append((key, rule, tuple(json.loads(records))))
                    if len(kept) == EVIDENCE_PER_INDICATOR:
                        wanted.discard(indicator)
            if not wanted:
                break
        result.close()
    return out
