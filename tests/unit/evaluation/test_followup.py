"""Årsuppföljning: every focus area from its first measure, the same numbers as a
single evaluation with the same choices."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from est_data.evaluation import evaluate as evm, followup
from est_data.evaluation.selection import EvaluationSpec
from est_data.evaluation.summary_sv import verdict




def test_each_focus_area_from_its_first_measure(demo_con):
    res = followup.focus_followup(demo_con)
    assert [(r.area_id, r.first_measure, r.first_measure_id, r.measures) for r in res] == [
        ("fokus_aragrand", dt.date(2025, 9, 22), "demo-04", 4),
        ("fokus_kyrkgatan", dt.date(2025, 10, 6), "demo-01", 3)]
    first = demo_con.execute("SELECT area_id, min(started_on) FROM interventions "
                             "WHERE area_id LIKE 'fokus_%' GROUP BY 1 ORDER BY 1").fetchall()
    assert [(r.area_id, r.first_measure) for r in res] == first


def test_same_numbers_as_a_single_evaluation(demo_con):
    for r in followup.focus_followup(demo_con):
        spec = EvaluationSpec(targets=(r.area_id,), date=r.first_measure, before_days=365,
                                  after_days=365, categories=("storning", "inbrott"))
        alone = evm.evaluate(demo_con, spec)
        assert (r.evaluation.target, r.evaluation.control) == (alone.target, alone.control)
        assert r.evaluation.stats.target_rr == alone.stats.target_rr


def test_table_in_swedish(demo_con):
    table = followup.followup_table(followup.focus_followup(demo_con))
    assert list(table["Fokusområde"]) == ["Arågränd", "Kyrkgatan"]
    assert list(table["Före → efter"]) == ["23 → 11", "16 → 6"]
    assert list(table["Bedömning"]) == [
        # the model's decrease (interval below zero) is not rare among 16 comparison areas
        "Ingen säkerställd förändring: minskningen håller inte när det räknas in hur mycket "
        "områden utan insats ändras av sig själva (bedömningens intervall −83 till +20\u00a0%; "
        "placebotest, p = 0,06).",
        "Osäkert: för få händelser för en slutsats."]
    assert table.loc[1, "Förändring"] == "för få händelser"


def test_focus_area_without_measures_says_so(demo_db):
    with duckdb.connect(str(demo_db)) as con:
        con.execute("DELETE FROM interventions WHERE area_id = 'fokus_kyrkgatan'")
        res = followup.focus_followup(con)
    kyrk = next(r for r in res if r.area_id == "fokus_kyrkgatan")
    assert kyrk.evaluation is None and kyrk.measures == 0
    assert followup.followup_table(res).iloc[1]["Bedömning"] == "Inga insatser är registrerade i området."


def test_report_has_every_area_escaped_and_prints_alone(demo_db):
    with duckdb.connect(str(demo_db)) as con:
        con.execute("UPDATE areas SET name = '<b>Kyrk</b>gatan' WHERE area_id = 'fokus_kyrkgatan'")
        results = followup.focus_followup(con)
    page = followup.render_html(results, database="est.duckdb",
                                now=dt.datetime(2026, 11, 29, 10, 0))
    assert page.startswith("<!DOCTYPE html>") and "skapad 2026-11-29 10:00" in page
    assert "&lt;b&gt;Kyrk&lt;/b&gt;gatan" in page and "<b>Kyrk</b>" not in page
    assert page.count("<svg") == 2  # one chart per evaluated focus area
    for r in results:
        assert verdict(r.evaluation) in page
    # the overview's change is the model's (the verdict's number), not the RES
    assert "Bedömd förändring" in page and "Relativt jämförelse" not in page
    aragrand = next(r.evaluation for r in results if r.name == "Arågränd")
    assert f"{round((aragrand.model.effect - 1) * 100)}\u00a0%".replace("-", "−") in page
    assert "Metod" in page and "Farrington" in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch when printed


def test_csv_has_numeric_columns_from_the_json_verdict(demo_con):
    results = followup.focus_followup(demo_con)
    numbers = followup.followup_numbers(results)
    for col in ("insatser", "fore", "efter", "dagar_fore_med_data", "dagar_efter_med_data",
                "forandring_pct", "ki_lag_pct", "ki_hog_pct", "placebo_p"):
        assert pd.api.types.is_numeric_dtype(numbers[col]), col
    for r, row in zip(results, numbers.itertuples()):
        data = evm.to_json_dict(r.evaluation)
        assert row.bedomning == data["verdict"]
        assert (row.fore, row.efter) == (data["target"]["before"], data["target"]["after"])
        if data["verdict"] in ("incomplete", "uncertain"):
            assert pd.isna(row.forandring_pct)
        else:
            low, high = data["model"]["effect_ci"]
            assert row.forandring_pct == pytest.approx((data["model"]["effect"] - 1) * 100, abs=0.05)
            assert (row.ki_lag_pct, row.ki_hog_pct) == pytest.approx(
                ((low - 1) * 100, (high - 1) * 100), abs=0.05)
    text = followup.table_csv(results).decode("utf-8-sig").splitlines()
    assert text[0].split(";")[:5] == ["fokusomrade", "forsta_insats", "insatser", "fore", "efter"]
    assert text[1].split(";")[8] == "-60,9"  # Arågränd: the model's −61 %, a number
