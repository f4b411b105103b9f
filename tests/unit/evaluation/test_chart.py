"""The charts of an evaluation: the page's plotly figure and the report's inline SVG."""
from __future__ import annotations

from est_data.evaluation import chart as evalchart


def test_plotly_chart_has_both_series_means_and_measures(planted_eval):
    fig = evalchart.plotly_figure(planted_eval)
    names = [t.name for t in fig.data]
    assert "Målområde" in names and "Jämförelseområden" in names
    assert "Insatser i målområdet" in names
    marks = next(t for t in fig.data if t.name == "Insatser i målområdet")
    assert "2025-01-01 · belysning" in marks.text[0]
    means = [t for t in fig.data if t.showlegend is False]
    assert sorted(round(t.y[0]) for t in means) == [50, 100, 100, 100]
    assert fig.layout.xaxis.tickformat == "%Y-%m"


def test_svg_chart_is_inline_and_offline(planted_eval):
    svg = evalchart.svg_chart(planted_eval)
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "http" not in svg and "<!DOCTYPE" not in svg
    assert "Insats 2025-01-01" in svg and "Målområde" in svg
