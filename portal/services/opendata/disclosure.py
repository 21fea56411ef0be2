"""Statistical disclosure control: no published figure may identify a person.

The rule (documented in every dataset's metadata):

* **Primary suppression.** A count from 1 to :data:`MAX_SMALL` (4) is not published; the cell
  shows :data:`MARKER` instead. Zero is published: it tells nothing about a person.
* **Secondary suppression.** Tables carry totals, and a yearly table sits beside twelve
  monthly ones, so a suppressed cell could be worked out by subtraction. More cells are
  suppressed until *no* suppressed cell is determined by the published figures.

"Determined" is decided exactly, not by a rule of thumb: every total is a linear equation
(cells of a row add up to the row total; the months of an additive table add up to its year),
the suppressed cells are the unknowns, and a cell can be recovered exactly when its unit
vector lies in the row space of that system. :func:`determined_cells` computes this with
exact rational arithmetic; :func:`protect` adds suppressions (the cheapest cell sharing an
equation with a recoverable one, preferring cells that close a cycle of suppressions) until
nothing is recoverable. Cells of tables that were already published (the months, when the
year is computed) are never changed: only the table being prepared may gain suppressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import gcd
from typing import Any

__all__ = [
    "MARKER",
    "MAX_SMALL",
    "TOTAL",
    "Cell",
    "Grid",
    "determined_cells",
    "protect",
    "time_relations",
]

#: What a suppressed cell shows in CSV and JSON (Eurostat's flag for "confidential").
MARKER = "c"
#: Counts from 1 to this are suppressed.
MAX_SMALL = 4
#: Code of the total row or column.
TOTAL = "total"

Cell = tuple[str, str, str]  # (grid id, row code, column code)
Relation = tuple[tuple[Cell, ...], Cell]  # parts add up to the total


@dataclass
class Grid:
    """A table of counts with its totals: ``rows`` × ``cols`` plus a total row and column.

    ``row_total`` / ``col_total`` say whether the table has a total row / column (a one-column
    table of counts per function has a total row only). ``extra`` lists further additive
    equations between its cells (parts, total), e.g. "all persons = clients + victims".
    ``values`` holds every cell including totals; :meth:`fill_totals` computes the totals from
    the cells when the table is additive.
    """

    id: str
    rows: list[str]
    cols: list[str]
    values: dict[tuple[str, str], int] = field(default_factory=dict)
    row_total: bool = True
    col_total: bool = True
    extra: list[tuple[list[tuple[str, str]], tuple[str, str]]] = field(default_factory=list)
    suppressed: set[tuple[str, str]] = field(default_factory=set)
    # Averages and other non-count figures per row, hidden with the row's count.
    measures: dict[str, Any] = field(default_factory=dict)

    def all_rows(self) -> list[str]:
        return [*self.rows, TOTAL] if self.row_total else list(self.rows)

    def all_cols(self) -> list[str]:
        return [*self.cols, TOTAL] if self.col_total else list(self.cols)

    def cells(self) -> list[tuple[str, str]]:
        return [(r, c) for r in self.all_rows() for c in self.all_cols()]

    def value(self, row: str, col: str) -> int:
        return int(self.values.get((row, col), 0))

    def fill_totals(self) -> Grid:
        """Set the total row and column from the inner cells (missing cells are 0)."""
        for r in self.rows:
            for c in self.cols:
                self.values.setdefault((r, c), 0)
        if self.col_total:
            for r in self.rows:
                self.values[(r, TOTAL)] = sum(self.value(r, c) for c in self.cols)
        if self.row_total:
            for c in self.all_cols():
                self.values[(TOTAL, c)] = sum(self.value(r, c) for r in self.rows)
        return self

    def published(self, row: str, col: str) -> int | str:
        """The value as published: the count, or :data:`MARKER` when suppressed."""
        return MARKER if (row, col) in self.suppressed else self.value(row, col)

    def relations(self) -> list[Relation]:
        """The additive equations of this table, on global cell keys."""
        out: list[Relation] = []
        key = self._key
        if self.col_total:
            for r in self.all_rows():
                out.append((tuple(key(r, c) for c in self.cols), key(r, TOTAL)))
        if self.row_total:
            for c in self.all_cols():
                out.append((tuple(key(r, c) for r in self.rows), key(TOTAL, c)))
        for parts, total in self.extra:
            out.append((tuple(key(*p) for p in parts), key(*total)))
        return out

    def _key(self, row: str, col: str) -> Cell:
        return (self.id, row, col)

    def suppress_small(self) -> None:
        """Primary suppression: every count from 1 to :data:`MAX_SMALL`."""
        for cell in self.cells():
            if 1 <= self.value(*cell) <= MAX_SMALL:
                self.suppressed.add(cell)


def time_relations(months: Sequence[Grid], year: Grid) -> list[Relation]:
    """Equations "the twelve months add up to the year", cell by cell (additive tables only)."""
    return [
        (tuple((m.id, r, c) for m in months), (year.id, r, c))
        for r, c in year.cells()
    ]


# --- exact recoverability ----------------------------------------------------------------------


def determined_cells(
    grids: Iterable[Grid], extra_relations: Iterable[Relation] = ()
) -> set[Cell]:
    """The suppressed cells whose value follows exactly from the published figures.

    Builds the linear system of every equation restricted to the suppressed cells (the
    published cells only move the right-hand side) and reduces it to row echelon form over
    the integers (fraction-free, exact), one connected group of unknowns at a time. A pivot unknown is determined
    when its reduced row has no other unknown left (no free variable can move it).
    """
    grids = list(grids)
    suppressed = {(g.id, r, c) for g in grids for r, c in g.suppressed}
    relations = [rel for g in grids for rel in g.relations()] + list(extra_relations)
    equations: list[dict[Cell, int]] = []
    for parts, total in relations:
        eq: dict[Cell, int] = {}
        for cell in parts:
            if cell in suppressed:
                eq[cell] = eq.get(cell, 0) + 1
        if total in suppressed:
            eq[total] = eq.get(total, 0) - 1
        eq = {k: v for k, v in eq.items() if v}
        if eq:
            equations.append(eq)
    return _solve(equations)


def _solve(equations: list[dict[Cell, int]]) -> set[Cell]:
    """The unknowns the equations determine.

    First peels off every equation that holds an unknown found in no other equation (and at
    least one more unknown): that unknown is free to absorb whatever the equation says, so
    the equation tells nothing about the others, and the unknown is determined exactly when
    all the others in its equation are. What remains is solved by elimination.
    """
    occurs: dict[Cell, set[int]] = {}
    for i, eq in enumerate(equations):
        for cell in eq:
            occurs.setdefault(cell, set()).add(i)
    alive = set(range(len(equations)))
    peeled: list[tuple[Cell, list[Cell]]] = []
    queue = [cell for cell, eqs in occurs.items() if len(eqs) == 1]
    while queue:
        cell = queue.pop()
        eqs = occurs[cell]
        if len(eqs) != 1:
            continue
        i = next(iter(eqs))
        if len(equations[i]) < 2:
            continue  # an equation of one unknown determines it: leave it to the solver
        others = [c for c in equations[i] if c != cell]
        peeled.append((cell, others))
        alive.discard(i)
        occurs[cell] = set()
        for other in others:
            occurs[other].discard(i)
            if len(occurs[other]) == 1:
                queue.append(other)
    found: set[Cell] = set()
    for component in _components([equations[i] for i in sorted(alive)]):
        found |= _solve_component(component)
    for cell, others in reversed(peeled):
        if all(o in found for o in others):
            found.add(cell)
    return found


def _components(equations: list[dict[Cell, int]]) -> list[list[dict[Cell, int]]]:
    parent: dict[Cell, Cell] = {}

    def find(x: Cell) -> Cell:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for eq in equations:
        cells = list(eq)
        for other in cells[1:]:
            a, b = find(cells[0]), find(other)
            if a != b:
                parent[a] = b
    groups: dict[Cell, list[dict[Cell, int]]] = {}
    for eq in equations:
        groups.setdefault(find(next(iter(eq))), []).append(eq)
    return list(groups.values())


def _solve_component(equations: list[dict[Cell, int]]) -> set[Cell]:
    unknowns = sorted({cell for eq in equations for cell in eq})
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[dict[int, int]] = [{index[c]: v for c, v in eq.items()} for eq in equations]
    pivots: list[tuple[int, dict[int, int]]] = []
    # Gauss-Jordan on sparse integer rows, fraction-free (each combination is divided by the
    # gcd of its coefficients): exact, like rationals, and several times faster.
    for col in range(len(unknowns)):
        pivot_row = next((r for r in rows if r.get(col)), None)
        if pivot_row is None:
            continue
        rows.remove(pivot_row)
        rows = [_eliminate(r, pivot_row, col) if r.get(col) else r for r in rows]
        rows = [r for r in rows if r]
        pivots = [(pc, _eliminate(pr, pivot_row, col) if pr.get(col) else pr)
                  for pc, pr in pivots]
        pivots.append((col, pivot_row))
    return {unknowns[pcol] for pcol, prow in pivots if len(prow) == 1}


def _eliminate(row: dict[int, int], pivot: dict[int, int], col: int) -> dict[int, int]:
    """``row`` with column ``col`` cancelled by a multiple of ``pivot``."""
    a, p = row[col], pivot[col]
    out = {k: v * p for k, v in row.items()}
    for k, v in pivot.items():
        nv = out.get(k, 0) - a * v
        if nv:
            out[k] = nv
        else:
            out.pop(k, None)
    divisor = 0
    for v in out.values():
        divisor = gcd(divisor, v)
    if divisor > 1:
        out = {k: v // divisor for k, v in out.items()}
    return out


# --- protection ------------------------------------------------------------------------------


def protect(
    grids: Sequence[Grid],
    *,
    fixed: Sequence[Grid] = (),
    extra_relations: Sequence[Relation] = (),
    avoid: dict[Cell, bool] | None = None,
) -> None:
    """Suppress small counts in ``grids`` and add secondary suppressions until no
    suppressed cell (of ``grids`` or ``fixed``) can be recovered.

    :param fixed: tables already published: read, never changed (e.g. the months when the
        year is prepared).
    :param extra_relations: equations across tables (e.g. :func:`time_relations`).
    :param avoid: cells better not chosen as secondary suppressions (e.g. a year cell whose
        months are all published, which subtraction would give back anyway).
    """
    for g in grids:
        g.suppress_small()
    editable = {g.id: g for g in grids}
    everything = [*grids, *fixed]
    relations = [rel for g in everything for rel in g.relations()] + list(extra_relations)
    members = [(*rel[0], rel[1]) for rel in relations]
    by_cell: dict[Cell, list[int]] = {}
    for i, cells in enumerate(members):
        for cell in cells:
            by_cell.setdefault(cell, []).append(i)
    all_grids = {g.id: g for g in everything}

    def is_suppressed(cell: Cell) -> bool:
        g = all_grids.get(cell[0])
        return g is not None and (cell[1], cell[2]) in g.suppressed

    # Hidden cells per equation, kept up to date as cells are added.
    hidden_count = [sum(is_suppressed(c) for c in cells) for cells in members]

    def value(cell: Cell) -> int:
        g = all_grids[cell[0]]
        return g.value(cell[1], cell[2])

    def avoided(cell: Cell) -> bool:
        return bool(avoid and avoid.get(cell))

    # Each round suppresses one more cell, so the loop ends; the bound is a safety net.
    for _round in range(sum(len(g.cells()) for g in grids) + 1):
        # The common case first, cheaply: an equation with exactly one hidden cell gives it
        # back by subtraction. Only when there is none is the exact (slower) check needed.
        single = {
            next(c for c in members[i] if is_suppressed(c))
            for i, n in enumerate(hidden_count) if n == 1
        }
        exposed = single or determined_cells(everything, extra_relations)
        if not exposed:
            return
        target = min(exposed)
        best: tuple[Any, ...] | None = None
        choice: Cell | None = None
        for rel in by_cell.get(target, []):
            for cell in members[rel]:
                # An avoided cell is public anyway (its months are all published): hiding it
                # protects nothing.
                if cell[0] not in editable or is_suppressed(cell) or avoided(cell):
                    continue
                # Prefer a cell whose other equations already hold a suppression: it closes a
                # cycle instead of opening a new exposed row; then small non-zero values.
                closes = any(hidden_count[r] for r in by_cell.get(cell, []) if r != rel)
                v = value(cell)
                cost = (not closes, v == 0, v, cell)
                if best is None or cost < best:
                    best, choice = cost, cell
        if choice is None:
            break
        editable[choice[0]].suppressed.add((choice[1], choice[2]))
        for r in by_cell.get(choice, []):
            hidden_count[r] += 1
    # No single cell helps (or the bound was reached): hide every editable cell that is not
    # public anyway. Over-suppression is the safe side.
    for g in grids:
        g.suppressed |= {c for c in g.cells() if not avoided((g.id, *c))}
