"""Reading and writing journey records in bulk, with SQLAlchemy Core on one connection.

The import service calls these inside its one transaction per file; they never commit.
Core statements (not ORM objects) keep a million-event import flat in memory and fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Table,
    bindparam,
    select,
    update,
)

from fairpath.storage.models import (
    EventRow,
    ImportRow,
    LinkRow,
    OrganizationRow,
    SiteRow,
    WorkerKeyRow,
    WorkerRow,
    table_of,
)

# One expanding parameter: the statement is built and compiled once, not per chunk of refs.
_WANTED: BindParameter[list[str]] = bindparam("wanted", expanding=True)

TABLES: dict[str, Table] = {
    "organization": table_of(OrganizationRow),
    "site": table_of(SiteRow),
    "link": table_of(LinkRow),
    "worker": table_of(WorkerRow),
    "event": table_of(EventRow),
}


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """What is already stored under a record's identity, to compare a re-import with."""

    canonical: str
    content_digest: bytes | None
    import_id: int | None
    recorded_at: datetime
    erased: bool = False


def stored_versions(conn: Connection, kind: str, refs: Sequence[str]) -> dict[str, StoredVersion]:
    """Stored versions of the records of `kind` named by `refs` (links by 'from|to|type')."""
    if not refs:
        return {}
    if kind == "link":
        return _stored_links(conn, refs)
    table = TABLES[kind]
    found = sorted(existing_refs(conn, kind, refs))
    if not found:
        return {}  # the usual case in an import: nothing stored yet; one cheap query said so
    has_digest = "content_digest" in table.c
    columns = [table.c.ref, table.c.canonical, table.c.import_id, table.c.recorded_at]
    if has_digest:
        columns.append(table.c.content_digest)
    if kind == "worker":
        columns.append(table.c.erased_at)
    out: dict[str, StoredVersion] = {}
    query = select(*columns).where(table.c.ref.in_(_WANTED))
    for chunk in _chunks(found, 900):
        for row in conn.execute(query, {"wanted": list(chunk)}):
            out[row.ref] = StoredVersion(
                canonical=row.canonical,
                content_digest=row.content_digest if has_digest else None,
                import_id=row.import_id,
                recorded_at=row.recorded_at,
                erased=kind == "worker" and row.erased_at is not None,
            )
    return out


def _stored_links(conn: Connection, keys: Sequence[str]) -> dict[str, StoredVersion]:
    table = TABLES["link"]
    out: dict[str, StoredVersion] = {}
    froms = sorted({k.split("|", 1)[0] for k in keys})
    wanted = set(keys)
    for chunk in _chunks(froms, 900):
        rows = conn.execute(select(table).where(table.c.from_ref.in_(chunk)))
        for row in rows:
            key = f"{row.from_ref}|{row.to_ref}|{row.type}"
            if key in wanted:
                out[key] = StoredVersion(row.canonical, None, row.import_id, row.recorded_at)
    return out


def insert(conn: Connection, kind: str, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert new rows of `kind`, each a tuple in the order of `names` (one executemany)."""
    insert_rows(conn, TABLES[kind], names, rows)


def insert_rows(
    conn: Connection, table: Table, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert rows, each a tuple of the columns `names`, as one driver-level executemany.

    SQLAlchemy's own executemany processes every parameter of every row in Python (about as
    much time as the database's work); here each column's bind processor (dates, times on
    SQLite) is looked up once and applied only where the column has one.
    """
    if not rows:
        return
    dialect = conn.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    # Only quoted identifiers of our own schema go into the text; values are parameters.
    statement = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    converting = _converters(table, names, dialect)
    if converting:
        # Column by column: the batch is transposed in C, and each distinct value (a batch
        # shares one `recorded_at` and few dates) is converted once.
        by_column = list(zip(*rows, strict=True))
        for i, process in converting:
            values = by_column[i]
            converted = {value: process(value) for value in set(values)}
            by_column[i] = tuple(map(converted.__getitem__, values))
        rows = list(zip(*by_column, strict=True))
    conn.exec_driver_sql(statement, rows)


def _converters(table: Table, names: Sequence[str], dialect: Any) -> list[tuple[int, Any]]:
    """(position, function) for the columns whose values the driver cannot take as they are."""
    sqlite = dialect.name == "sqlite"
    converting = []
    for i, name in enumerate(names):
        kind = table.c[name].type
        process = kind.bind_processor(dialect)
        if sqlite and isinstance(kind, DateTime) and process is None:
            # What sqlite3's own adapter would write (Python 3.11 `adapt_datetime`).
            converting.append((i, _sqlite_datetime))
        elif sqlite and isinstance(kind, Date) and process is None:
            converting.append((i, _sqlite_date))  # likewise (`adapt_date`)
        elif process is not None and not isinstance(kind, LargeBinary):
            # Bytes go to both drivers as they are; the generic binary processor only wraps.
            converting.append((i, process))
    return converting


def _sqlite_datetime(value: Any) -> Any:
    return value.isoformat(" ") if isinstance(value, datetime) else value


def _sqlite_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def existing_refs(conn: Connection, kind: str, refs: Iterable[str]) -> set[str]:
    """Which of `refs` are stored as records of `kind`."""
    return {ref for (ref,) in _rows_with(conn, TABLES[kind], ("ref",), "ref", sorted(set(refs)))}


def wrapped_keys(conn: Connection, worker_refs: Sequence[str]) -> dict[str, bytes | None]:
    """The wrapped data keys of these workers (None where the key was destroyed)."""
    table = table_of(WorkerKeyRow)
    rows = _rows_with(conn, table, ("worker_ref", "wrapped_key"), "worker_ref", worker_refs)
    return {ref: None if key is None else bytes(key) for ref, key in rows}


def _rows_with(
    conn: Connection, table: Table, names: Sequence[str], key: str, values: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The `names` columns of the rows whose `key` column is one of `values`, as the driver
    returns them (rows unpack like tuples).

    Driver-level, like `insert_rows`: an import asks this for every batch (which records and
    which workers' keys are stored), and SQLAlchemy's rendering of an IN list of 900
    parameters cost more than the lookup itself. Only columns the driver returns as they
    are stored (text, integers, bytes) may be named.
    """
    if not values:
        return []
    dialect = conn.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    head = (
        f"SELECT {', '.join(quote(name) for name in names)} "  # noqa: S608
        f"FROM {dialect.identifier_preparer.format_table(table)} WHERE {quote(key)} IN "
    )
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(values, 900):
        # Only quoted identifiers of our own schema and markers go into the text.
        statement = head + f"({', '.join([marker] * len(chunk))})"
        rows.extend(conn.exec_driver_sql(statement, tuple(chunk)).all())
    return rows


def record_import(conn: Connection, *, at: datetime, actor: str, file_name: str) -> int:
    """Start the import record of one file; returns its id (`finish_import` completes it)."""
    table = table_of(ImportRow)
    result = conn.execute(
        table.insert()
        .values(at=at, actor=actor, file_name=file_name, sha256="", added=0, unchanged=0)
        .returning(table.c.id)
    )
    return int(result.scalar_one())


def finish_import(
    conn: Connection, import_id: int, *, added: int, unchanged: int, sha256: str
) -> None:
    """Record what one file added, and the file's SHA-256 (hex)."""
    table = table_of(ImportRow)
    conn.execute(
        update(table)
        .where(table.c.id == import_id)
        .values(added=added, unchanged=unchanged, sha256=sha256)
    )


def import_label(conn: Connection, import_id: int | None) -> str:
    """How a person recognises an import: file name and date."""
    if import_id is None:
        return "an earlier entry (not from a file)"
    table = table_of(ImportRow)
    row = conn.execute(select(table).where(table.c.id == import_id)).one_or_none()
    if row is None:
        return f"import #{import_id}"
    return f"{row.file_name} (import #{import_id} on {row.at:%Y-%m-%d})"


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
