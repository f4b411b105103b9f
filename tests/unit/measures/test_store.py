"""The log of measures in the database: add/edit/delete in one transaction, reading, totals."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.measures import model, store
from est_data.store.db import open_db
from est_data.store.sqlutil import fetch_value

GOOD = {"area_id": "fokus_kyrkgatan", "kind": "belysning", "title": "Ny belysning",
        "started_on": "2025-10-20"}


def count(db) -> int:
    with open_db(db, read_only=True) as con:
        return fetch_value(con, "SELECT count(*) FROM interventions")


def test_add_edit_delete(demo_db):
    with open_db(demo_db) as con:
        new_id = store.add_intervention(con, {**GOOD, "cost_sek": "120 000", "actor": "Kommunen"})
        row = store.list_interventions(con, ("fokus_kyrkgatan",)).set_index("intervention_id").loc[new_id]
        assert row["cost_sek"] == 120000 and row["area_name"] == "Kyrkgatan"
        assert row["lat"] == pytest.approx(63.1793, abs=0.01)  # the area's centre
        store.update_intervention(con, new_id, {**GOOD, "title": "Ändrad", "ended_on": "2026-01-31"})
        row = store.list_interventions(con).set_index("intervention_id").loc[new_id]
        assert row["title"] == "Ändrad" and row["ended_on"] == dt.date(2026, 1, 31)
        assert store.delete_intervention(con, new_id) is True
        assert store.delete_intervention(con, new_id) is False
        with pytest.raises(model.InterventionError, match="finns inte längre"):
            store.update_intervention(con, new_id, GOOD)
    assert count(demo_db) == 7


def test_invalid_add_stores_nothing(demo_db):
    with open_db(demo_db) as con:
        with pytest.raises(model.InterventionError) as err:
            store.add_intervention(con, {**GOOD, "title": ""})
        assert err.value.messages == ["Titel saknas."]
        with pytest.raises(model.InterventionError, match="finns redan"):
            store.add_intervention(con, {**GOOD, "intervention_id": "demo-01"})
    assert count(demo_db) == 7


def test_list_filters_by_area_and_activity(demo_con):
    all_rows = store.list_interventions(demo_con)
    assert len(all_rows) == 7 and list(all_rows["started_on"]) == sorted(all_rows["started_on"])
    kyrk = store.list_interventions(demo_con, ("fokus_kyrkgatan",))
    assert set(kyrk["area_id"]) == {"fokus_kyrkgatan"} and len(kyrk) == 3
    # Active in May 2026: the police presence ended 2026-04-30.
    active = store.list_interventions(demo_con, ("fokus_kyrkgatan",), dt.date(2026, 5, 1),
                                   dt.date(2026, 5, 31))
    assert "polisnärvaro" not in set(active["kind"]) and len(active) == 2
    before = store.list_interventions(demo_con, (), None, dt.date(2025, 9, 30))
    assert list(before["intervention_id"]) == ["demo-04"]


def test_display_table_and_totals(demo_con):
    df = store.list_interventions(demo_con)
    table = store.display_table(df)
    assert list(table.columns[:3]) == ["Start", "Slut", "Område"]
    assert "pågår" in set(table["Slut"]) and "450\u00a0000" in set(table["Kostnad (kr)"])
    totals = store.log_totals(df, today=dt.date(2026, 6, 1))
    assert totals["count"] == 7 and totals["ongoing"] == 6
    assert totals["cost_sek"] == 35000 + 450000 + 260000 + 820000 + 180000
