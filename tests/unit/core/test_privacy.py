"""The one small-count rule: primary "<3", complementary suppression in groups and tables,
and an attacker who tries to work the hidden counts out from what is shown."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from est_data.core import auth, privacy
from est_data.core.privacy import HIDDEN, SHOWN, SMALL, WITHHELD

L = privacy.SUPPRESS_BELOW


def feasible_values(values, marks, total_known=True):
    """Brute force, the attacker's way: every assignment of the hidden parts that agrees
    with what is shown ("<3" is 1-2, "dolt" at least 3) and with the total (known
    exactly when it is 0 or at least 3, else 1-2). Returns the set of values each hidden
    part can take."""
    total = sum(values)
    hidden = [i for i, m in enumerate(marks) if m in (SMALL, HIDDEN)]
    shown = sum(v for v, m in zip(values, marks) if m == SHOWN)
    ranges = [range(1, L) if marks[i] == SMALL else range(L, total + 1) for i in hidden]
    seen = {i: set() for i in hidden}
    for combo in itertools.product(*ranges):
        t = shown + sum(combo)
        ok = t == total if (total == 0 or total >= L) else 0 < t < L
        if ok:
            for i, v in zip(hidden, combo):
                seen[i].add(v)
    return seen


def assert_not_derivable(values, marks):
    seen = feasible_values(values, marks)
    for i, m in enumerate(marks):
        if m == SMALL:
            assert seen[i] == {1, 2}, f"part {i} ({values[i]}) can be worked out: {seen[i]}"


def test_limit_is_the_meeting_roles_only():
    assert privacy.limit_for(auth.User("m", "M", "mote")) == 3
    assert privacy.limit_for(auth.User("a", "A", "analytiker")) == 0
    assert privacy.limit_for(auth.User("x", "X", "admin")) == 0


@pytest.mark.parametrize("values", [
    [5, 5, 2], [12, 1], [3, 1], [1, 1, 1, 50], [2, 2], [7, 3, 3, 1], [4, 1, 1],
    [10, 2, 0, 1], [3, 3, 3, 1], [30, 8, 1, 1, 2, 6, 0, 0, 4], [2, 9],
])
def test_a_group_never_gives_a_small_part_away(values):
    marks = privacy.protect(values)
    if marks == [WITHHELD] * len(values):
        return
    assert all(m == SMALL for v, m in zip(values, marks) if 0 < v < L)
    assert all(m == SHOWN for v, m in zip(values, marks) if v == 0)
    assert_not_derivable(values, marks)


@pytest.mark.parametrize("values", [[3, 1], [2, 2], [3, 3, 3, 1], [1, 1], [1, 1, 1]])
def test_groups_that_only_their_total_would_give_away_are_withheld(values):
    """{3, "<3"} of 4: the hidden 3 is at least 3, so the "<3" is 1; {2, 2} of 4: both
    "<3" and 4 in all, so both are 2."""
    assert privacy.protect(values) == [WITHHELD] * len(values)


def test_the_issues_example_hides_one_more_cell():
    """Fjällmon: Störning 5, Klotter 5, Samling/häng 2, total 12. Hiding only the 2 lets
    12 - 5 - 5 give it away; one more part is hidden ("dolt")."""
    marks = privacy.protect([5, 5, 2])
    assert marks.count(SMALL) == 1 and marks.count(HIDDEN) == 1


def test_a_group_that_cannot_be_protected_is_withheld():
    """Two single incidents with a total of "<3": the total is 2, so both are 1. Three
    parts of 1 with a total of 3 likewise. Nothing of the breakdown is shown."""
    assert privacy.protect([1, 1]) == [WITHHELD, WITHHELD]
    assert privacy.protect([1, 1, 1, 0]) == [WITHHELD] * 4


def test_no_limit_shows_everything():
    assert privacy.protect([1, 2, 5], limit=0) == [SHOWN] * 3


def test_texts():
    assert [privacy.text(v, m) for v, m in [(1234, SHOWN), (2, SMALL), (9, HIDDEN),
                                             (0, WITHHELD)]] == ["1\u00a0234", "<3", "dolt", "–"]
    assert privacy.hides(SHOWN, SMALL) and not privacy.hides(SHOWN, SHOWN)


def lp_range(table, marks, margins, cell):
    """The attacker with margins: min and max of one hidden cell given every shown cell,
    every margin as published (row, column, grand total: exact, "<3" or "dolt") and the
    bounds of the hidden cells."""
    from scipy.optimize import linprog

    bound = {SMALL: (1, L - 1), HIDDEN: (L, None), WITHHELD: (0, None)}
    hidden = [i for i in range(len(table)) if marks[i] != SHOWN]
    col = {i: j for j, i in enumerate(hidden)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for keys, total, mark in margins:
        row = np.zeros(len(hidden))
        shown = 0
        for i in range(len(table)):
            if all(table.iloc[i][d] == k for d, k in keys.items()):
                if i in col:
                    row[col[i]] = 1
                else:
                    shown += table.iloc[i]["n"]
        if not row.any() or mark == WITHHELD:
            continue
        if mark == SHOWN:
            a_eq.append(row)
            b_eq.append(total - shown)
        else:
            lo, hi = bound[mark]
            a_ub.append(-row)
            b_ub.append(shown - lo)
            if hi is not None:
                a_ub.append(row)
                b_ub.append(hi - shown)
    c = np.zeros(len(hidden))
    c[col[cell]] = 1
    kw = dict(A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None,
              A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
              bounds=[bound[marks[i]] for i in hidden])
    return round(linprog(c, **kw).fun), round(-linprog(-c, **kw).fun)


def published_margins(table, dims):
    """Every margin of ``table`` as its own download shows it: the grand total, and the
    counts per one dimension protected with :func:`privacy.protect_table`."""
    total = int(table["n"].sum())
    out = [({}, total, privacy.primary(total))]
    for d in dims:
        margin = table.groupby(d, as_index=False)["n"].sum()
        for (_, r), mark in zip(margin.iterrows(), privacy.protect_table(margin, [d])):
            out.append(({d: r[d]}, int(r["n"]), mark))
    return out


def test_a_table_survives_its_margins():
    """Area x category with every row, column and the grand total as their own downloads
    show them: no "<3" cell can be worked out (the issue: the exports per area and per
    area x category, downloaded together, gave Fjällmon's Samling/häng = 2 away)."""
    rng = np.random.default_rng(3)
    rows = [(a, c, int(n)) for a in "ABCDEFG" for c in "xyzw"
            if (n := rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 9])) > 0]
    table = pd.DataFrame(rows, columns=["area", "cat", "n"])
    marks = privacy.protect_table(table, ["area", "cat"])
    assert all(m in (SMALL, WITHHELD) for n, m in zip(table["n"], marks) if n < L)
    # Rows that only their total would give away ({1, 1} of "<3"; {3, 1, 1, 3} of 8)
    # are left out whole.
    table["mark"] = marks
    withheld = table[table["mark"] == WITHHELD]
    assert set(withheld["area"]) == {"C", "G"}
    assert all((table[table["area"] == a]["mark"] == WITHHELD).all() for a in {"C", "G"})
    margins = published_margins(table, ["area", "cat"])
    for i, m in enumerate(marks):
        if m == SMALL:
            assert lp_range(table, marks, margins, i) == (1, 2), table.iloc[i]


def test_a_table_row_with_one_hidden_cell_gets_a_second():
    table = pd.DataFrame({"area": ["F", "F", "F", "G", "G", "G"],
                          "cat": ["a", "b", "c", "a", "b", "c"], "n": [5, 5, 2, 7, 6, 9]})
    marks = privacy.protect_table(table, ["area", "cat"])
    assert marks[2] == SMALL
    assert sum(m != SHOWN for m in marks[:3]) >= 2  # the row Fjällmon
    assert sum(m != SHOWN for m, c in zip(marks, table["cat"]) if c == "c") >= 2  # the column


def test_one_dimension_tables_match_protect():
    table = pd.DataFrame({"area": list("abcd"), "n": [5, 5, 2, 0]})
    assert privacy.protect_table(table, ["area"]) == privacy.protect([5, 5, 2, 0])


def test_shown_totals_have_no_small_complement():
    """Parts of a total shown as text: the same group rule."""
    marks = privacy.protect([9, 1, 0])  # located, area only, municipality only
    assert marks[1] == SMALL and marks[0] != SHOWN or marks == [WITHHELD] * 3


def test_interval_totals_count_too():
    """A group whose own total is only known as "<3" still must not pin its parts."""
    assert privacy.protect([1, 1]) == [WITHHELD, WITHHELD]
    assert privacy.protect([2]) == [SMALL]
    assert privacy.protect([1, 0, 0]) == [SMALL, SHOWN, SHOWN]


def test_chart_values_leave_small_counts_out():
    v = privacy.chart_values([0, 1, 2, 3, 7], [SHOWN, SMALL, SMALL, HIDDEN, SHOWN])
    assert v == [0, None, None, None, 7]
    assert math.isnan(privacy.chart_values([float("nan")], [SHOWN])[0])


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_survive_their_margins(seed):
    """The same attacker on random sparse tables of small counts (the narrow filters a
    meeting sets: one week, one category)."""
    rng = np.random.default_rng(seed)
    cats = "abcdef"[: rng.integers(2, 7)]
    rows = [(a, c, int(n)) for a in "ABCDEFGHIJ"[: rng.integers(2, 11)] for c in cats
            if (n := rng.choice([0, 0, 0, 1, 1, 2, 2, 3, 4, 6, 11])) > 0]
    table = pd.DataFrame(rows, columns=["area", "cat", "n"])
    if table.empty:
        return
    marks = privacy.protect_table(table, ["area", "cat"])
    assert all(m in (SMALL, WITHHELD) for n, m in zip(table["n"], marks) if n < L)
    margins = published_margins(table, ["area", "cat"])
    for i, m in enumerate(marks):
        if m == SMALL:
            assert lp_range(table, marks, margins, i) == (1, 2), table.assign(m=marks)


def test_ties_are_broken_by_name_not_by_order():
    """The same counts listed in another order hide the same part (pages and downloads
    list areas differently; two choices together would give the "<3" away)."""
    values = pd.Series([2, 5, 5, 9], index=["b", "x", "a", "c"])
    marks = privacy.protect_series(values)
    again = privacy.protect_series(values[::-1])
    assert marks.to_dict() == again.to_dict()
    assert marks["a"] == HIDDEN and marks["x"] == SHOWN
    table = pd.DataFrame({"area": values.index, "n": values.to_numpy()})
    assert privacy.protect_table(table.iloc[::-1], ["area"]) == again.tolist()


def test_mark_of_reads_a_rows_mark_or_falls_back_to_the_primary_one():
    row = {"current": 7, "current_mark": HIDDEN, "previous": 2}
    assert privacy.mark_of(row, "current") == HIDDEN
    assert privacy.mark_of(row, "previous") == SMALL
    assert privacy.mark_of(row, "current", limit=0) == SHOWN
