"""The wording rules (issue 14, item 5), case by case, and that the report, the
Årsuppföljning rows and the cards follow them."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.evaluation import followup, report, wording
from est_data.evaluation import summary_sv as sv
from est_data.evaluation.counts import Counts

from unit.evaluation.test_summary_sv import DATE, make

NB = "\u00a0"
CUT = DATE + dt.timedelta(days=199)  # data end 200 days into a 365-day after-window


@pytest.mark.parametrize("low, high, expected", [
    (0.4, 0.9, "decrease"),
    (1.1, 2.0, "increase"),
    (0.4, 1.2, None),        # crosses no change: nothing is asserted
    (0.8, 1.0, None),        # touching 1 is not excluding it
    (1.0, 1.3, None),
])
def test_claim(low, high, expected):
    assert wording.claim(low, high) == expected


@pytest.mark.parametrize("counts, expected", [
    ((Counts(10, 10),), True),
    ((Counts(10, 9),), False),
    ((Counts(9, 40),), False),
    ((Counts(200, 100), Counts(1000, 5)), False),   # every window of every group
    ((Counts(200, 100), Counts(1000, 1000)), True),
    ((Counts(200, 100), None), False),
])
def test_enough_events(counts, expected):
    assert wording.enough_events(*counts) == expected


@pytest.mark.parametrize("name, ev, counts, ratio, expected", [
    ("whole window, enough", make((200, 100), (1000, 1000)), Counts(200, 100), 0.5, "-50 %"),
    ("3 -> 5 events", make((3, 5), (1000, 1000)), Counts(3, 5), 5 / 3, None),
    ("incomplete window", make((200, 55), (1000, 548), data_last=CUT), Counts(200, 55), 0.5,
     None),
    ("no group", make((200, 100), (1000, 1000)), None, 0.5, None),
])
def test_metric_delta(name, ev, counts, ratio, expected):
    assert wording.metric_delta(ev, counts, ratio) == expected


@pytest.mark.parametrize("name, ev, shown", [
    ("decrease", make((200, 100), (1000, 1000)), True),
    ("no change still has its number", make((100, 95), (1000, 1000)), True),
    ("too few in the target", make((8, 3), (1000, 1000)), False),
    ("incomplete", make((200, 55), (1000, 548), data_last=CUT), False),
    ("no comparison: the model alone", make((200, 100), (1000, 1000), controls=False), True),
])
def test_headline_effect_is_the_model(name, ev, shown):
    effect = wording.headline_effect(ev)
    if not shown:
        assert effect is None
        return
    m = ev.model
    assert effect == pytest.approx((m.effect - 1, m.ci_low - 1, m.ci_high - 1))


@pytest.mark.parametrize("target, control, warned", [
    (Counts(100, 80), Counts(300, 300), False),   # exactly 3 times: no warning
    (Counts(100, 80), Counts(301, 300), True),
    (Counts(23, 11), Counts(780, 840), True),      # Arågränd-like: 34 times
    (Counts(0, 5), Counts(50, 50), True),
])
def test_wdd_warning_when_the_comparison_is_much_larger(target, control, warned):
    text = wording.wdd_warning(target, control)
    assert (text is not None) == warned
    if warned and target.before:
        times = round(control.before / target.before)
        assert f"{times} gånger så många" in text


@pytest.mark.parametrize("name, ev, meaningful", [
    ("established relative decrease", make((200, 100), (1000, 1000), buffer=(200, 160)), True),
    ("relative change not established", make((100, 95), (1000, 1000), buffer=(200, 160)), False),
    ("6 -> 6 events", make((6, 6), (1000, 1300), buffer=(200, 300)), False),
    ("few in the buffer", make((200, 100), (1000, 1000), buffer=(6, 9)), False),
    ("incomplete", make((200, 55), (1000, 548), buffer=(200, 100), data_last=CUT), False),
])
def test_wdq_meaningful(name, ev, meaningful):
    assert wording.wdq_meaningful(ev) == meaningful
    table = report.statistics_table(ev).set_index("Mått")
    value = table.loc["Viktad förflyttningskvot, WDQ", "Värde"]
    assert (value != "–") == meaningful
    if not meaningful:
        assert table.loc["Viktad förflyttningskvot, WDQ", "Förklaring"].startswith("Visas inte")
        assert "Nettoeffekt (mål + buffert)" not in table.index


def test_statistics_table_leads_with_the_model_and_warns_on_wdd():
    ev = make((23, 11), (780, 840))
    table = report.statistics_table(ev)
    assert table.loc[0, "Mått"] == "Effekt enligt modellen (bedömningen)"
    assert table.loc[0, "Värde"] == report.ratio(ev.model.effect)
    wdd = table.set_index("Mått").loc["Viktad förflyttningsdifferens, WDD", "Förklaring"]
    assert "Varning: Jämförelseområdena hade 34 gånger så många" in wdd
    small = report.statistics_table(make((200, 100), (300, 300))).set_index("Mått")
    assert "Varning" not in small.loc["Viktad förflyttningsdifferens, WDD", "Förklaring"]


@pytest.mark.parametrize("name, ev", [
    ("incomplete", make((200, 55), (1000, 548), data_last=CUT)),
    ("3 -> 5 events", make((3, 5), (1000, 1000))),
])
def test_no_percentage_in_rows_reports_or_cards(name, ev):
    res = followup.FocusResult("T", "Målet", DATE, 1, "m1", ev)
    row = followup.followup_table([res]).iloc[0]
    assert "%" not in row["Förändring"] + row["Bedömd förändring"] + row["Bedömning"]
    assert report.counts_table(ev).loc[0, "Förändring"] == "–"
    numbers = followup.followup_numbers([res]).iloc[0]
    assert numbers[["forandring_pct", "ki_lag_pct", "ki_hog_pct"]].isna().all()
    assert wording.metric_delta(ev, ev.target, ev.stats.target_rr.estimate) is None
    text = sv.summary_text(ev)
    assert "minskade med" not in text and "ökade med" not in text


def test_every_row_verdict_starts_with_the_json_verdicts_label():
    for ev in (make((200, 100), (1000, 1000)), make((50, 100), (1000, 1000)),
               make((100, 95), (1000, 1000)), make((8, 3), (1000, 1000)),
               make((200, 55), (1000, 548), data_last=CUT)):
        label = wording.VERDICT_LABELS[ev.verdict]
        assert sv.verdict(ev).startswith(label)
        head = sv.verdict_sentence(ev)
        assert head.startswith(label) or head.startswith(f"Bedömning: {label.lower()}")
