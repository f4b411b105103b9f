"""Before/after evaluation: planted counts end to end (statistics, CLI --json)."""
from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from est_data import cli
from est_data.evaluation import evaluate as ev_mod
from est_data.evaluation.selection import DEFAULT_CATEGORIES, EvaluationError, EvaluationSpec
from est_data.evaluation.stats import rate_ratio, relative_effect_size

import planted

CATS = ("storning", "inbrott")


def run_json(capsys, db, *args) -> dict:
    code = cli.main(["evaluate", "--db", str(db), *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


# --- Planted counts end to end ---------------------------------------------------------------

def test_planted_counts_and_statistics(pcon):
    ev = ev_mod.evaluate(pcon, EvaluationSpec(("F",), planted.DATE, categories=CATS))
    assert (ev.target.before, ev.target.after) == planted.EXPECTED["target"]
    assert (ev.control.before, ev.control.after) == planted.EXPECTED["control"]
    assert (ev.buffer.before, ev.buffer.after) == planted.EXPECTED["buffer"]
    s = ev.stats
    assert s.target_rr.estimate == pytest.approx(0.5)
    assert s.res.estimate == pytest.approx(2.0)
    assert s.wdd.local_estimate == -30 and s.wdd.local_se == pytest.approx(math.sqrt(410))
    assert s.wdq.wdq == pytest.approx(-0.5)
    # Buffer B rose from 30 to 45 while the comparison stayed flat.
    b = ev.buffer_by_area.set_index("area_id")
    assert (b.loc["B", "before"], b.loc["B", "after"]) == (30, 45)
    assert b.loc["B", "rel_change"] == pytest.approx(0.5)
    assert (b.loc["C", "before"], b.loc["C", "after"]) == (23, 23)
    # Monthly series add up to the counts; the target's index before averages 100.
    m = ev.monthly
    assert m["target"].sum() == 90 and m["control"].sum() == 320
    assert m.loc[m.period == "before", "target_index"].mean() == pytest.approx(100)
    assert m.loc[m.period == "after", "target_index"].mean() == pytest.approx(50)
    assert m.loc[m.period == "after", "control_index"].mean() == pytest.approx(100)
    assert list(ev.measures["intervention_id"]) == ["pl-1"]


def test_cli_json_has_exactly_the_keys_and_known_answers(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365",
                   "--category", "storning", "--category", "inbrott")
    assert list(out) == list(ev_mod.JSON_KEYS)
    assert out["target"] == {"before": 60, "after": 30}
    assert out["control"] == {"before": 160, "after": 160}
    assert out["buffer"] == {"before": 83, "after": 98}
    rr = rate_ratio(60, 30, 365, 365)
    assert out["rate_ratio"] == pytest.approx(0.5)
    assert out["rate_ratio_ci"] == pytest.approx([rr.ci_low, rr.ci_high])
    assert out["p_value"] == pytest.approx(rr.p_value)
    res = relative_effect_size(60, 30, 160, 160)
    assert out["res"] == pytest.approx(2.0)
    assert out["res_ci"] == pytest.approx([res.ci_low, res.ci_high])
    assert out["wdd"] == -30
    assert out["wdd_se"] == pytest.approx(20.248456731)
    assert out["wdd_z"] == pytest.approx(-30 / 20.248456731)
    assert out["wdq"] == pytest.approx(-0.5)


def test_cli_without_category_counts_all_categories(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365")
    assert out["target"] == {"before": 70, "after": 60}
    assert out["control"] == {"before": 160, "after": 160}
    assert out["res"] == pytest.approx((70 * 160) / (60 * 160))


def test_cli_explicit_control_and_buffer(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365", "--category", "storning",
                   "--control", "E", "--buffer", "B")
    assert out["target"] == {"before": 40, "after": 20}
    assert out["control"] == {"before": 60, "after": 60}
    assert out["buffer"] == {"before": 20, "after": 35}
    assert out["wdq"] == pytest.approx((35 / 60 - 20 / 60) / (20 / 60 - 40 / 60))


def test_cli_ring_buffer_counts_only_points_in_the_ring(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365",
                   "--category", "storning", "--category", "inbrott", "--buffer-m", "200")
    assert out["buffer"] == {"before": 15, "after": 15}
    # Comparison: every square that does not reach into the ring (A, B, D, E), without G.
    assert out["control"] == {"before": 80 + 30 + 30 + 80, "after": 80 + 45 + 30 + 80}


def test_statistical_target_includes_its_focus_area(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "C", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365",
                   "--category", "storning", "--category", "inbrott")
    assert out["target"] == {"before": 60 + 20 + 3, "after": 30 + 20 + 3}
    assert out["buffer"] == {"before": 30 + 30, "after": 45 + 30}


def test_focus_area_chosen_as_comparison_counts(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365", "--category", "storning",
                   "--control", "G")
    assert out["control"] == {"before": 40, "after": 0}
    assert out["res"] is None and out["res_ci"] is None
    assert out["wdq"] is None


def test_gap_leaves_out_the_implementation_period(pcon):
    full = ev_mod.evaluate(pcon, EvaluationSpec(("F",), planted.DATE, categories=CATS))
    gapped = ev_mod.evaluate(pcon, EvaluationSpec(("F",), planted.DATE, categories=CATS,
                                                  gap_days=60, after_days=305))
    assert gapped.target.before == full.target.before
    assert gapped.target.after < full.target.after
    assert gapped.windows.after_start == dt.date(2025, 3, 2)


def test_unknown_category_is_an_error(pcon):
    with pytest.raises(EvaluationError, match="unknown category"):
        ev_mod.evaluate(pcon, EvaluationSpec(("F",), planted.DATE, categories=("nope",)))


@pytest.mark.parametrize("args, message", [
    (["--area", "nope", "--date", "2025-01-01"], "unknown area id: nope"),
    (["--area", "F", "--date", "2025-01-01", "--before-days", "-3"], "before_days"),
    (["--area", "F", "--date", "2025-01-01", "--category", "xyz"], "unknown category"),
    (["--area", "F", "--date", "2025-01-01", "--buffer", "B", "--buffer-m", "100"],
     "either --buffer"),
])
def test_cli_bad_input_exits_2_with_one_error_line(capsys, planted_db, args, message):
    code = cli.main(["evaluate", "--db", str(planted_db), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error:") and message in err
    assert "Traceback" not in err


def test_cli_without_json_prints_the_swedish_summary(capsys, planted_db):
    code = cli.main(["evaluate", "--db", str(planted_db), "--area", "F", "--date",
                     "2025-01-01", "--category", "storning", "--category", "inbrott"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Fokus F, insats 2025-01-01" in out
    assert "Störningar och inbrott minskade sammantaget med 50\u00a0%" in out


def test_json_dict_turns_non_finite_values_into_null(pcon):
    ev = ev_mod.evaluate(pcon, EvaluationSpec(("G",), planted.DATE, categories=("storning",),
                                              controls=("E",)))
    out = ev_mod.to_json_dict(ev)
    assert out["target"] == {"before": 40, "after": 0}
    assert out["rate_ratio"] == 0.0
    assert out["res"] is None
    json.dumps(out, allow_nan=False)


# --- The demo finds its planted effect ---------------------------------------------------------

def test_demo_kyrkgatan_drop_and_displacement(demo_con):
    ev = ev_mod.evaluate(demo_con, EvaluationSpec(("fokus_kyrkgatan",), dt.date(2025, 11, 1),
                                                  categories=DEFAULT_CATEGORIES))
    assert ev.stats.target_rr.estimate < 0.8
    assert ev.stats.res.estimate > 1.15
    assert "2380C1220" in ev.selection.buffers
    assert "fokus_aragrand" in ev.selection.excluded_focus
    b = ev.buffer_by_area.set_index("area_id")
    assert b.loc["2380C1220", "rel_change"] > 0.2


# --- Verdict, observed days and the model in --json (issue 14, items 1, 3 and 9) ------------

def test_cli_json_gains_verdict_observed_days_and_model(capsys, planted_db):
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "365",
                   "--category", "storning", "--category", "inbrott")
    # The model finds the planted halving; with two comparison areas there is no placebo
    # test, so the verdict's interval is the model's widened by the assumed spread.
    assert out["placebo"] is None
    assert (out["before_days_observed"], out["after_days_observed"]) == (365, 365)
    m = out["model"]
    assert set(m) == {"effect", "effect_ci", "dispersion", "family", "design", "verdict_ci",
                      "tau", "tau_assumed"}
    assert m["tau_assumed"] is True and m["tau"] == 0.15
    assert m["verdict_ci"][0] < m["effect_ci"][0] and m["verdict_ci"][1] > m["effect_ci"][1]
    assert out["verdict"] == ("decrease" if m["verdict_ci"][1] < 1 else "no_change")
    assert out["comparison"] == {"mode": "all", "areas": ["A", "E"]}  # too few to match
    assert set(out["power"]) == {
        "detect_20_12m", "detect_30_12m", "detect_40_12m", "detect_20_24m", "detect_30_24m",
        "detect_40_24m", "detect_30_now", "months_to_detect_30", "months_to_detect_40",
        "assumed"}
    assert m["family"] == "quasi-poisson" and m["design"] == "did"
    assert m["effect_ci"][0] < m["effect"] < m["effect_ci"][1] < 1
    assert m["effect"] == pytest.approx(0.5, rel=0.05)  # 60 → 30 against a flat comparison


def test_cli_json_after_window_beyond_the_data_is_incomplete(capsys, planted_db):
    # The planted data end on 2026-01-04: 369 of the 565 days after are observed.
    out = run_json(capsys, planted_db, "--area", "F", "--date", "2025-01-01",
                   "--before-days", "365", "--after-days", "565",
                   "--category", "storning", "--category", "inbrott")
    assert out["verdict"] == "incomplete"
    assert out["after_days_observed"] == 369
    t = out["target"]
    assert out["rate_ratio"] == pytest.approx((t["after"] / 369) / (t["before"] / 365))


def test_cli_text_for_an_incomplete_window_has_no_percentage(capsys, planted_db):
    code = cli.main(["evaluate", "--db", str(planted_db), "--area", "F", "--date",
                     "2025-01-01", "--after-days", "565"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Efterperioden är inte hel ännu (369 av 565 dagar)" in text
    assert "%" not in text.split("\n", 2)[2]  # the summary after the headline line


def test_cli_json_has_the_placebo_rank_among_the_demo_comparison_areas(capsys, demo_db, demo_con):
    args = ("--area", "fokus_aragrand", "--date", "2025-11-01", "--category", "storning",
            "--category", "inbrott")
    out = run_json(capsys, demo_db, *args)
    ev = ev_mod.evaluate(demo_con, EvaluationSpec(("fokus_aragrand",), dt.date(2025, 11, 1),
                                                  categories=("storning", "inbrott")))
    assert ev.placebo is not None and ev.placebo.n == len(ev.selection.pool)
    time = out["placebo"].pop("time")
    assert out["placebo"] == {"rank": ev.placebo.rank, "n": ev.placebo.n,
                              "p": pytest.approx(ev.placebo.rank / (ev.placebo.n + 1)),
                              "tau": pytest.approx(ev.placebo.tau),
                              "expected": pytest.approx(ev.placebo.expected),
                              "df": (None if math.isinf(ev.placebo.df)
                                     else pytest.approx(ev.placebo.df))}
    # The placebo test in time: the model at the middle of the before-window.
    assert time["design"] == "did" and time["effect"] == pytest.approx(ev.pre_trend.effect)
    # Matched by default: the eight candidates nearest on before-level and trend.
    assert out["comparison"]["mode"] == "matched" and len(out["comparison"]["areas"]) == 8
    chosen = ev.matching.loc[ev.matching["chosen"], "area_id"].tolist()
    assert out["comparison"]["areas"] == chosen
    assert ev.matching["distance"].is_monotonic_increasing
    everything = run_json(capsys, demo_db, *args, "--comparison", "all")
    assert everything["comparison"]["mode"] == "all"
    assert len(everything["comparison"]["areas"]) == len(ev.selection.pool)
