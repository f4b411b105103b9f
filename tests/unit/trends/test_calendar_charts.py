"""est_data.trends.calendar_charts: weekday × hour and month-of-year figures."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from est_data.trends import calendar_charts, charts


@pytest.fixture(autouse=True)
def validated_figures(monkeypatch):
    """The app skips plotly's (slow) validation; here every figure is validated."""
    monkeypatch.setattr(charts, "figure_of", lambda spec: go.Figure(spec))


def test_weekday_hour_and_season_figures():
    matrix = pd.DataFrame([(d, h, d * h) for d in range(1, 8) for h in range(24)],
                          columns=["weekday", "hour", "count"])
    fig = calendar_charts.weekday_hour_figure(matrix)
    assert list(fig.data[0].y) == ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
    assert fig.data[0].z[6][23] == 7 * 23 and fig.layout.separators == ", "
    season = pd.DataFrame({"year": [2025] * 12 + [2026] * 12, "month": list(range(1, 13)) * 2,
                           "count": range(24), "complete": [True] * 18 + [False] * 6})
    fig = calendar_charts.seasonal_figure(season)
    assert [t.name for t in fig.data] == ["2025", "2026"]
    assert len(fig.data[1].x) == 6  # incomplete months left out
    assert list(fig.layout.xaxis.ticktext) == list(charts.MONTHS_SV)


@pytest.mark.parametrize("value, text", [(3.0, "3"), (14.98, "15"), (0.75, "0,8"), (2.5, "2,5"),
                                         (1234.5, "1\u00a0234,5"), (0.0, "0")])
def test_weight_text_whole_or_one_decimal(value, text):
    assert calendar_charts.weight_text(value) == text


def test_weekday_hour_hover_says_shares_and_hidden_cells_say_nothing():
    matrix = pd.DataFrame([(d, h, 0.0) for d in range(1, 8) for h in range(24)],
                          columns=["weekday", "hour", "count"])
    matrix.loc[(matrix["weekday"] == 7) & (matrix["hour"] == 22), "count"] = 3.25
    matrix.loc[(matrix["weekday"] == 1) & (matrix["hour"] == 0), "count"] = float("nan")
    fig = calendar_charts.weekday_hour_figure(matrix)
    assert fig.data[0].customdata[6][22] == "söndag kl. 22–23: 3,2 händelser"
    assert not any(ch.isdigit() for ch in fig.data[0].customdata[0][0].split(":", 1)[1])
    assert fig.data[0].colorbar.tickformat == ",~f"  # no "0" ticks for shares


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_weekday_hour_colours_run_pale_to_dark_as_the_map():
    """Few = pale, many = dark, with the map's own colours; 0 is the palest."""
    from est_data.maps.style import HEAT_GRADIENT

    matrix = pd.DataFrame([(d, h, d * h) for d in range(1, 8) for h in range(24)],
                          columns=["weekday", "hour", "count"])
    trace = calendar_charts.weekday_hour_figure(matrix).data[0]
    scale = [(float(p), c) for p, c in trace.colorscale]
    assert scale[0][0] == 0 and scale[-1][0] == 1
    lum = [_luminance(c) for _, c in scale]
    assert lum == sorted(lum, reverse=True)  # pale first, dark last
    assert [c for _, c in scale] == [c for _, c in sorted(HEAT_GRADIENT.items())]
    assert trace.zmin == 0 and not trace.reversescale
