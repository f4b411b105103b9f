"""The "Mått" rows of the verdict: the same numbers as evaluate --json."""
from __future__ import annotations

import datetime as dt

from est_data.evaluation import evaluate as ev_mod
from est_data.evaluation.selection import EvaluationSpec
from est_data.evaluation.verdict_rows import model_rows, ratio_ci


def test_rows_carry_the_verdicts_interval_and_both_placebo_tests(demo_con):
    ev = ev_mod.evaluate(demo_con, EvaluationSpec(("fokus_aragrand",), dt.date(2025, 9, 22),
                                                  categories=("storning", "inbrott")))
    rows = {r["Mått"]: r for r in model_rows(ev)}
    assert list(rows) == ["Effekt enligt modellen (bedömningen)", "Bedömningens intervall",
                          "Placebotest i rummet", "Placebotest i tid"]
    vi, out = ev.verdict_ci, ev_mod.to_json_dict(ev)
    assert ratio_ci(vi.low, vi.high) in rows["Bedömningens intervall"]["Osäkerhet"]
    assert out["model"]["verdict_ci"] == [vi.low, vi.high]
    assert rows["Placebotest i rummet"]["Värde"] == f"plats {ev.placebo.rank} av {ev.placebo.n + 1}"
    low, high = out["placebo"]["time"]["effect_ci"]
    assert ratio_ci(low, high) in rows["Placebotest i tid"]["Osäkerhet"]
