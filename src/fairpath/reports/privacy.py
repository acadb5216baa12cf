"""Small-group suppression for every figure a report or an export shows (k = 5).

DESIGN.md §5: a brand sees its chain pseudonymised; a published report or a regulator's file is
read by people who may not see any worker one by one. So no figure may be about fewer than
`K` workers:

- **Primary suppression.** Every cell carries the number of workers it is about (`n`). A cell
  with 0 < n < K shows "<5" instead of its value. A count of findings or an amount owed is about
  the workers behind it, so it is suppressed by their number, not by its own value.
- **Complementary suppression.** A table that shows a total (a column total, or a row total
  beside a cross-tab) would let a reader recover one hidden cell by subtraction. So whenever a
  line (row or column) that has a shown total holds exactly one suppressed cell, one more cell
  of that line is suppressed — the shown cell about the fewest workers — and this repeats until
  no line has a single suppressed cell. A complementary cell shows "s" (its value is not small;
  it is hidden to protect a "<5" cell). Where no other cell is left, the total itself is hidden.

Chosen over rounding (e.g. to the nearest 5) because every number that is shown stays exact and
can be checked against the assessment, which is what an auditor needs; rounding would make
every figure approximate to protect a few. Zero cells are shown: "no worker" discloses nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: The smallest group a figure may describe.
K = 5

Value = int | Decimal | str


@dataclass
class Cell:
    """One figure and the number of workers it is about."""

    value: Value
    n: int
    primary: bool = False  # suppressed because n < K
    complementary: bool = False  # suppressed so a primary cell cannot be recovered

    @property
    def suppressed(self) -> bool:
        return self.primary or self.complementary

    @property
    def shown(self) -> str:
        """The text a reader sees."""
        if self.primary:
            return f"<{K}"
        if self.complementary:
            return "s"
        return format_value(self.value)


def format_value(value: Value) -> str:
    """Counts with thousands separators; amounts with their minor units kept as stored."""
    if isinstance(value, bool):  # pragma: no cover - not a figure
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return value


def cell(value: Value, n: int) -> Cell:
    """A cell, suppressed at once when it is about 1 to K-1 workers."""
    return Cell(value, n, primary=0 < n < K)


@dataclass
class Table:
    """Rows of cells under column headings, with an optional total row.

    `additive`: indices of the columns whose total is the sum of the rows (those columns need
    complementary suppression); None means every column. `row_total_column`: index of a
    column that is the sum of the row's other cells from `row_parts_from` on (a cross-tab's
    "total"), so rows need it too.
    """

    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    total: list[Cell] | None = None
    additive: set[int] | None = None
    row_total_column: int | None = None
    row_parts_from: int = 0
    note: str = ""
    total_label: str = "Total"

    def add(self, label: str, cells: list[Cell]) -> None:
        self.rows.append((label, cells))

    def protect(self) -> Table:
        """Apply complementary suppression in place (primary suppression happened on entry)."""
        changed = True
        while changed:
            changed = False
            if self.total is not None:
                for col in range(len(self.columns)):
                    if self.additive is not None and col not in self.additive:
                        continue
                    line = [cells[col] for _, cells in self.rows]
                    changed |= _protect_line(line, self.total[col])
            if self.row_total_column is not None:
                lines = [cells for _, cells in self.rows]
                if self.total is not None:
                    lines.append(self.total)
                for cells in lines:
                    parts = [
                        c
                        for i, c in enumerate(cells)
                        if i >= self.row_parts_from and i != self.row_total_column
                    ]
                    changed |= _protect_line(parts, cells[self.row_total_column])
        return self

    @property
    def suppressed_any(self) -> bool:
        cells = [c for _, row in self.rows for c in row] + list(self.total or [])
        return any(c.suppressed for c in cells)


def _protect_line(line: list[Cell], total: Cell) -> bool:
    """Hide one more cell when exactly one cell of a line with a shown total is hidden."""
    if total.suppressed:
        return False
    hidden = [c for c in line if c.suppressed]
    if len(hidden) != 1:
        return False
    candidates = [c for c in line if not c.suppressed and c.n > 0]
    if candidates:
        min(candidates, key=lambda c: c.n).complementary = True
    else:
        total.complementary = True
    return True
