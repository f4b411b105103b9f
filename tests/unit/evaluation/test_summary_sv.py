"""The Swedish summary: table-driven rules (decrease, increase, unchanged, few events,
displacement, seasonality, ...), built from known counts without a database."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from est_data.core import fmt
from est_data.evaluation import evaluate as ev_mod
from est_data.evaluation.counts import Counts
from est_data.evaluation.placebo import Placebo, VerdictInterval
from est_data.evaluation import summary_sv as sv
from est_data.evaluation.selection import MONTH_DAYS, AreaSelection, EvaluationSpec, windows_for

NB = "\u00a0"
DATE = dt.date(2025, 1, 1)


def spread(n: int, bins: int) -> list[int]:
    """``n`` events as evenly as possible over ``bins`` monthly bins (a steady series)."""
    return [n // bins + (1 if k < n % bins else 0) for k in range(bins)]


def make(target, control, buffer=(100, 100), categories=("storning", "inbrott"),
         before_days=365, after_days=365, buffer_mode="neighbours", buffer_areas=None,
         data_last=dt.date(2026, 6, 30), other_measures=None, controls=True):
    """An evaluation assembled from counts: target/control/buffer are (before, after);
    buffer_areas maps an area id to its (before, after) (they must add up to buffer)."""
    spec = EvaluationSpec(("T",), DATE, before_days=before_days, after_days=after_days,
                          categories=categories, buffer=buffer_mode)
    windows = windows_for(DATE, before_days, after_days)
    buffer_areas = buffer_areas or ({"N": buffer} if buffer is not None else {})
    rows = []
    for grp, counts, key in [("target", target, None), ("control", control, None)] + [
            ("buffer", c, k) for k, c in buffer_areas.items()]:
        for period, n, days in zip(("before", "after"), counts, (before_days, after_days)):
            for b, part in enumerate(spread(n, max(1, round(days / MONTH_DAYS)))):
                rows.append({"grp": grp, "period": period, "category": "storning",
                             "buffer_key": key, "bin": b, "n": part})
    selection = AreaSelection(
        targets=("T",), controls=("C",) if controls else (), buffers=tuple(buffer_areas), excluded_focus=(),
        custom=frozenset({"T"}), names={"T": "Målet", "C": "Jämf", **{k: f"Område {k}" for k in buffer_areas}},
        ring_m=None, ring_wkt=None, controls_default=True,
        buffers_default=buffer_mode == "neighbours")
    return ev_mod.assemble(spec, windows, selection, pd.DataFrame(rows),
                           data_first=dt.date(2023, 1, 1), data_last=data_last,
                           measures=pd.DataFrame(), other_measures=other_measures)


# (name, evaluation, fragments that must appear, fragments that must not)
CASES = [
    ("decrease", make((200, 100), (1000, 1000)),
     [f"Störningar och inbrott minskade sammantaget med 50{NB}% (95{NB}% KI ",
      "I jämförelseområdena var nivån i stort sett oförändrad",
      f"Relativt jämförelseområdena är minskningen 50{NB}%",
      "Inga tecken på förflyttning till grannområdena"],
     ["osäkert", "inte statistiskt säkerställd", "Obs:"]),
    ("increase", make((50, 100), (1000, 1000), categories=("inbrott",)),
     [f"Inbrotten ökade med 100{NB}% (95{NB}% KI ", f"Relativt jämförelseområdena är ökningen 100{NB}%"],
     ["minskade"]),
    ("unchanged", make((100, 95), (1000, 1000), categories=("inbrott",)),
     [f"Förändringen av inbrotten i målområdet, −5{NB}%, är inte statistiskt säkerställd",
      "Skillnaden mot jämförelseområdena är inte statistiskt säkerställd"],
     ["Relativt jämförelseområdena är minskningen", "minskade"]),
    ("few events", make((8, 3), (1000, 1000)),
     ["Resultatet är osäkert: målområdet hade bara 8 händelser före och 3 efter"],
     ["minskade med", "Relativt jämförelseområdena"]),
    ("ten is enough", make((20, 10), (1000, 1000)),
     # 10 events are enough for a percentage; the interval crosses zero: no "minskade"
     [f"Förändringen av störningar och inbrott i målområdet, −50{NB}%, är inte statistiskt",
      f"ingen säkerställd förändring relativt jämförelseområdena (−50{NB}%"],
     ["osäkert", "minskade"]),
    ("nothing at all", make((0, 0), (1000, 1000)),
     ["Inga händelser i målområdet"], ["minskade med", "ökade med", "Relativt"]),
    ("everything went down", make((200, 120), (2000, 1200)),
     ["I jämförelseområdena minskade nivån också, med 40", "kan inte säkert tillskrivas insatserna"],
     ["Relativt jämförelseområdena är minskningen"]),
    ("comparison rose", make((200, 100), (1000, 1300)),
     ["I jämförelseområdena ökade nivån med 30"], []),
    ("comparison unclear", make((200, 100), (50, 60)),
     ["I jämförelseområdena ändrades nivån inte säkerställt (+20"], ["i stort sett"]),
    ("few in comparison", make((200, 100), (5, 6)),
     ["I jämförelseområdena var händelserna för få (5 före, 6 efter)",
      "Förflyttning till grannområdena kan inte bedömas"], ["Relativt"]),
    ("displacement", make((200, 100), (1000, 1000), buffer=(100, 160)),
     [f"Tecken på förflyttning: i grannområdena ökade nivån med 60{NB}% relativt jämförelseområdena"],
     ["Inga tecken"]),
    ("diffusion", make((200, 100), (1000, 1000), buffer=(200, 100)),
     ["I grannområdena minskade nivån med 50", "spred sig dit"], ["Tecken på förflyttning"]),
    ("few in buffer", make((200, 100), (1000, 1000), buffer=(4, 9)),
     ["För få händelser i grannområdena (4 före, 9 efter)"], ["Inga tecken"]),
    ("no buffer", make((200, 100), (1000, 1000), buffer=None, buffer_mode="none"),
     ["Förflyttning har inte undersökts"], []),
    ("one neighbour stands out", make((200, 100), (1000, 1000), buffer=(400, 470),
                                      buffer_areas={"N1": (100, 170), "N2": (100, 100),
                                                    "N3": (100, 100), "N4": (100, 100)}),
     ["I Område N1 ökade nivån dock mer än i jämförelseområdena (+70", "kan tyda på förflyttning dit"],
     ["slump"]),
    ("a neighbour within chance", make((200, 100), (1000, 1000), buffer=(650, 670),
                                       buffer_areas={"N1": (50, 70), **{f"M{i}": (100, 100) for i in range(6)}}),
     [], ["ökade nivån dock"]),
    ("all categories", make((200, 100), (1000, 1000), categories=()),
     [f"Händelserna minskade med 50{NB}%"], ["sammantaget"]),
]


@pytest.mark.parametrize("name, ev, present, absent", CASES, ids=[c[0] for c in CASES])
def test_summary_rules(name, ev, present, absent):
    text = sv.summary_text(ev)
    for fragment in present:
        assert fragment in text, f"{name}: missing {fragment!r} in {text!r}"
    for fragment in absent:
        assert fragment not in text, f"{name}: unexpected {fragment!r} in {text!r}"


def test_example_format_from_the_issue():
    # "Inbrotten minskade med 38 % (95 % KI 20–52 %)."
    ev = make((250, 155), (1000, 1000), categories=("inbrott",))
    sentence = sv.target_sentence(ev)
    assert re.fullmatch(rf"Inbrotten minskade med 38{NB}% \(95{NB}% KI \d+–\d+{NB}%\)\.", sentence)
    low, high = (int(v) for v in re.findall(r"KI (\d+)–(\d+)", sentence)[0])
    rr = ev.stats.target_rr
    assert (low, high) == (round((1 - rr.ci_high) * 100), round((1 - rr.ci_low) * 100))


def test_interval_straddling_zero_is_written_with_signs():
    assert sv._interval(-0.30, 0.08) == f"−30 till +8{NB}%"
    assert sv._interval(-0.6, 0.0001) == f"−60 till 0{NB}%"
    assert sv._interval(-0.52, -0.20) == f"20–52{NB}%"


@pytest.mark.parametrize("before, after, warned", [
    (365, 365, False), (730, 730, False), (366, 366, False), (183, 183, True),
    (90, 90, True), (400, 400, True),
])
def test_seasonality_warning(before, after, warned):
    ev = make((200, 100), (1000, 1000), before_days=before, after_days=after,
              data_last=dt.date(2030, 1, 1))
    assert any("årstidsvariationer" in c for c in sv.caveats(ev)) == warned


def test_unequal_windows_and_missing_data_are_flagged():
    ev = make((200, 100), (1000, 1000), before_days=365, after_days=400,
              data_last=dt.date(2026, 12, 31))
    assert "olika långa" in " ".join(sv.caveats(ev))
    # Data up to 2025-12-31: 365 observed days after, as many as before.
    ev = make((200, 100), (1000, 1000), before_days=365, after_days=400,
              data_last=dt.date(2025, 12, 31))
    text = " ".join(sv.caveats(ev))
    assert "olika långa" not in text
    assert "efterperioden slutar 2026-02-04 men data finns bara till 2025-12-31" in text


def test_measures_in_comparison_areas_are_flagged():
    others = pd.DataFrame({"title": ["Kameror vid torget"], "area_name": ["Jämf"]})
    ev = make((200, 100), (1000, 1000), other_measures=others)
    assert any("Kameror vid torget (Jämf)" in c for c in sv.caveats(ev))


@pytest.mark.parametrize("categories, expected", [
    ((), "Händelserna"), (("inbrott",), "Inbrotten"), (("storning",), "Störningarna"),
    (("storning", "inbrott"), "Störningar och inbrott"),
    (("klotter", "skadegorelse", "brand"), "Klotter, skadegörelse och bränder"),
    (("klotter", "skadegorelse", "brand", "stold"), "Händelserna i de valda kategorierna"),
    (("okand_kod",), "Händelserna i kategorin okand_kod"),
])
def test_subject(categories, expected):
    assert sv.subject(categories) == expected


@pytest.mark.parametrize("days, whole", [(365, True), (366, True), (364, True), (730, True),
                                         (1096, True), (363, False), (182, False), (0, False)])
def test_covers_whole_years(days, whole):
    assert sv.covers_whole_years(days) is whole


# --- One row of the Årsuppföljning ---------------------------------------------------------

@pytest.mark.parametrize("evaluation, expected", [
    (make((200, 100), (1000, 1000)), "Minskning, mer än i jämförelseområdena."),
    # the target fell, but no more than the comparison: no decrease is asserted
    (make((200, 100), (1000, 500)), "Ingen säkerställd förändring."),
    (make((50, 100), (1000, 1000)), "Ökning, mer än i jämförelseområdena."),
    (make((50, 100), (500, 1000)), "Ingen säkerställd förändring."),
    (make((100, 95), (1000, 1000)), "Ingen säkerställd förändring."),
    # the target alone is not certain, but against the comparison areas it is
    (make((23, 11), (780, 840)), "Minskning, mer än i jämförelseområdena."),
    (make((200, 100), (1000, 1000), controls=False), "Minskning."),
    (make((8, 3), (1000, 1000)), "Osäkert: för få händelser för en slutsats."),
    (make((0, 0), (1000, 1000)), "Inga händelser under perioderna."),
    (make((200, 100), (1000, 1000), data_last=dt.date(2025, 6, 30)),
     "Efterperioden är inte hel ännu (181 av 365 dagar)."),
])
def test_verdict(evaluation, expected):
    assert sv.verdict(evaluation) == expected


def test_row_texts():
    ev = make((200, 100), (1000, 1000))
    assert re.fullmatch(rf"−50{NB}% \(−61 till −36\)", sv.change_text(ev, ev.target, ev.stats.target_rr))
    assert sv.change_text(ev, ev.control, ev.stats.control_rr).startswith(f"0{NB}% (−")
    # the row's change relative to the comparison is the model's effect (the headline)
    effect = round((ev.model.effect - 1) * 100)
    assert sv.relative_text(ev).startswith(f"{fmt.signed(effect)}{NB}% (")
    few = make((8, 3), (1000, 1000))
    assert sv.change_text(few, few.target, few.stats.target_rr) == "för få händelser"
    assert sv.relative_text(few) == "–"
    assert sv.change_text(ev, Counts(0, 0), ev.stats.target_rr) == "inga händelser"
    cut = make((200, 55), (1000, 548), data_last=DATE + dt.timedelta(days=199))
    assert sv.change_text(cut, cut.target, cut.stats.target_rr) == "–"
    assert sv.relative_text(cut) == "–"


def test_reports_show_counts_of_one_or_two_as_under_three():
    from est_data.evaluation import followup, report

    ev = make((2, 1), (1000, 1000))
    table = report.counts_table(ev)
    assert list(table.loc[0, ["Före", "Efter"]]) == ["<3", "<3"]
    assert list(table.loc[1, ["Före", "Efter"]]) == [f"1{NB}000", f"1{NB}000"]
    row = followup.followup_table([followup.FocusResult("T", "Målet", DATE, 1, "m1", ev)]).iloc[0]
    assert row["Före → efter"] == "<3 → <3"
    assert row["Bedömning"] == "Osäkert: för få händelser för en slutsats."


# --- Incomplete after-windows (issue 14, item 3) ---------------------------------------------

def test_after_window_ending_early_is_incomplete_without_percentages():
    # Data end 200 days into a 365-day after-window: the after-count is low only because
    # the window is not over; exposure counts the 200 observed days, and no percentage.
    ev = make((200, 55), (1000, 548), data_last=DATE + dt.timedelta(days=199))
    assert (ev.before_days_observed, ev.after_days_observed) == (365, 200)
    assert ev.verdict == "incomplete"
    assert ev.stats.target_rr.estimate == pytest.approx((55 / 200) / (200 / 365))
    text = sv.summary_text(ev)
    assert "Efterperioden är inte hel ännu (200 av 365 dagar)" in text
    assert "%" not in text
    assert "minskade" not in text
    assert sv.verdict(ev) == "Efterperioden är inte hel ännu (200 av 365 dagar)."


def test_seasonality_warning_uses_the_observed_lengths():
    # Whole years by the calendar, but only 200 days of the after-window have data.
    ev = make((200, 55), (1000, 548), data_last=DATE + dt.timedelta(days=199))
    assert any("årstidsvariationer" in c for c in sv.caveats(ev))


# --- The placebo test in the verdict (issue 14, item 2) ---------------------------------------

def test_decrease_needs_the_verdict_interval_too():
    ev = make((200, 100), (1000, 1000))
    # One comparison area: no placebo test, so the assumed spread widens the interval.
    assert ev.placebo is None and ev.verdict_ci.assumed and ev.verdict == "decrease"
    common = dict(target=ev.target, model=ev.model, after_days=365, after_days_observed=365)
    narrow = VerdictInterval(0.4, 0.8, 0.1, False)
    wide = VerdictInterval(0.3, 1.2, 0.4, False)
    assert ev_mod.verdict_code(**common, interval=narrow) == "decrease"
    assert ev_mod.verdict_code(**common, interval=wide) == "no_change"
    usual = Placebo(rank=9, n=39, p=9 / 40, effects=(), tau=0.4, ci_low=0.3, ci_high=1.2)
    shown = dataclasses.replace(ev, placebo=usual, verdict_ci=wide, verdict="no_change")
    head = sv.verdict_sentence(shown)
    assert head.startswith("Bedömning: ingen säkerställd förändring. Modellen visar en minskning")
    assert "8 av 39 jämförelseområden" in head
    assert "intervallet −70 till +20\u00a0%" in head
    assert sv.verdict(shown) == (
        "Ingen säkerställd förändring: minskningen håller inte när det räknas in hur mycket "
        "områden utan insats ändras av sig själva (bedömningens intervall −70 till +20\u00a0%; "
        "placebotest, p = 0,23).")
    # A target already falling before the measure (the placebo test in time) is said so.
    vetoed = dataclasses.replace(shown, verdict_ci=narrow)
    assert sv.verdict(vetoed) == ("Ingen säkerställd förändring: målområdet minskade redan "
                                  "före insatsen (placebotest i tid).")


def test_no_change_says_whether_it_is_too_early():
    ev = make((200, 190), (1000, 1000))
    assert ev.verdict == "no_change"
    text = sv.verdict_sentence(ev)
    early = dataclasses.replace(ev, power={**ev.power, "detect_30_now": 0.31})
    assert ("för tidigt eller för få händelser för att säga om insatsen fungerade (chansen "
            "att se en minskning med 30\u00a0% var 31\u00a0%)") in sv.verdict_sentence(early)
    late = dataclasses.replace(ev, power={**ev.power, "detect_30_now": 0.9})
    assert "troligen mindre än så" in sv.verdict_sentence(late)
    assert ("för tidigt" in text) != ("troligen mindre" in text)