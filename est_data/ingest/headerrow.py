"""Which row of a table is its header, and which rows at its end are notes.

Partners' exports seldom start with the header: a title ("Östersundshem AB –
Felanmälningar"), an extract date, a blank row or a logo row come first, and notes such
as "Totalt: 123" or "Källa: ..." may follow the data. :func:`find_header` looks at the
first rows of a table (the sample a reader already holds, never the whole file) and
scores each row with two or more filled cells as the header:

- *aligned*: the cells of the rows below it fall in the columns it names;
- *cover*: it names as many columns as the rows below it fill (their modal width);
- *names*: its cells look like names (text, not dates or numbers, short) and differ;
- *contrast*: it is text above columns of dates or numbers;
- *fits*: the row right below it is of its columns' kinds (data, not the real header);
- *known*: its cells are header words :mod:`.headers` knows (one signal among several:
  "Vad;Var;När" or English names are found without it);
- *repeats* (against it): its values come back in the same column below, as a data
  row's category does.

A title is a single filled cell (a merged cell, or text in one cell of a wide row), so
it is never a candidate. A later row wins over an earlier one only by a clear margin
(a header stands above its data; one that leaves some columns unnamed scores little
more than the first data row). When the best row is the first and looks like data
itself (a date above a column of dates, or mostly numbers and no known word), the table
has no header row: the reader then names the columns "kolumn 1", "kolumn 2", ... and
keeps every row, so nothing is lost and the columns can still be mapped by content.

:func:`table_score` says how much a sheet looks like a data table (a workbook's data
sheet is picked by it); :func:`footer_notes` finds the notes below the data, which the
readers turn into rejected rows with :data:`FOOTER_REASON`.

Cells are strings, ``None`` or ``""`` (empty). Pure functions; no I/O.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from est_data.ingest.headers import field_for as _field_for

CANDIDATES = 40   # rows looked at as the header
BELOW = 30        # rows below a candidate that judge it
MARGIN = 1.0      # how much better a later row must score than an earlier one
FOOTER_MAX = 10   # trailing rows that can be notes
FOOTER_REASON = "Anteckning under tabellen (t.ex. summering eller källa), ingen händelse"

Row = Sequence[str | None]
# The known header words (headers.field_for walks every synonym: cache its answers).
field_for = functools.lru_cache(maxsize=8192)(_field_for)

_NUMBER = re.compile(r"[-+\u2212]?\d[\d\s\u00a0]*([.,]\d+)?\s*%?")
_DATE = re.compile(
    r"(\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})([ T].{0,20})?")
_TIME = re.compile(r"(kl\.?\s*)?\d{1,2}[.:]\d{2}([.:]\d{2})?", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_FOOTER_WORD = re.compile(
    r"(totalt?|summa|summering|antal|k\u00e4lla|source|not|notering|anm|anm\u00e4rkning|"
    r"note|notes|sum|count|uttag|utdrag|rapporten|skapad|genererad)\b", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderRow:
    """Where a table starts.

    ``index`` is the header row's index in the rows given, ``None`` when the table has
    none; ``start`` is the first row of the table (the header, or the first data row of
    a table without one), ``None`` when no row has two filled cells. ``reason`` says
    why, in a few English words.
    """

    index: int | None
    start: int | None
    reason: str


def cells(row: Row) -> list[str]:
    """The row's cells as trimmed text ("" for empty)."""
    return ["" if c is None else str(c).strip() for c in row]


@functools.lru_cache(maxsize=4096)
def is_value(text: str) -> bool:
    """A number, date or time (what data holds, not what names a column)."""
    return bool(_NUMBER.fullmatch(text) or _DATE.fullmatch(text) or _TIME.fullmatch(text))


@functools.lru_cache(maxsize=4096)
def is_name(text: str) -> bool:
    """Text that could name a column: letters, not a value, short, and not a label
    ending in a colon ("Skapad:" is a note's key)."""
    return (bool(_LETTER.search(text)) and not is_value(text) and len(text) <= 40
            and len(text.split()) <= 5 and not text.endswith(":"))


def _filled(row: list[str]) -> list[int]:
    return [j for j, c in enumerate(row) if c]


class _Table:
    """The rows as cells, with each row's filled columns worked out once."""

    def __init__(self, rows: Sequence[Row], known: Callable[[str], str | None]):
        table = [cells(r) for r in rows[:CANDIDATES + 2 * BELOW]]
        width = max(map(len, table), default=0)
        self.rows = [r + [""] * (width - len(r)) for r in table]  # one width: r[j] is safe
        self.lower = [[c.lower() for c in r] for r in self.rows]
        self.fills = [_filled(r) for r in self.rows]
        self.nonblank = [i for i, f in enumerate(self.fills) if f]
        memo: dict[str, bool] = {}
        self.known = lambda t: memo.setdefault(t, bool(is_name(t) and known(t)))

    def below(self, i: int) -> list[int]:
        """The next :data:`BELOW` non-blank rows after row ``i``."""
        k = bisect.bisect_right(self.nonblank, i)
        return self.nonblank[k:k + BELOW]


def find_header(rows: Sequence[Row],
                known: Callable[[str], str | None] = field_for) -> HeaderRow:
    """The header row among the first :data:`CANDIDATES` rows, scored as the module
    docstring says."""
    t = _Table(rows, known)
    candidates = [i for i in t.nonblank if i < CANDIDATES and len(t.fills[i]) >= 2]
    if not candidates:
        return HeaderRow(None, None, "no row has two filled cells")
    best, (score, parts) = candidates[0], _score(t, candidates[0])
    for i in candidates[1:]:
        later = _score(t, i)
        if later[0] > score + MARGIN:  # a header stands above its data: earlier wins ties
            best, (score, parts) = i, later
    if best == candidates[0] and _data_like(t, best, parts):
        return HeaderRow(None, best, "the first row holds values like the rows below it")
    if not parts["below"]:
        return HeaderRow(best, best, "the only row with two filled cells")
    above = sum(1 for i in t.nonblank if i < best)
    why = (f"names {parts['named']:.0%} of its cells, the rows below fill its columns "
           f"({parts['aligned']:.0%})")
    return HeaderRow(best, best, why + (f"; {above} title or note rows above" if above else ""))


def _score(t: _Table, i: int) -> tuple[float, dict]:
    head, cols, below = t.rows[i], t.fills[i], t.below(i)
    parts = {"below": len(below), "named": 0.0, "aligned": 0.0, "cover": 0.0,
             "contrast": 0.0, "known": 0.0, "repeats": 0.0, "distinct": 0.0, "fits": 0.0}
    names = [head[j] for j in cols]
    parts["named"] = sum(map(is_name, names)) / len(cols)
    parts["distinct"] = len({n.lower() for n in names}) / len(cols)
    parts["known"] = sum(map(t.known, names)) / len(cols)
    if below:
        total = sum(len(t.fills[b]) for b in below)
        named = set(cols)
        inside = sum(len(named.intersection(t.fills[b])) for b in below)
        parts["aligned"] = inside / total
        width = Counter(t.fills[b][-1] + 1 for b in below).most_common(1)[0][0]
        parts["cover"] = min(1.0, len(cols) / width)
        parts["contrast"], parts["repeats"] = _columns(t, i, below)
        parts["fits"] = _fits(t, below)
    score = (3 * parts["aligned"] + 2 * parts["cover"] + 2 * parts["named"]
             + 0.5 * parts["distinct"] + 1.5 * parts["contrast"] + 1.5 * parts["known"]
             + 2 * parts["fits"] - 2 * parts["repeats"])
    return score, parts


def _columns(t: _Table, i: int, below: list[int]) -> tuple[float, float]:
    """The share of row ``i``'s cells that are names above a column of values, and the
    share whose value comes back in its column below."""
    head, cols = t.rows[i], t.fills[i]
    contrast = repeats = 0
    for j in cols:
        filled = [b for b in below if t.rows[b][j]]
        if not filled:
            continue
        values = sum(is_value(t.rows[b][j]) for b in filled)
        contrast += is_name(head[j]) and values >= 0.8 * len(filled)
        repeats += t.lower[i][j] in {t.lower[b][j] for b in filled}
    return contrast / len(cols), repeats / len(cols)


def _fits(t: _Table, below: list[int]) -> float:
    """The share of the first row below whose cells are of their column's kind (a value
    in a column of values, text in a column of text): 1 below a header, less below a
    title standing above the header."""
    first, rest = t.rows[below[0]], [t.rows[b] for b in below[1:]]
    cols = t.fills[below[0]]
    fit = 0
    for j in cols:
        kinds = [is_value(r[j]) for r in rest if r[j]]
        fit += not kinds or (sum(kinds) * 2 >= len(kinds)) == is_value(first[j])
    return fit / len(cols)


def _data_like(t: _Table, i: int, parts: dict) -> bool:
    """The row is data, not a header: no name in it stands above a column of values,
    and it holds a date or time above dates or times, or is mostly numbers with no
    known header word ("Område;2024;2025" is a header)."""
    if not parts["below"] or parts["contrast"]:
        return False
    row, below = t.rows[i], [t.rows[b] for b in t.below(i)]
    values = [c for c in row if c]
    dated = any(_is_when(c) and sum(_is_when(r[j]) for r in below if r[j])
                >= 0.6 * max(1, sum(1 for r in below if r[j]))
                for j, c in enumerate(row) if c)
    return dated or (not parts["known"] and sum(map(is_value, values)) >= 0.5 * len(values))


def _is_when(text: str) -> bool:
    return bool(_DATE.fullmatch(text) or _TIME.fullmatch(text))


def table_score(rows: Sequence[Row], found: HeaderRow,
                known: Callable[[str], str | None] = field_for) -> float:
    """How much the rows look like a data table (to pick a workbook's data sheet): the
    filled cells of the rows below the header that fall in its columns (all of them
    without a header), more for header words :mod:`.headers` knows and twice as much
    with dates in it. 0 without a table."""
    if found.start is None:
        return 0.0
    table = [cells(r) for r in rows]
    below = [r for r in table[found.start + (found.index is not None):]
             if len(_filled(r)) >= 2]
    knew, named = 0.0, None
    if found.index is not None:
        named = set(_filled(table[found.index]))
        names = [table[found.index][j] for j in named]
        knew = sum(1 for t in names if is_name(t) and known(t)) / len(names)
    cover = sum(1 for r in below for j in _filled(r) if named is None or j in named)
    dated = any(_DATE.fullmatch(r[j]) for r in below for j in _filled(r))
    return cover * (1 + knew) * (2 if dated else 1)


def footer_notes(rows: Sequence[Row], width: int, total: int | None = None) -> list[int]:
    """Which of the last rows of a table (``rows``: its last rows, in order, of
    ``total`` data rows) are notes below the data, not data, as indexes into ``rows``:
    rows with one filled cell of text (not a date or number: that is a data row with
    gaps) in a table of three or more columns, or a row that begins with a word such as
    "Totalt", "Summa" or "Källa" and fills at most half the columns (or two). Empty rows between them are passed over and are not notes (the import
    skips them as empty). Among the last :data:`FOOTER_MAX` rows, and never every row."""
    table = [cells(r) for r in rows]
    notes: list[int] = []
    first_kept = len(table)
    for k in range(len(table) - 1, max(len(table) - FOOTER_MAX, 0) - 1, -1):
        filled = _filled(table[k])
        if filled:
            word = bool(_FOOTER_WORD.match(table[k][filled[0]]))
            lone = len(filled) == 1 and width >= 3 and not is_value(table[k][filled[0]])
            if not (lone or (word and len(filled) <= max(2, width / 2))):
                break
            notes.append(k)
        first_kept = k
    if first_kept == 0 and len(table) >= (len(table) if total is None else total):
        return []  # every row would be a note or empty: the table is not data at all
    return sorted(notes)
