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
