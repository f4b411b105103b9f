"""Small-count suppression for the meeting role: one rule for every page, tile, table,
tooltip, chart, heat cell and download the ``mote`` role can see (analysts and admins
keep exact numbers: their limit is 0).

A count of one or two incidents at a place, a time or in a category can point at a
person, so outside the EST group's analysts such counts are never shown, and never left
to be worked out from what is shown.

The rule
--------
1. **Primary suppression.** A count of 1 or 2 (under :data:`SUPPRESS_BELOW`) is shown as
   ``"<3"``. Zero is shown: it reveals no one.
2. **Changes.** A difference between two counts (against the previous period, last
   year) is not shown when either count is not shown (:func:`hides`): "<3 → 5, +4"
   would give the small one away. Nor is a rate per 1,000 residents (population is
   public, so rate × population is the count).
3. **Complementary suppression.** Counts that add up to a total the reader can see
   (the parts of a total; the rows and columns of a table whose row, column and grand
   totals appear elsewhere) are protected together. The reader is assumed to know every
   shown count, every total exactly (or as 1-2 when it is itself small), that a
   ``"<3"`` is 1 or 2 and that a count hidden to protect another (``"dolt"``) is at
   least 3. A group is safe when every ``"<3"`` in it could still be 1 and could still
   be 2. Until it is, the smallest shown count that makes it safe (else the largest) is
   hidden as ``"dolt"`` (:func:`protect`); a group that cannot be made safe even with
   every count hidden (two single incidents whose total is "<3") is **withheld**:
   nothing of its breakdown is shown, not even which parts are zero.
4. **Tables** (:func:`protect_table`): a table over several dimensions is protected
   level by level: the grand total, then each one-dimensional margin, then each
   two-dimensional one, ..., each level against every lower level as published. Every
   row and column is made safe with rule 3, then a linear-programming audit (the
   attacker's own method: the smallest and largest value each hidden cell can take given
   all the margins) hides one more cell wherever a ``"<3"`` can still be pinned down.
   For two dimensions the audit is exact (the constraint matrix of a two-way table is
   totally unimodular, so the LP bounds are whole numbers); for more it is the LP
   relaxation, a strong attacker but not the strongest.
5. **Charts** leave hidden counts out of the data sent to the browser
   (:func:`chart_values`), so neither a bar's height nor a hover text shows them; heat
   cells under the limit are not sent at all and the rest are coarsened
   (:func:`est_data.maps.grid.meeting_heat`).

What the rule does not cover: differences between two filters the reader sets (this
week's count with and without one category), between overlapping areas drawn from
different tables (a focus area inside a district is protected against that district
only, see ``est_data.incidents.protect``), and rounding of means. Those need a
query-level defence (noise or a query audit), which this app does not have; the meeting
role's filter is the same on every page, so each page shows the same protected numbers.
"""
from __future__ import annotations

import math
from itertools import combinations
from typing import Sequence

import numpy as np
import pandas as pd

from est_data.core import auth, fmt

SUPPRESS_BELOW = fmt.SUPPRESS_BELOW
SMALL_TEXT = f"<{SUPPRESS_BELOW}"
HIDDEN_TEXT = "dolt"
WITHHELD_TEXT = "–"

# How a count is published.
SHOWN = "shown"        # the exact count
SMALL = "small"        # 1-2, shown as "<3"
HIDDEN = "hidden"      # at least 3, hidden so that a "<3" cannot be worked out ("dolt")
WITHHELD = "withheld"  # the whole breakdown is left out (any count, zero included)


def limit_for(user: auth.User) -> int:
    """The suppression limit of a user: 3 for a role that sees aggregates only (the
    meeting role), 0 (nothing suppressed) for roles that may see single incidents."""
    return 0 if user.can(auth.VIEW_INCIDENTS) else SUPPRESS_BELOW


def primary(value: float, limit: int = SUPPRESS_BELOW) -> str:
    """SMALL for a count of 1 to ``limit`` - 1, else SHOWN (``limit`` 0: always SHOWN)."""
    return SMALL if limit and 0 < value < limit else SHOWN


def mark_of(row, column: str, limit: int = SUPPRESS_BELOW) -> str:
    """How ``row[column]`` is published: the row's ``<column>_mark`` when it has one (and
    there is a ``limit``), else its primary mark."""
    mark = row.get(f"{column}_mark") if hasattr(row, "get") else None
    return mark if limit and isinstance(mark, str) else primary(row[column], limit)


def text(value, mark: str) -> str:
    """What a reader sees for a count published as ``mark``."""
    if mark == SMALL:
        return SMALL_TEXT
    if mark == HIDDEN:
        return HIDDEN_TEXT
    if mark == WITHHELD:
        return WITHHELD_TEXT
    return fmt.num(value)


def hides(*marks: str) -> bool:
    """True when any of the counts is not shown: then nothing derived from them (a
    change, a percentage, a rate) is shown either."""
    return any(m != SHOWN for m in marks)


def chart_values(values: Sequence, marks: Sequence[str]) -> list:
    """``values`` with every count that is not shown replaced by None (no bar, no point,
    no hover text)."""
    return [v if m == SHOWN else None for v, m in zip(values, marks)]


def interval(value: float, mark: str, limit: int = SUPPRESS_BELOW) -> tuple[float, float]:
    """What the reader knows of a count published as ``mark``."""
    if mark == SMALL:
        return 1.0, float(limit - 1)
    if mark == HIDDEN:
        return float(limit), math.inf
    if mark == WITHHELD:
        return 0.0, math.inf
    return float(value), float(value)


def group_safe(values: Sequence[float], marks: Sequence[str], total: tuple[float, float],
               limit: int = SUPPRESS_BELOW) -> bool:
    """Whether every "<3" of a group whose sum the reader knows to lie in ``total`` can
    still be 1 and still be 2 (rule 3 of the module docstring, in closed form)."""
    n_small = sum(m == SMALL for m in marks)
    if not n_small:
        return True
    n_hidden = sum(m == HIDDEN for m in marks)
    shown = sum(v for v, m in zip(values, marks) if m == SHOWN)
    others_lo = (n_small - 1) + n_hidden * limit
    unbounded = n_hidden or WITHHELD in marks
    others_hi = math.inf if unbounded else (n_small - 1) * (limit - 1)
    return total[0] - shown - others_hi <= 1 and total[1] - shown - others_lo >= limit - 1


def secure_group(values: Sequence[float], marks: list[str], total: tuple[float, float],
                 limit: int = SUPPRESS_BELOW, keys: Sequence | None = None) -> list[str] | None:
    """``marks`` with counts hidden ("dolt") until the group is safe; None when no
    choice of hidden counts makes it safe (the group must be withheld). Ties between
    equal counts go to the smallest of ``keys`` (default: position), so the same counts
    are hidden whatever order a page lists them in."""
    marks = list(marks)
    order = [str(k) for k in keys] if keys is not None else list(range(len(values)))
    while not group_safe(values, marks, total, limit):
        shown = sorted((v, order[i], i) for i, (v, m) in enumerate(zip(values, marks))
                       if m == SHOWN and v > 0)
        if not shown:
            return None

        def safe_with(i: int) -> bool:
            return group_safe(values, marks[:i] + [HIDDEN] + marks[i + 1:], total, limit)

        pick = next((i for *_, i in shown if safe_with(i)), shown[-1][-1])
        marks[pick] = HIDDEN
    return marks


def total_interval(total: float, limit: int = SUPPRESS_BELOW) -> tuple[float, float]:
    """What the reader knows of a group's total that is published on its own."""
    return interval(total, primary(total, limit), limit)


def protect(values: Sequence[float], limit: int = SUPPRESS_BELOW,
            total: tuple[float, float] | None = None, keys: Sequence | None = None) -> list[str]:
    """How to publish the parts of a total: SHOWN, SMALL ("<3"), HIDDEN ("dolt"), or all
    WITHHELD. ``total`` is what the reader knows of the sum (default: the sum itself,
    published on its own, so exact unless it is 1-2); ``keys`` name the parts (ties
    between equal counts go to the smallest key, see :func:`secure_group`)."""
    values = [float(v) for v in values]
    if not limit:
        return [SHOWN] * len(values)
    known = total if total is not None else total_interval(sum(values), limit)
    marks = secure_group(values, [primary(v, limit) for v in values], known, limit, keys)
    return marks if marks is not None else [WITHHELD] * len(values)


def protect_series(values: pd.Series, limit: int = SUPPRESS_BELOW) -> pd.Series:
    """:func:`protect` of a Series (its index names the parts), as a Series of marks
    with the same index."""
    marks = protect(values.tolist(), limit, keys=values.index.tolist())
    return pd.Series(marks, index=values.index, dtype=object)


# --- Tables ------------------------------------------------------------------------------

class _Level:
    """One margin of a table (the counts over a subset of its dimensions) and how each
    of its cells is published."""

    def __init__(self, table: pd.DataFrame, dims: tuple[str, ...], value: str):
        self.dims = dims
        if dims:
            grouped = table.groupby(list(dims), sort=True, dropna=False)[value].sum()
            self.keys = [k if isinstance(k, tuple) else (k,) for k in grouped.index]
            self.values = grouped.to_numpy(dtype=float).tolist()
        else:
            self.keys, self.values = [()], [float(table[value].sum())]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.marks: list[str] = []

    def name(self, i: int) -> str:
        """The cell's key as text (a one-dimensional key as its only value), for ties."""
        key = self.keys[i]
        return str(key[0]) if len(key) == 1 else str(key)

    def known(self, i: int, limit: int) -> tuple[float, float]:
        return interval(self.values[i], self.marks[i], limit)

    def members(self, lower: "_Level") -> list[list[int]]:
        """For each cell of ``lower`` (a margin of this level), this level's cells in it."""
        pos = [self.dims.index(d) for d in lower.dims]
        out: list[list[int]] = [[] for _ in lower.keys]
        for i, key in enumerate(self.keys):
            out[lower.index[tuple(key[p] for p in pos)]].append(i)
        return out


def protect_table(table: pd.DataFrame, dims: Sequence[str], value: str = "n",
                  limit: int = SUPPRESS_BELOW) -> list[str]:
    """How to publish each row of ``table`` (one row per non-empty cell of a table over
    ``dims``, the count in ``value``): rule 4 of the module docstring. Every margin of
    the table (each subset of ``dims``) is assumed to be published elsewhere, protected
    the same way, so a table and its margins downloaded together give nothing away."""
    if not limit or table.empty:
        return [SHOWN] * len(table)
    dims = tuple(dims)
    levels: dict[tuple[str, ...], _Level] = {}
    for k in range(len(dims) + 1):
        for sub in combinations(dims, k):
            level = _Level(table, sub, value)
            lower = [levels[s] for j in range(k) for s in combinations(sub, j)]
            level.marks = _protect_level(level, lower, limit)
            levels[sub] = level
    top = levels[dims]
    rows = table[list(dims)].itertuples(index=False, name=None)
    return [top.marks[top.index[tuple(r)]] for r in rows]


def _protect_level(level: _Level, lower: list[_Level], limit: int) -> list[str]:
    """Marks of one level given its lower levels (already published): every group
    (the cells sharing a margin one dimension down) safe, then the LP audit."""
    marks = [primary(v, limit) for v in level.values]
    if not level.dims:
        return marks
    groups = [(parent, level.members(parent)) for parent in lower
              if len(parent.dims) == len(level.dims) - 1]
    changed = True
    while changed:
        changed = False
        for parent, members in groups:
            for j, cells in enumerate(members):
                sub = [marks[i] for i in cells]
                fixed = secure_group([level.values[i] for i in cells], sub,
                                     parent.known(j, limit), limit,
                                     [level.name(i) for i in cells]) or [WITHHELD] * len(sub)
                if fixed != sub:
                    changed = True
                    for i, m in zip(cells, fixed):
                        marks[i] = m
    if len(level.dims) > 1:
        return _audit(level, lower, marks, limit)
    return marks


def _audit(level: _Level, lower: list[_Level], marks: list[str], limit: int) -> list[str]:
    """The attacker's linear program: for each "<3" cell, its least and greatest value
    given every lower level as published. Where one can be pinned down, the first of the
    smallest shown counts beside a hidden one that frees it is hidden too (else the
    smallest in its row or column, or beside any hidden one, and again). Hiding a count only widens what the reader must consider, so
    cells found safe stay safe while more are hidden."""
    system = _System(level, lower, limit)
    for i in range(len(marks)):
        while marks[i] == SMALL and not system.free(marks, i):
            others = [j for j, m in enumerate(marks) if m != SHOWN]
            trial = system.neighbours(marks, others)
            pick = next((j for j in trial[:MAX_TRIALS] if system.free(
                marks[:j] + [HIDDEN] + marks[j + 1:], i)), None)
            if pick is None:
                near = system.neighbours(marks, [i]) or trial
                if not near:  # nothing left to hide: leave the cell's group out
                    for j in system.group_of(i):
                        marks[j] = WITHHELD
                    break
                pick = near[0]
            marks[pick] = HIDDEN
    return marks


#: Candidate cells tried (smallest first) before one is hidden to free a pinned "<3".
MAX_TRIALS = 8


class _System:
    """The margins of one level as linear constraints on its cells: row ``r`` of
    ``matrix`` sums the cells of one lower-level count, which the reader knows to lie in
    ``[lo[r], hi[r]]``."""

    def __init__(self, level: _Level, lower: list[_Level], limit: int):
        rows, lo, hi, self.groups = [], [], [], []
        for parent in lower:
            for p, cells in enumerate(level.members(parent)):
                row = np.zeros(len(level.values))
                row[cells] = 1.0
                rows.append(row)
                known = parent.known(p, limit)
                lo.append(known[0])
                hi.append(known[1])
                if len(parent.dims) == len(level.dims) - 1:
                    self.groups.append(cells)
        self.matrix, self.lo, self.hi = np.array(rows), np.array(lo), np.array(hi)
        self.values = np.array(level.values)
        self.limit = limit

    def group_of(self, i: int) -> list[int]:
        """The cells of the first margin group (one dimension down) holding cell ``i``."""
        return next((cells for cells in self.groups if i in cells), [i])

    def neighbours(self, marks: list[str], cells: list[int]) -> list[int]:
        """Shown non-zero cells sharing a margin group with any of ``cells``, smallest first."""
        wanted, out = set(cells), set()
        for group in self.groups:
            if wanted.intersection(group):
                out.update(j for j in group if marks[j] == SHOWN and self.values[j] > 0)
        return sorted(out, key=lambda j: (self.values[j], j))

    def free(self, marks: list[str], i: int) -> bool:
        """Whether hidden cell ``i`` can still take both 1 and ``limit`` - 1."""
        from scipy.optimize import linprog  # imported when a table is audited (~0.3 s)

        hidden = np.array([m != SHOWN for m in marks])
        part = self._component(hidden, i)
        a = self.matrix[:, part]
        used = a.any(axis=1)
        a = a[used]
        shown = (self.matrix[:, ~hidden] @ self.values[~hidden])[used]
        lo, hi = self.lo[used] - shown, self.hi[used] - shown
        # Every hidden cell of a row touching the component is in the component.
        exact = lo == hi
        finite = ~exact & np.isfinite(hi)
        a_ub = np.vstack([-a[~exact], a[finite]])
        b_ub = np.concatenate([-lo[~exact], hi[finite]])
        bounds = [interval(self.values[j], marks[j], self.limit) for j in np.flatnonzero(part)]
        bounds = [(b0, None if b1 == math.inf else b1) for b0, b1 in bounds]
        c = (np.flatnonzero(part) == i).astype(float)
        kw = dict(A_eq=a[exact] if exact.any() else None, b_eq=lo[exact] if exact.any() else None,
                  A_ub=a_ub if len(b_ub) else None, b_ub=b_ub if len(b_ub) else None,
                  bounds=bounds, method="highs")
        low, high = linprog(c, **kw), linprog(-c, **kw)
        return low.fun <= 1 + 1e-6 and -high.fun >= self.limit - 1 - 1e-6

    def _component(self, hidden: np.ndarray, i: int) -> np.ndarray:
        """The hidden cells linked to ``i`` through constraints (the rest cannot move it)."""
        a = self.matrix[:, hidden]
        index = np.flatnonzero(hidden)
        reach = np.zeros(len(index), dtype=bool)
        reach[np.searchsorted(index, i)] = True
        while True:
            rows = (a[:, reach] > 0).any(axis=1)
            more = (a[rows] > 0).any(axis=0) | reach
            if (more == reach).all():
                break
            reach = more
        part = np.zeros(len(hidden), dtype=bool)
        part[index[reach]] = True
        return part
