"""A partner whose exports stop is not a drop in crime (issue 14, item 3)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from est_data.evaluation import evaluate as ev_mod, reporting
from est_data.evaluation.selection import EvaluationSpec, windows_for
from est_data.evaluation.summary_sv import caveats
from est_data.store.db import write_session

W = windows_for(dt.date(2025, 1, 1), 365, 365)
D = dt.date


def spans(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "name", "first", "last", "before"])


@pytest.mark.parametrize("rows,first,last,stopped,started", [
    # everyone reports throughout: the database's span
    ([("a", "A", D(2023, 1, 1), D(2026, 6, 1), 50), ("b", "B", D(2023, 2, 1), D(2026, 5, 20), 50)],
     D(2023, 1, 1), D(2026, 6, 1), (), ()),
    # B stopped in the after-window: cut at its last report
    ([("a", "A", D(2023, 1, 1), D(2026, 6, 1), 50), ("b", "B", D(2023, 1, 1), D(2025, 6, 30), 50)],
     D(2023, 1, 1), D(2025, 6, 30), (("B", D(2025, 6, 30)),), ()),
    # a small partner (under 5 % of the before-window) does not cut
    ([("a", "A", D(2023, 1, 1), D(2026, 6, 1), 99), ("b", "B", D(2023, 1, 1), D(2025, 6, 30), 1)],
     D(2023, 1, 1), D(2026, 6, 1), (), ()),
    # a quiet fortnight at the end is not a stop
    ([("a", "A", D(2023, 1, 1), D(2026, 6, 1), 50), ("b", "B", D(2023, 1, 1), D(2026, 5, 18), 50)],
     D(2023, 1, 1), D(2026, 6, 1), (), ()),
    # B started inside the before-window: the span starts with it
    ([("a", "A", D(2023, 1, 1), D(2026, 6, 1), 50), ("b", "B", D(2024, 6, 1), D(2026, 6, 1), 50)],
     D(2024, 6, 1), D(2026, 6, 1), (), (("B", D(2024, 6, 1)),)),
])
def test_reporting_span(rows, first, last, stopped, started):
    span = reporting.reporting_span(spans(*rows), W)
    assert (span.first, span.last, span.stopped, span.started) == (first, last, stopped, started)


def test_a_partner_that_stops_makes_the_after_window_incomplete(demo_db):
    spec = EvaluationSpec(("fokus_kyrkgatan",), dt.date(2025, 10, 6),
                          categories=("storning", "inbrott"))
    with duckdb.connect(str(demo_db), read_only=True) as con:
        whole = ev_mod.evaluate(con, spec)
        big = con.execute("SELECT source FROM incidents WHERE duplicate_of IS NULL "
                          "GROUP BY source ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    assert whole.reporting.stopped == ()
    with write_session(demo_db) as con:  # the biggest partner's exports stop on 2026-03-31
        con.execute("DELETE FROM incidents WHERE source = ? AND occurred_at >= '2026-04-01'",
                    [big])
    with duckdb.connect(str(demo_db), read_only=True) as con:
        cut = ev_mod.evaluate(con, spec)
        name = con.execute("SELECT name FROM actors WHERE source = ?", [big]).fetchone()[0]
    assert cut.reporting.stopped[0][0] == name
    assert cut.data_last <= dt.date(2026, 3, 31) and cut.verdict == "incomplete"
    # Only the reporting days are counted: other partners' later incidents are left out.
    assert cut.target.after < whole.target.after
    assert any(c.startswith(f"{name} har inga rapporter efter") for c in caveats(cut))
