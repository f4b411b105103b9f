"""Walks and findings: recorded, audited, a fixed finding becomes a measure, the meeting
view's counts follow."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.measures.store import list_interventions
from est_data.store.db import open_db
from est_data.walks import store
from est_data.walks.model import WalkError
import base64
import re

from est_data.walks.report import walk_report_body, walk_report_html

TODAY = dt.date(2026, 11, 30)
WALKED = dt.date(2026, 11, 2)


def walk_with_findings(con):
    walk_id = store.add_walk(con, WALKED, "fokus_kyrkgatan", ["kommun", "ostersundshem"],
                             "Kvällsvandring", "admin", today=TODAY)
    dark = store.add_finding(con, walk_id, "mork_plats", 63.1793, 14.6370, "kommun",
                             "Trasig lampa vid gångvägen, ring 070-123 45 67", "admin")
    bush = store.add_finding(con, walk_id, "buskage", 63.1790, 14.6360, "ostersundshem",
                             "", "admin")
    lock = store.add_finding(con, walk_id, "las", 63.1791, 14.6355, "ostersundshem",
                             "Porten går inte i lås", "admin")
    return walk_id, dark, bush, lock


def test_walk_findings_and_fix_becomes_a_measure(demo_db):
    with open_db(demo_db) as con:
        walk_id, dark, bush, lock = walk_with_findings(con)
        assert store.fixed_since(con, WALKED) == 0
        assert list(store.open_findings(con)["finding_id"]) == [dark, bush, lock]
        measures_before = len(list_interventions(con))
        measure_id = store.fix_finding(con, dark, dt.date(2026, 11, 20), "admin", today=TODAY)
        m = list_interventions(con).set_index("intervention_id").loc[measure_id]
        assert len(list_interventions(con)) == measures_before + 1
        assert (m["area_id"], m["kind"], m["started_on"], m["actor"]) == (
            "fokus_kyrkgatan", "belysning", dt.date(2026, 11, 20), "Östersunds kommun")
        assert m["lat"] == pytest.approx(63.1793)
        store.dismiss_finding(con, bush, "Privat tomt, inte vår", "admin")
        open_ = store.open_findings(con)
        assert list(open_["finding_id"]) == [lock]
        assert store.fixed_since(con, dt.date(2026, 11, 19)) == 1
        assert store.fixed_since(con, dt.date(2026, 11, 21)) == 0
        findings = store.walk_findings(con, walk_id).set_index("finding_id")
        assert findings.loc[dark, "description"] == "Trasig lampa vid gångvägen, ring [telefon]"
        assert findings.loc[dark, "intervention_id"] == measure_id
        assert list(findings["status"]) == ["atgardad", "avfardad", "oppen"]
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log WHERE action LIKE "
                                             "'walk.%' ORDER BY rowid").fetchall()]
        assert actions == ["walk.add"] + ["walk.finding.add"] * 3 + [
            "walk.finding.fix", "walk.finding.dismiss"]
        with pytest.raises(WalkError, match="redan åtgärdad"):
            store.fix_finding(con, dark, TODAY, "admin", today=TODAY)
        walks = store.list_walks(con)
        assert (walks.loc[0, "findings"], walks.loc[0, "open"]) == (3, 1)


@pytest.mark.parametrize("args, message", [
    ((TODAY + dt.timedelta(days=1), "fokus_kyrkgatan", ["kommun"]), "framtiden"),
    ((WALKED, "nope", ["kommun"]), "Välj ett område"),
    ((WALKED, "fokus_kyrkgatan", []), "vilka aktörer"),
])
def test_bad_walk_is_refused(demo_db, args, message):
    with open_db(demo_db) as con:
        with pytest.raises(WalkError, match=message):
            store.add_walk(con, *args, None, "admin", today=TODAY)
        assert store.list_walks(con).empty


def test_bad_finding_and_fix_are_refused(demo_db):
    with open_db(demo_db) as con:
        walk_id, dark, *_ = walk_with_findings(con)
        with pytest.raises(WalkError, match="typ av brist"):
            store.add_finding(con, walk_id, "ufo", 63.18, 14.63, "kommun", "", "admin")
        with pytest.raises(WalkError, match="Klicka på kartan"):
            store.add_finding(con, walk_id, "skrap", None, None, "kommun", "", "admin")
        with pytest.raises(WalkError, match="utanför kommunen"):
            store.add_finding(con, walk_id, "skrap", 59.33, 18.07, "kommun", "", "admin")
        with pytest.raises(WalkError, match="före vandringen"):
            store.fix_finding(con, dark, WALKED - dt.timedelta(days=1), "admin", today=TODAY)
        with pytest.raises(WalkError, match="varför"):
            store.dismiss_finding(con, dark, "  ", "admin")
        assert len(store.open_findings(con)) == 3


def test_walk_report_has_map_and_table(demo_db):
    with open_db(demo_db) as con:
        walk_id, dark, *_ = walk_with_findings(con)
        store.fix_finding(con, dark, dt.date(2026, 11, 20), "admin", today=TODAY)
        html = walk_report_html(con, walk_id)
    svg = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([^\"]+)", html).group(1)
                           ).decode("utf-8")
    assert "<svg" in svg and svg.count("<circle") == 3 and "<polygon" in svg
    assert "Trygghetsvandring Kyrkgatan, 2026-11-02" in html
    assert "Östersunds kommun, Östersundshem" in html
    assert "Åtgärdad 2026-11-20" in html and html.count("<td>Öppen</td>") == 2
    assert "3 fynd: 2 öppna, 1 åtgärdade, 0 avfärdade." in html
    assert html.startswith("<!doctype html>") and "<title>Trygghetsvandring 2026-11-02" in html


def test_walk_report_preview_styles_only_itself(demo_db):
    with open_db(demo_db) as con:
        walk_id, *_ = walk_with_findings(con)
        body = walk_report_body(con, walk_id)
    css = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", css.replace("@media print{", ""))
                 for s in rule.split(",")]
    assert selectors and all(s.startswith(".walk-report") for s in selectors), selectors


def test_walk_report_escapes_text(demo_db):
    with open_db(demo_db) as con:
        walk_id = store.add_walk(con, WALKED, "fokus_kyrkgatan", ["kommun"], "<b>x</b>",
                                 "admin", today=TODAY)
        store.add_finding(con, walk_id, "annat", 63.18, 14.63, "kommun", "<script>x</script>",
                          "admin")
        html = walk_report_html(con, walk_id)
    assert "<script>x" not in html and "&lt;script&gt;" in html and "<b>x" not in html
