"""est_data.trends.charts: Swedish labels, measures on every time axis, alerts in the chart."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from est_data.trends import charts, series as trends
from est_data.core.filters import IncidentFilter

D = dt.date


@pytest.fixture(autouse=True)
def validated_figures(monkeypatch):
    """The app skips plotly's (slow) validation; here every figure is validated."""
    monkeypatch.setattr(charts, "figure_of", lambda spec: go.Figure(spec))


def _series(keys=("klotter", "inbrott"), weeks=8, alert_at=None) -> pd.DataFrame:
    """A frame shaped like trends.time_series, weekly from Monday 2 March 2026."""
    rows = []
    for w in range(weeks):
        period = pd.Timestamp(D(2026, 3, 2) + dt.timedelta(weeks=w))
        total = 0
        for i, k in enumerate(keys):
            n = 3 + i + w
            total += n
            rows.append(dict(period=period, key=k, count=n, full_count=n, last_year=n - 1,
                             rolling=n - 0.5, days=7, period_days=7, complete=True,
                             partial=False, expected=2.0, p_value=0.5,
                             alert=(alert_at == (w, k))))
        rows.append(dict(period=period, key=trends.TOTAL_KEY, count=total, full_count=total,
                         last_year=total - 2, rolling=total - 1.0, days=7, period_days=7,
                         complete=True, partial=False, expected=total, p_value=0.5,
                         alert=False))
    return pd.DataFrame(rows)


MEASURES = pd.DataFrame({
    "intervention_id": ["m1", "m2", "m3"], "area_id": ["F1"] * 3, "area_name": ["Fokus"] * 3,
    "kind": ["belysning"] * 3, "title": ["Ny belysning", "Röjning", "Gammal åtgärd"],
    "started_on": [D(2026, 3, 10), D(2026, 4, 20), D(2025, 1, 1)], "ended_on": [None] * 3,
    "actor": ["Kommunen"] * 3,
})
NAMES = {"klotter": "Klotter", "inbrott": "Inbrott"}


@pytest.mark.parametrize("first,last,expected", [
    (D(2026, 3, 2), D(2026, 4, 26), ["v. 10<br>2 mar", "v. 11<br>9 mar"]),
    (D(2025, 11, 1), D(2026, 3, 31), ["nov<br>2025", "dec", "jan<br>2026", "feb", "mar"]),
    (D(2023, 1, 1), D(2026, 12, 31), ["jan<br>2023", "jul", "jan<br>2024"]),
])
def test_time_ticks_are_swedish(first, last, expected):
    _, texts = charts.time_ticks(first, last)
    assert texts[:len(expected)] == expected
    assert len(texts) <= 13


@pytest.mark.parametrize("day,text", [(D(2026, 11, 2), "v. 45 2026 (2–8 nov)"),
                                      (D(2026, 3, 30), "v. 14 2026 (30 mar–5 apr)"),
                                      (D(2025, 12, 29), "v. 1 2026 (29 dec–4 jan)")])
def test_week_labels(day, text):
    assert charts.week_label(day) == text


def test_stacked_figure_has_bars_lines_measures_and_swedish_format():
    fig = charts.time_series_figure(_series(alert_at=(5, "klotter")), "week", NAMES, {},
                                    MEASURES)
    assert fig.layout.separators == ", "
    names = [t.name for t in fig.data]
    assert names[:2] == ["Inbrott", "Klotter"]  # largest first
    assert "Samma period i fjol" in names and "Glidande medel (4 veckor)" in names
    assert "Ovanligt hög nivå" in names
    alert = next(t for t in fig.data if t.name == "Ovanligt hög nivå")
    assert "Klotter: 8 (normalt 2)" in alert.customdata[0]
    # Two measures on the axis (the 2025 one is outside): two dashed lines, one label
    # each (they are six weeks apart) and a legend entry.
    assert len(fig.layout.shapes) == 2
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["<b>Åtgärd 1</b>", "<b>Åtgärd 2</b>"]
    assert "Ny belysning" in fig.layout.annotations[0].hovertext
    assert list(fig.layout.xaxis.ticktext[:1]) == ["v. 10<br>2 mar"]
    assert "Åtgärd (nr i listan)" in names


def test_close_measures_share_a_label():
    close = MEASURES.assign(started_on=[D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12)])
    fig = charts.time_series_figure(_series(), "week", NAMES, {}, close)
    assert [a.text for a in fig.layout.annotations] == ["<b>Åtgärd 1–3</b>"]
    assert len(fig.layout.shapes) == 3


def test_small_multiples_mark_measures_in_every_panel():
    df = _series(keys=("klotter", "inbrott", "stold", "brand"), alert_at=(2, "stold"))
    fig = charts.small_multiples_figure(df, "week", NAMES, {}, MEASURES, columns=3)
    titles = [a.text for a in fig.layout.annotations if a.text.startswith("<b>") and "(" in a.text]
    assert len(titles) == 4 and titles[0].startswith("<b>brand</b>")
    assert len(fig.layout.shapes) == 2 * 4  # two measures × four panels
    assert {s.xref for s in fig.layout.shapes} == {"x", "x2", "x3", "x4"}
    markers = [t for t in fig.data if t.name == "Ovanligt hög nivå" and len(t.x)
               and t.x[0] is not None]
    assert len(markers) == 1 and markers[0].xaxis == "x2"  # stold is the second largest


def test_partial_periods_are_faded_and_explained():
    df = _series()
    df.loc[df["period"] == df["period"].max(), ["partial", "days"]] = (True, 3)
    fig = charts.time_series_figure(df, "week", NAMES, {})
    bar = fig.data[0]
    assert list(bar.marker.opacity)[-1] == 0.45 and list(bar.marker.opacity)[0] == 1.0
    assert "ofullständig: 3 av 7 dagar" in bar.customdata[-1]


def test_real_series_render(demo_con):
    f = IncidentFilter(D(2025, 6, 1), D(2026, 11, 15))
    for grain in ("week", "month"):
        df = trends.time_series(demo_con, f, grain, "category")
        fig = charts.time_series_figure(df, grain, NAMES, trends.series_colors(demo_con),
                                        trends.measures(demo_con))
        assert len(fig.layout.shapes) == 7  # the demo's seven measures
        fig.to_json()


def test_unsplit_series_shows_the_total_as_bars():
    df = _series()
    df = df[df["key"] == trends.TOTAL_KEY]
    fig = charts.time_series_figure(df, "week", {trends.TOTAL_KEY: "Totalt"}, {})
    assert fig.data[0].type == "bar" and fig.data[0].name == "Totalt"
    assert list(fig.data[0].y) == list(df["count"])


def test_the_app_builds_figures_without_validation(monkeypatch):
    monkeypatch.undo()
    fig = charts.time_series_figure(_series(), "week", NAMES, {}, MEASURES)
    assert go.Figure(fig.to_dict()).layout.separators == ", "  # still valid


def test_withheld_numbers_stay_out_of_titles_and_alert_markers():
    """The meeting role's series (est_data.trends.shown): titles from the published totals,
    alert markers naming the series without counts, no bar where a count is hidden."""
    df = _series(alert_at=(2, "inbrott"))
    df.loc[df["key"] == "klotter", "count"] = float("nan")
    df[["full_count", "expected"]] = float("nan")
    small = charts.small_multiples_figure(df, "week", NAMES, {}, totals_text={
        "klotter": "dolt", "inbrott": "<3"})
    titles = {a.text for a in small.layout.annotations if a.text.startswith("<b>")}
    assert titles == {"<b>Klotter</b> (dolt)", "<b>Inbrott</b> (<3)"}
    stack = charts.time_series_figure(df, "week", NAMES, {}, show_rolling=False,
                                      show_last_year=False)
    marker = next(t for t in stack.data if t.name == "Ovanligt hög nivå")
    assert marker.customdata[0].endswith("<br>Inbrott")
    klotter = next(t for t in stack.data if t.name == "Klotter")
    assert all(y is None or y != y for y in klotter.y)
