"""Disclosure control: small counts are hidden and cannot be worked out again."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.opendata.disclosure import (
    MARKER,
    TOTAL,
    Grid,
    determined_cells,
    protect,
    time_relations,
)


def grid(gid: str, table: list[list[int]]) -> Grid:
    rows = [f"r{i}" for i in range(len(table))]
    cols = [f"c{j}" for j in range(len(table[0]))]
    values = {(r, c): table[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)}
    return Grid(gid, rows, cols, values).fill_totals()


def single_hidden_lines(g: Grid) -> list[str]:
    """Rows or columns (with their total) where exactly one cell is hidden: subtraction
    gives it back."""
    bad = []
    for r in g.all_rows():
        if sum((r, c) in g.suppressed for c in g.all_cols()) == 1:
            bad.append(f"row {r}")
    for c in g.all_cols():
        if sum((r, c) in g.suppressed for r in g.all_rows()) == 1:
            bad.append(f"column {c}")
    return bad


def test_naive_suppression_discloses_and_the_checker_sees_it() -> None:
    g = grid("t", [[20, 2], [30, 40]])
    g.suppress_small()  # the naive table: only the 2 is hidden
    assert g.suppressed == {("r0", "c1")}
    assert single_hidden_lines(g) == ["row r0", "column c1"]
    assert determined_cells([g]) == {("t", "r0", "c1")}
    # 22 - 20 = 2: the published figures give the hidden one back.
    assert g.value("r0", TOTAL) - g.value("r0", "c0") == 2


def test_protected_table_hides_small_counts_and_does_not_disclose() -> None:
    g = grid("t", [[20, 2], [30, 40]])
    protect([g])
    assert g.published("r0", "c1") == MARKER
    assert single_hidden_lines(g) == []
    assert determined_cells([g]) == set()
    # Zero is published: it tells nothing about a person.
    z = grid("z", [[0, 10], [10, 10]])
    protect([z])
    assert z.suppressed == set()


def test_bridge_between_two_cycles_is_caught() -> None:
    """Every line has two hidden cells, yet one cell is determined: the exact check finds
    what the 'two per line' rule of thumb misses."""
    g = grid("t", [[9] * 4 for _ in range(4)])
    # Two 2x2 cycles (r0,r1 x c0,c1) and (r2,r3 x c2,c3) joined by (r1,c2): a bridge.
    g.suppressed = {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1"),
                    ("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3"), ("r1", "c2")}
    assert ("t", "r1", "c2") in determined_cells([g])


def test_year_is_protected_against_its_published_months() -> None:
    """January hides a 3 (and what protects it); the naive year would publish a cell whose
    months are all published but January's: year minus the other months gives it back."""
    months = []
    for m in range(1, 13):
        table = [[10, 10], [10, 10]]
        if m == 1:
            table = [[3, 10], [10, 10]]
        g = grid(f"2011-{m:02d}", table)
        protect([g])
        months.append(g)
    assert ("r0", "c0") in months[0].suppressed
    naive = grid("2011", [[3 + 110, 120], [120, 120]])
    naive.suppress_small()
    assert naive.suppressed == set()
    assert determined_cells([*months, naive], time_relations(months, naive))
    year = grid("2011", [[3 + 110, 120], [120, 120]])
    protect([year], fixed=months, extra_relations=time_relations(months, year))
    assert determined_cells([*months, year], time_relations(months, year)) == set()
    assert ("r0", "c0") in year.suppressed
    assert single_hidden_lines(year) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_random_tables_never_disclose(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 6), rng.randint(1, 5)
    table = [[rng.choice([0, 1, 2, 3, 4, 5, 8, 20, 60]) for _ in range(cols)]
             for _ in range(rows)]
    g = grid("t", table)
    protect([g])
    assert all((r, c) in g.suppressed for r, c in g.cells() if 1 <= g.value(r, c) <= 4)
    assert single_hidden_lines(g) == []
    assert determined_cells([g]) == set()


def test_a_total_hidden_in_one_breakdown_is_not_read_off_another() -> None:
    """Dataset 1 breaks the same clients down by gender and by age: the row totals are the
    same number in both tables, so hiding one copy alone would hide nothing."""
    from portal.services.opendata.datasets import shared_margins

    gender = grid("gender", [[2, 5], [20, 30]])
    age = grid("age", [[7, 0], [25, 25]])
    # A pattern that is safe for the gender table alone: a cycle through its row total.
    gender.suppressed = {("r0", "c0"), ("r0", TOTAL), (TOTAL, "c0"), (TOTAL, TOTAL)}
    assert determined_cells([gender, age]) == set()
    links = shared_margins([gender, age])
    # The age table publishes the same row total (7): the 2 follows.
    assert ("gender", "r0", "c0") in determined_cells([gender, age], links)
    gender, age = grid("gender", [[2, 5], [20, 30]]), grid("age", [[7, 0], [25, 25]])
    protect([gender, age], extra_relations=links)
    assert ("r0", "c0") in gender.suppressed
    assert determined_cells([gender, age], links) == set()


def _reference(grids: list[Grid]) -> set[tuple[str, str, str]]:
    """Determined cells by brute force: x is determined when adding "x = 0" to the
    equations does not lower the dimension of the solution space (rank with rationals)."""
    from fractions import Fraction

    hidden = sorted({(g.id, r, c) for g in grids for r, c in g.suppressed})
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for g in grids:
        for parts, total in g.relations():
            row = [Fraction(0)] * len(hidden)
            for cell in parts:
                if cell in index:
                    row[index[cell]] += 1
            if total in index:
                row[index[total]] -= 1
            if any(row):
                rows.append(row)

    def rank(matrix: list[list[Fraction]]) -> int:
        m = [list(r) for r in matrix]
        rk = 0
        for col in range(len(hidden)):
            pivot = next((i for i in range(rk, len(m)) if m[i][col]), None)
            if pivot is None:
                continue
            m[rk], m[pivot] = m[pivot], m[rk]
            for i in range(len(m)):
                if i != rk and m[i][col]:
                    f = m[i][col] / m[rk][col]
                    m[i] = [a - f * b for a, b in zip(m[i], m[rk], strict=True)]
            rk += 1
        return rk

    base = rank(rows)
    out = set()
    for cell, i in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if rank([*rows, unit]) == base:
            out.add(cell)
    return out


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=100_000))
def test_exact_check_agrees_with_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 5), rng.randint(1, 5)
    g = grid("t", [[rng.randint(0, 30) for _ in range(cols)] for _ in range(rows)])
    g.suppressed = {cell for cell in g.cells() if rng.random() < 0.35}
    assert determined_cells([g]) == _reference([g])
