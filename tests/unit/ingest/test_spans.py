"""Time spans on import (ingest.spans): the end of "between 22.00 and 06.00" is kept in
``occurred_to``; impossible ends are dropped (start kept) and counted."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.ingest import import_file, undo_batch
from est_data.ingest.report import location_table
from est_data.ingest.spans import SPAN_PROBLEMS_SV
from est_data.store.db import connect

from ingest_util import NOW, POLICE_FILE, write

D = dt.datetime
BEFORE, LONG, UNREADABLE = (SPAN_PROBLEMS_SV[k] for k in ("before", "long", "unreadable"))

# Från datum, Från kl, Till datum, Till kl -> occurred_at, occurred_to, dropped end's reason
CASES = [
    ("2025-03-04", "22.00", "2025-03-05", "06.00", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "22.00", "", "06.00", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),  # next day
    ("2025-03-04", "08.00", "", "kl 17.30", D(2025, 3, 4, 8), D(2025, 3, 4, 17, 30), None),
    ("2025-03-04", "22.00-06.00", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "22:00–06:00", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "kl 22-06", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "mellan 22.00 och 06.00", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "Mellan kl 22 och kl 6", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "22.00 - 06.00", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "2200-0630", "", "", D(2025, 3, 4, 22), D(2025, 3, 5, 6, 30), None),
    ("2025-03-04", "13.15 till 13.45", "", "", D(2025, 3, 4, 13, 15), D(2025, 3, 4, 13, 45), None),
    ("4.3.2025", "22.00", "5.3.2025", "06.00", D(2025, 3, 4, 22), D(2025, 3, 5, 6), None),
    ("2025-03-04", "22.00", "2025-03-06", "", D(2025, 3, 4, 22), D(2025, 3, 7), None),  # whole day
    ("2025-03-04", "22.00", "", "", D(2025, 3, 4, 22), None, None),           # an instant
    ("2025-03-04", "22.00", "", "22.00", D(2025, 3, 4, 22), None, None),      # end = start
    ("2025-03-04", "22.00", "2025-03-03", "06.00", D(2025, 3, 4, 22), None, BEFORE),
    ("2025-03-04", "22.00", "2025-03-25", "06.00", D(2025, 3, 4, 22), None, LONG),
    ("2025-03-04", "22.00", "", "sent", D(2025, 3, 4, 22), None, UNREADABLE),
    ("2025-03-04", "22-25", "", "", D(2025, 3, 4, 22), None, UNREADABLE),
    ("2025-03-04", "22.00", "31/13/2025", "06.00", D(2025, 3, 4, 22), None, UNREADABLE),
]
HEAD = "Id;Från datum;Från kl;Till datum;Till kl;Kategori\n"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """All cases in one file, imported once: (report, {id: (occurred_at, occurred_to)})."""
    folder = tmp_path_factory.mktemp("spans")
    lines = [f"S{i};{a};{b};{c};{d};Inbrott\n" for i, (a, b, c, d, *_) in enumerate(CASES)]
    path = write(folder / "spans.csv", HEAD + "".join(lines))
    con = connect(folder / "x.duckdb")
    try:
        report = import_file(con, path, "test", now=NOW, keep_raw=False)
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT source_ref, occurred_at, occurred_to FROM incidents").fetchall()}
    finally:
        con.close()
    return report, rows


@pytest.mark.parametrize("i", range(len(CASES)),
                         ids=[f"{c[1]}|{c[2]}|{c[3]}" for c in CASES])
def test_span_forms(imported, i):
    _, rows = imported
    *_, start, end, _ = CASES[i]
    assert rows[f"S{i}"] == (start, end)


def test_dropped_ends_are_counted_not_rejected(imported):
    report, rows = imported
    assert report.rows_rejected == 0 and len(rows) == len(CASES)
    expected = {}
    for case in CASES:
        if case[-1]:
            expected[case[-1]] = expected.get(case[-1], 0) + 1
    assert report.span_dropped == expected
    assert report.spans == sum(c[5] is not None for c in CASES)
    table = location_table(report)
    assert ("Tidsintervall (från–till)", report.spans) in table.itertuples(index=False, name=None)
    assert any(BEFORE in line for line in report.lines())


def test_file_with_from_and_till_columns_keeps_both_to_the_minute(tmp_path):
    path = write(tmp_path / "inbrott.csv", HEAD +
                 "B1;2025-11-02;21.40;2025-11-03;07.15;Inbrott i källarförråd\n"
                 "B2;2025-11-03;23.05;;05.50;Inbrott i källarförråd\n", "cp1252")
    with connect(tmp_path / "x.duckdb") as con:
        report = import_file(con, path, "bostad", now=NOW, keep_raw=False)
        assert report.mapping == {"ref": "Id", "date": "Från datum", "time": "Från kl",
                                  "end_date": "Till datum", "end_time": "Till kl",
                                  "category": "Kategori"}
        rows = con.execute("SELECT source_ref, strftime(occurred_at, '%Y-%m-%d %H:%M'), "
                           "strftime(occurred_to, '%Y-%m-%d %H:%M') FROM incidents "
                           "ORDER BY 1").fetchall()
    assert rows == [("B1", "2025-11-02 21:40", "2025-11-03 07:15"),
                    ("B2", "2025-11-03 23:05", "2025-11-04 05:50")]


def test_end_in_a_combined_column_and_a_span_in_a_datetime_cell(tmp_path):
    path = write(tmp_path / "t.csv", "Tidpunkt;Till datum och tid;Kategori\n"
                 "2025-03-04 kl 22.00;2025-03-05 kl 06.10;Klotter\n"
                 "2025-03-06 22.00-06.00;;Klotter\n")
    with connect(tmp_path / "x.duckdb") as con:
        import_file(con, path, "test", now=NOW, keep_raw=False)
        rows = con.execute("SELECT occurred_at, occurred_to FROM incidents ORDER BY 1").fetchall()
    assert rows == [(D(2025, 3, 4, 22), D(2025, 3, 5, 6, 10)),
                    (D(2025, 3, 6, 22), D(2025, 3, 7, 6))]


def test_a_changed_end_is_an_update(tmp_path):
    first = write(tmp_path / "a.csv", HEAD + "U1;2025-03-04;22.00;;06.00;Inbrott\n")
    second = write(tmp_path / "b.csv", HEAD + "U1;2025-03-04;22.00;;07.30;Inbrott\n")
    with connect(tmp_path / "x.duckdb") as con:
        import_file(con, first, "test", now=NOW, keep_raw=False)
        again = import_file(con, first, "test", now=NOW, keep_raw=False)
        changed = import_file(con, second, "test", now=NOW, keep_raw=False)
        assert (again.rows_unchanged, changed.rows_updated) == (1, 1)
        assert con.execute("SELECT occurred_to FROM incidents").fetchall() == [(D(2025, 3, 5, 7, 30),)]
        assert con.execute("SELECT occurred_to FROM incident_history").fetchall() == [
            (D(2025, 3, 5, 6),)]
        undo_batch(con, changed.batch_id)       # the earlier end comes back
        assert con.execute("SELECT occurred_to FROM incidents").fetchall() == [(D(2025, 3, 5, 6),)]


def test_police_feed_has_no_spans(tmp_path):
    with connect(tmp_path / "x.duckdb") as con:
        report = import_file(con, POLICE_FILE, "polisen_handelser", now=NOW, keep_raw=False)
        assert report.rows_new > 0 and report.spans == 0 and report.span_dropped == {}
        assert con.execute("SELECT count(occurred_to) FROM incidents").fetchall()[0][0] == 0


def test_demo_burglaries_found_in_the_morning_import_with_their_span(tmp_path):
    """The demo's Östersundshem export carries its burglaries' spans (Till datum, Till
    klockslag), and its profile brings them in as they were made."""
    from est_data.demo.samples import demo_rows, write_demo_exports

    rows = demo_rows(3000, 11)
    files = write_demo_exports(tmp_path, rows=rows, seed=11, messy=False)
    made = rows[(rows["source"] == "ostersundshem") & rows["occurred_to"].notna()]
    assert len(made) >= 10 and set(made["category"]) == {"inbrott"}
    with connect(tmp_path / "x.duckdb") as con:
        report = import_file(con, files["ostersundshem"], "ostersundshem", now=NOW,
                             keep_raw=False)
        got = dict(con.execute("SELECT source_ref, occurred_to FROM incidents "
                               "WHERE occurred_to IS NOT NULL").fetchall())
    assert report.spans == len(made) and report.span_dropped == {}
    assert got == {ref: end.to_pydatetime() for ref, end in zip(made["source_ref"], made["occurred_to"])}
