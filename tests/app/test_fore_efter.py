"""AppTest of Före/efter: the Årsuppföljning's cards and the detailed evaluation."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from est_data.evaluation import evaluate as ev_mod, followup
from est_data.evaluation.selection import EvaluationSpec

FOLLOWUP_LABEL = "Före → efter"  # the Årsuppföljning's cards, above the detailed evaluation


def downloads(at: AppTest) -> list:
    return [e for e in at.main.get("download_button")]


def detail_metrics(at: AppTest) -> list:
    """The detailed evaluation's tiles (not the Årsuppföljning's cards above them)."""
    return [m for m in at.metric if m.label != FOLLOWUP_LABEL]


def report_downloads(at: AppTest) -> list:
    return [d for d in downloads(at) if "rapporten" in d.proto.label]


def test_fore_efter_defaults(app_db, app_test):
    at = app_test("fore_efter")
    assert not at.exception
    assert at.title[0].value == "Före/efter"
    assert at.session_state["fe_categories"] == ["storning", "inbrott"]
    assert [m.label for m in detail_metrics(at)] == ["Målområdet, före → efter",
                                                     "Jämförelseområdena", "Bufferten"]
    summary = " ".join(m.value for m in at.markdown)
    assert "Sammanfattning" in summary and "jämförelseområdena" in summary
    counts, stats, selection = (t.value for t in at.table)
    assert list(counts["Grupp"])[:2] == ["Målområde", "Jämförelseområden"]
    assert "Relativ effektstorlek, RES" in set(stats["Mått"])
    assert "Arågränd" in set(selection["Värde"])
    assert len(report_downloads(at)) == 1


def test_fore_efter_kyrkgatan_matches_the_evaluation(app_db, app_test):
    at = app_test("fore_efter")
    assert not at.exception
    at.multiselect(key="fe_targets").set_value(["fokus_kyrkgatan"]).run()
    at.selectbox(key="fe_measure").set_value("demo-03").run()  # police presence, 2025-11-01
    assert not at.exception
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        ev = ev_mod.evaluate(con, EvaluationSpec(
            ("fokus_kyrkgatan",), dt.date(2025, 11, 1), categories=("storning", "inbrott")))
    finally:
        con.close()
    tiles = detail_metrics(at)
    assert tiles[0].value == f"{ev.target.before} → {ev.target.after}"
    assert tiles[1].value == f"{ev.control.before} → {ev.control.after}"
    assert any("insats 2025-11-01" in c.value for c in at.caption)


def test_fore_efter_own_date_gap_ring_and_own_areas(app_db, app_test):
    at = app_test("fore_efter")
    assert not at.exception
    at.selectbox(key="fe_measure").set_value("__date__").run()
    at.date_input(key="fe_date").set_value(dt.date(2025, 5, 1))
    at.number_input(key="fe_months").set_value(6)
    at.number_input(key="fe_gap").set_value(14).run()
    assert not at.exception
    assert any("insats 2025-05-01" in c.value and "Efter: 2025-05-15" in c.value
               for c in at.caption)
    assert any("årstidsvariationer" in w.value for w in at.warning)
    at.radio(key="fe_buf_mode").set_value("ring").run()
    at.number_input(key="fe_ring_m").set_value(500).run()
    assert not at.exception
    assert any("ringen 500" in m.value for m in at.markdown)
    at.radio(key="fe_ctrl_mode").set_value("egna").run()
    assert any("Välj minst ett jämförelseområde" in i.value for i in at.info)
    at.multiselect(key="fe_controls").set_value(["2380C1040", "2380C1240"]).run()
    assert not at.exception
    assert len(detail_metrics(at)) == 3


def test_fore_efter_needs_a_target_and_new_targets_get_their_first_measure(app_db, app_test):
    # The first measure's plan is the one the Årsuppföljning follows (issue 14, item 8).
    at = app_test("fore_efter")
    assert not at.exception
    assert at.session_state["fe_measure"] == "demo-04"  # Arågränd, 2025-09-22
    assert not [i for i in at.info if "Årsuppföljningen följer planen" in i.value]
    at.selectbox(key="fe_measure").set_value("demo-07").run()  # a later measure
    assert any("Årsuppföljningen följer planen för områdets första insats (2025-09-22"
               in i.value for i in at.info)
    at.multiselect(key="fe_targets").set_value([]).run()
    assert not at.exception
    assert any("Välj ett målområde" in i.value for i in at.info)
    at.multiselect(key="fe_targets").set_value(["fokus_kyrkgatan"]).run()
    assert at.session_state["fe_measure"] == "demo-01"  # Kyrkgatan, 2025-10-06


def test_followup_cards_and_the_way_to_the_details(app_db, app_test):
    at = app_test("fore_efter")
    assert not at.exception
    cards = [m for m in at.metric if m.label == FOLLOWUP_LABEL]
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        expected = followup.followup_table(followup.focus_followup(con))
    finally:
        con.close()
    assert len(cards) == len(expected) > 1
    assert [c.value for c in cards] == list(expected["Före → efter"])
    assert [d.proto.label for d in downloads(at)][:2] == [
        "Ladda ner årsuppföljningen (HTML, för utskrift)", "Tabellen (CSV)"]
    bold = [m.value for m in at.markdown if m.value.startswith("**") and "." in m.value]
    assert all(f"**{v}**" in bold for v in expected["Bedömning"])
    # "Utvärdera i detalj" on Kyrkgatan: its first measure, 12 months, the standard categories.
    at.session_state["fe_months"] = 24
    at.button(key="fe_followup_fokus_kyrkgatan").click().run()
    assert not at.exception
    assert at.session_state["fe_targets"] == ["fokus_kyrkgatan"]
    assert at.session_state["fe_measure"] == "demo-01"
    assert at.session_state["fe_months"] == 12
    assert any("Kyrkgatan, insats 2025-10-06" in c.value for c in at.caption)
    assert detail_metrics(at)[0].value == cards[1].value


def test_filter_state_survives_a_visit_to_the_evaluation_pages(app_db, app_test):
    at = app_test()
    at.sidebar.multiselect(key="f_categories").set_value(["klotter"]).run()
    at.switch_page("pages/fore_efter.py").run()
    at.switch_page("pages/insatser.py").run()
    at.switch_page("pages/oversikt.py").run()
    assert not at.exception
    assert at.session_state["f_categories"] == ["klotter"]


@pytest.mark.parametrize("role", ["analytiker", "admin"])
def test_analysts_and_admins_evaluate(app_db, app_test, role):
    at = app_test("fore_efter", role=role)
    assert not at.exception
    assert len(detail_metrics(at)) == 3 and len(report_downloads(at)) == 1


# --- One verdict everywhere (issue 14, items 1 and 9) ----------------------------------------

def json_of(app_db, capsys, area: str, date: dt.date, after_days: int = 365) -> dict:
    """``evaluate --json`` for the page's choices (standard categories, 12 months)."""
    import json

    from est_data.cli import main

    capsys.readouterr()
    assert main(["evaluate", "--db", str(app_db), "--area", area, "--date", date.isoformat(),
                 "--after-days", str(after_days), "--category", "storning",
                 "--category", "inbrott", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def summary_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Bedömning")
                or m.value.startswith("Efterperioden"))


def pct(share: float) -> str:
    """The percent as the texts write it, ``−56``, from a change as a share."""
    from est_data.core import fmt

    return fmt.signed(round(share * 100))


@pytest.mark.parametrize("area, index, first", [
    ("fokus_aragrand", 0, dt.date(2025, 9, 22)),
    ("fokus_kyrkgatan", 1, dt.date(2025, 10, 6)),
])
def test_card_detail_and_json_say_the_same(app_db, app_test, capsys, area, index, first):
    from est_data.evaluation.wording import VERDICT_LABELS

    data = json_of(app_db, capsys, area, first)
    label = VERDICT_LABELS[data["verdict"]]
    at = app_test("fore_efter")
    assert not at.exception
    verdicts = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith(".**")]
    figures = [m.value for m in at.markdown if m.value.startswith("Förändring:")]
    assert verdicts[index].startswith(f"**{label}")
    at.button(key=f"fe_followup_{area}").click().run()
    assert not at.exception
    detail = summary_text(at)
    assert detail.startswith(f"Bedömning: {label.lower()}")
    if data["verdict"] in ("uncertain", "incomplete"):
        assert figures[index].endswith("Bedömd förändring (modell): –")
        assert "%" not in detail.split("\n\n")[0]
    else:  # the model's effect: the same number on the card, in the summary and in the json
        effect = pct(data["model"]["effect"] - 1)
        assert f"Bedömd förändring (modell): {effect}\u00a0%" in figures[index]
        assert f"{effect.lstrip('−+')}\u00a0%" in detail.split("\n\n")[0]


def test_incomplete_after_window_gives_no_percentage_anywhere(app_db, app_test, capsys):
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        last = con.execute("SELECT max(occurred_at)::DATE FROM incidents").fetchone()[0]
    finally:
        con.close()
    date = last - dt.timedelta(days=199)  # 200 of 365 days after
    assert json_of(app_db, capsys, "fokus_aragrand", date)["verdict"] == "incomplete"
    at = app_test("fore_efter")
    at.selectbox(key="fe_measure").set_value("__date__").run()
    at.date_input(key="fe_date").set_value(date).run()
    assert not at.exception
    detail = summary_text(at)
    assert detail.startswith("Efterperioden är inte hel ännu (200 av 365 dagar)")
    assert "%" not in detail
    assert [m.delta for m in detail_metrics(at)] == ["", "", ""]  # no delta shown
    counts = at.table[0].value
    assert set(counts["Förändring"]) == {"–"}


# --- The plan fixed in advance, matching and power (issue 14, items 2, 4 and 8) --------------

def warnings_text(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_measure_is_evaluated_by_its_plan_until_the_evaluator_leaves_it(app_db, app_test):
    at = app_test("fore_efter")
    assert not at.exception
    measure = at.session_state["fe_measure"]
    assert at.toggle(key=f"fe_follow_{measure}").value is True
    assert at.number_input(key="fe_months").disabled
    assert any(c.value.startswith("Plan fastställd") for c in at.caption)
    assert "Utforskande" not in warnings_text(at)
    # Leaving the plan: the choices open, and a change is labelled exploratory.
    at.toggle(key=f"fe_follow_{measure}").set_value(False).run()
    assert not at.exception and not at.number_input(key="fe_months").disabled
    assert "Utforskande" not in warnings_text(at)  # still the plan's choices
    at.number_input(key="fe_months").set_value(6).run()
    assert not at.exception
    text = warnings_text(at)
    assert "Utforskande utvärdering: avviker från insatsens plan" in text
    assert "period före: 183 dagar (planen: 365 dagar)" in text


def test_an_admin_saves_a_changed_plan_with_its_reason(app_db, app_test):
    at = app_test("fore_efter", role="admin")
    measure = at.session_state["fe_measure"]
    at.toggle(key=f"fe_follow_{measure}").set_value(False).run()
    at.number_input(key="fe_months").set_value(24).run()
    at.button(key="fe_plan_save").click().run()  # no reason: refused
    assert any("Skriv varför planen ändras" in e.value for e in at.error)
    at.text_input(key="fe_plan_reason").set_value("Två år ger säkrare svar").run()
    at.button(key="fe_plan_save").click().run()
    assert not at.exception
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        version, reason, before = con.execute(
            "SELECT version, reason, before_days FROM evaluation_plans WHERE intervention_id = ? "
            "ORDER BY version DESC LIMIT 1", [measure]).fetchone()
        logged = con.execute("SELECT count(*) FROM audit_log WHERE action = "
                             "'evaluation.change_plan'").fetchone()[0]
    finally:
        con.close()
    assert (version, reason, before) == (2, "Två år ger säkrare svar", 730)
    assert logged == 1
    assert any("(version 2): Två år ger säkrare svar" in c.value for c in at.caption)


def test_analysts_cannot_change_a_plan(app_db, app_test):
    at = app_test("fore_efter", role="analytiker")
    measure = at.session_state["fe_measure"]
    at.toggle(key=f"fe_follow_{measure}").set_value(False).run()
    at.number_input(key="fe_months").set_value(6).run()
    assert "Utforskande" in warnings_text(at)
    assert not [b for b in at.button if b.key == "fe_plan_save"]


def test_matching_power_and_terms_are_shown(app_db, app_test):
    at = app_test("fore_efter")
    tables = [t for t in at.dataframe if "Vald" in t.value.columns] + [
        t for t in at.table if "Vald" in getattr(t.value, "columns", [])]
    assert tables and (tables[0].value["Vald"] == "ja").sum() == 8
    assert any("chans att en minskning med 30" in c.value for c in at.caption)
    glossary = [m.value for m in at.markdown if m.value.startswith("- **KI**")]
    assert glossary and "**Placebotest**" in glossary[0]
