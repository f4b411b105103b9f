"""Evaluation plans fixed in advance (issue 14, item 8): stored when a measure is logged,
changed only as a new version with a reason, followed by the Årsuppföljning and the
report; other choices are exploratory."""
from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pytest

from est_data.evaluation import followup, plans, report
from est_data.evaluation.selection import EvaluationError
from est_data.store.db import write_session


def new_measure(db) -> str:
    raw = {"area_id": "fokus_aragrand", "kind": "belysning", "title": "Nya lampor",
           "started_on": "2025-06-01"}
    with write_session(db) as con:
        return plans.add_measure_with_plan(con, raw, user="anna")


def test_demo_measures_have_plans_fixed_when_they_started(demo_con):
    plan = plans.plan_for(demo_con, "demo-01")
    assert plan.fixed and plan.version == 1 and plan.created_by == "demo"
    assert plan.created_at.date() == plan.spec.date == dt.date(2025, 10, 6)
    assert plan.spec.targets == ("fokus_kyrkgatan",)
    assert plan.spec.comparison == "matched" and plan.spec.before_days == 365
    assert plans.plan_line(plan) == "Plan fastställd 2025-10-06 när insatsen loggades (version 1)."


def test_a_logged_measure_gets_its_plan_in_the_same_write(demo_db):
    new_id = new_measure(demo_db)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        plan = plans.plan_for(con, new_id)
        assert plan.version == 1 and plan.created_by == "anna"
        assert plan.spec.date == dt.date(2025, 6, 1)
        assert plan.spec.categories == ("storning", "inbrott")


def test_a_changed_plan_is_a_new_version_with_its_reason(demo_db):
    with write_session(demo_db) as con:
        old = plans.plan_for(con, "demo-01")
        with pytest.raises(EvaluationError) as err:
            plans.change_plan(con, "demo-01", old.spec, "  ")
        assert "Skriv varför" in err.value.sv
        six = dataclasses.replace(old.spec, after_days=183)
        assert plans.change_plan(con, "demo-01", six, "Halvårsavstämning", user="bo") == 2
    with duckdb.connect(str(demo_db), read_only=True) as con:
        history = plans.plan_history(con, "demo-01")
        assert [p.version for p in history] == [1, 2]
        assert history[-1].spec.after_days == 183 and history[-1].reason == "Halvårsavstämning"
        assert plans.plan_line(history[-1]).endswith("(version 2): Halvårsavstämning")


def test_differences_name_every_changed_choice():
    base = plans.EvaluationSpec(("fokus_aragrand",), dt.date(2025, 5, 1),
                                categories=("storning",))
    assert plans.differences(base, base) == []
    other = dataclasses.replace(base, after_days=183, categories=(), controls=("A",))
    diffs = plans.differences(base, other, {"A": "Ruta A"})
    assert diffs == ["period efter: 183 dagar (planen: 365 dagar)",
                     "kategorier: alla (planen: Störning)",
                     "jämförelse: valda områden: Ruta A (planen: matchade jämförelseområden)"]


@pytest.mark.parametrize("plan_given,changed,starts", [
    (True, False, "Plan fastställd"),
    (True, True, "Utforskande utvärdering: avviker från insatsens plan (period före"),
    (False, False, "Utforskande utvärdering: den följer ingen sparad plan"),
])
def test_plan_note(demo_con, plan_given, changed, starts):
    plan = plans.plan_for(demo_con, "demo-01")
    spec = dataclasses.replace(plan.spec, before_days=200) if changed else plan.spec
    assert plans.plan_note(plan if plan_given else None, spec).startswith(starts)


def test_report_names_the_plan_or_says_exploratory(demo_con):
    plan = plans.plan_for(demo_con, "demo-01")
    planned = report.planned_evaluation(demo_con, plan.spec, "demo-01")
    html = report.render_html(planned)
    assert "Plan fastställd 2025-10-06" in html and "(utforskande)" not in html
    assert "<h2>Begrepp</h2>" in html and "Placebotest" in html
    other = dataclasses.replace(plan.spec, after_days=200)
    explored = report.render_html(report.planned_evaluation(demo_con, other, "demo-01"))
    assert "Före/efter-utvärdering (utforskande)" in explored
    assert "period efter: 200 dagar (planen: 365 dagar)" in explored


def test_followup_follows_the_changed_plan(demo_db):
    with write_session(demo_db) as con:
        old = plans.plan_for(con, "demo-01")
        plans.change_plan(con, "demo-01", dataclasses.replace(old.spec, categories=("inbrott",)),
                          "Bara inbrott är målet")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        results = {r.area_id: r for r in followup.focus_followup(con)}
        kyrk = results["fokus_kyrkgatan"]
        assert kyrk.plan.version == 2 and kyrk.evaluation.spec.categories == ("inbrott",)
        table = followup.followup_table(list(results.values())).set_index("Fokusområde")
        assert table.loc["Kyrkgatan", "Plan"].startswith("ändrad ") and "(v2)" in table.loc[
            "Kyrkgatan", "Plan"]
        numbers = followup.followup_numbers(list(results.values())).set_index("fokusomrade")
        assert numbers.loc["Kyrkgatan", "plan_version"] == 2
        html = followup.render_html(list(results.values()))
        assert "(version 2): Bara inbrott är målet" in html
        # Other months than the plan's: no plan is followed.
        assert all(r.plan is None for r in followup.focus_followup(con, months=6))


def test_cli_evaluates_a_measure_by_its_plan_as_the_followup_does(capsys, demo_db):
    import json

    from est_data.cli import main

    assert main(["evaluate", "--db", str(demo_db), "--measure", "demo-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["plan"] == "Plan fastställd 2025-10-06 när insatsen loggades (version 1)."
    with duckdb.connect(str(demo_db), read_only=True) as con:
        kyrk = {r.area_id: r for r in followup.focus_followup(con)}["fokus_kyrkgatan"]
    ev = kyrk.evaluation
    assert out["verdict"] == ev.verdict
    assert out["target"] == {"before": ev.target.before, "after": ev.target.after}
    assert out["model"]["effect"] == pytest.approx(ev.model.effect)


@pytest.mark.parametrize("args,message", [
    (["--measure", "demo-01", "--area", "fokus_kyrkgatan"], "--measure takes its choices"),
    (["--measure", "nope"], "unknown measure: nope"),
    (["--date", "2025-01-01"], "give --area and --date, or --measure ID"),
])
def test_cli_measure_refusals(capsys, demo_db, args, message):
    from est_data.cli import main

    assert main(["evaluate", "--db", str(demo_db), *args]) == 2
    assert message in capsys.readouterr().err
