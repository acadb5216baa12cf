"""One streaming pass over an assessment run (and the run before it) for the workers in scope.

Reads `assessed_workers` joined with `findings`, ordered by worker, a row at a time (a
server-side cursor on PostgreSQL), merged with the same stream of the previous run so that
"what changed" compares findings by their stable `key` worker by worker. Every figure a report
shows is a count or a sum kept per group (supplier, site, recruiter, corridor, origin and
destination country, tier, ILO indicator, rule), together with the number of workers behind it
so the presenter can suppress small groups (`reports.privacy`). Memory grows with the number of
groups, never with the number of workers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, select

from fairpath.domain.journey import EventType
from fairpath.reports.costs import CostReader, CostTally
from fairpath.reports.scope import Scope
from fairpath.storage.findings import AssessedWorkerRow, FindingRow
from fairpath.storage.models import EventRow, table_of

_assessed = table_of(AssessedWorkerRow)
_findings = table_of(FindingRow)
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

    def add(self, w: _WorkerFacts) -> None:
        self.workers += 1
        if w.findings:
            self.with_findings += 1
            self.findings += w.findings
            self.findings_by_rule.update(w.by_rule)
            self.workers_by_rule.update(w.by_rule.keys())
            self.findings_by_ilo.update(w.by_ilo)
            self.workers_by_ilo.update(w.by_ilo.keys())
            self.with_ilo += bool(w.by_ilo)
            self.findings_by_severity.update(w.by_severity)
            self.workers_by_severity.update(w.by_severity.keys())
        if w.view.currency is not None:
            m = self.money.get(w.view.currency)
            if m is None:
                m = self.money[w.view.currency] = MoneyTally()
            m.workers += 1
            m.owed += w.view.owed
            m.paid += w.view.paid
            m.confirmed += w.view.confirmed
            m.balance += w.view.balance
            m.workers_owed += w.view.owed > 0
            m.workers_paid += w.view.paid > 0
            m.workers_confirmed += w.view.confirmed > 0
        if w.grievances:
            self.grievances += w.grievances
            self.workers_grieving += 1


@dataclass(slots=True)
class _WorkerFacts:
    view: WorkerView
    findings: int
    by_rule: Counter[str]
    by_ilo: Counter[str]
    by_severity: Counter[str]
    grievances: int


def _facts(view: WorkerView, grievances: int) -> _WorkerFacts:
    by_rule: Counter[str] = Counter()
    by_ilo: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    for f in view.findings:
        by_rule[f.rule_id] += 1
        by_severity[f.severity] += 1
        for indicator in f.ilo:
            by_ilo[indicator] += 1
    return _WorkerFacts(view, len(view.findings), by_rule, by_ilo, by_severity, grievances)


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
    evidence: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)
    register: list[tuple[Grievance, str | None]] = field(default_factory=list)  # with supplier


def load_grievances(conn: Connection, start: date | None, end: date) -> dict[str, list[Grievance]]:
    """`grievance_filed` events dated in [start, end], by worker (few, so held in memory)."""
    e = _events
    query = select(e.c.canonical).where(
        e.c.type == EventType.GRIEVANCE_FILED.value, e.c.date <= end
    )
    if start is not None:
        query = query.where(e.c.date >= start)
    superseded = set(
        conn.scalars(
            select(e.c.supersedes_ref).where(
                e.c.type == EventType.GRIEVANCE_FILED.value, e.c.supersedes_ref.is_not(None)
            )
        )
    )
    out: dict[str, list[Grievance]] = {}
    for text in conn.scalars(query):
        event = json.loads(text)
        if event["ref"] in superseded:
            continue
        data = event["data"]
        out.setdefault(event["worker_ref"], []).append(
            Grievance(
                event["ref"],
                event["worker_ref"],
                date.fromisoformat(event["date"]),
                data["channel"],
                data["category"],
                bool(data["anonymous"]),
            )
        )
    return out


def collect(
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
    facts = _facts(view, len(grievances))
    out.total.add(facts)
    groups = view.groups
    keys: dict[str, list[str]] = {
        d: list(groups.get(d, ())) for d in ("supplier", "site", "recruiter", "corridor")
    }
    corridors = keys["corridor"]
    keys["origin"] = sorted({c.split("→")[0] for c in corridors})
    keys["destination"] = sorted({c.split("→")[1].split(":")[0] for c in corridors if "→" in c})
    tiers = {scope.tier_of(s) for s in keys["supplier"]}
    keys["tier"] = sorted(f"tier {t}" for t in tiers if t is not None)
    keys["tier_country"] = [f"{t}|{c}" for t in keys["tier"] for c in keys["destination"]]
    keys["ilo"] = sorted(facts.by_ilo)
    topics = {lksg_topic(rule) for rule in facts.by_rule}
    keys["topic_tier"] = [f"{topic}|{t}" for topic in sorted(topics) for t in keys["tier"]]
    for dim, group_keys in keys.items():
        table = out.groups[dim]
        for key in group_keys:
            tally = table.get(key)
            if tally is None:
                tally = table[key] = Tally()
            tally.add(facts)
    supplier = (keys["supplier"] or ["—"])[0]
    site = (keys["site"] or ["—"])[0]
    for recruiter in keys["recruiter"] or ["—"]:
        for corridor in corridors or ["—"]:
            path = (supplier, site, recruiter, corridor)
            out.chain[path] += 1
            out.chain_findings[path] += bool(view.findings)
    if grievances:
        out.grievances.add(grievances)
        out.register.extend((g, supplier if supplier != "—" else None) for g in grievances)
    for f in view.findings:
        for indicator in f.ilo:
            kept = out.evidence.setdefault(indicator, [])
            if len(kept) < EVIDENCE_PER_INDICATOR:
                kept.append((f.key, f.rule_id, f.evidence))  # parsed here only
