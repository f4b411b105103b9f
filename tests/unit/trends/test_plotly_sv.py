"""Plotly's locale in Swedish: every tool-bar word the app's charts show, d3's date words."""
from __future__ import annotations

from est_data.trends import plotly_sv


def test_config_registers_and_uses_the_swedish_locale():
    config = plotly_sv.PLOTLY_CONFIG
    assert config["locale"] == "sv" and config["locales"]["sv"] is plotly_sv.PLOTLY_LOCALE_SV
    words = plotly_sv.PLOTLY_LOCALE_SV["dictionary"]
    for english in ("Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale", "Reset axes",
                    "Download plot as a PNG", "Double-click to zoom back out"):
        assert words[english] and words[english] != english
    fmt = plotly_sv.PLOTLY_LOCALE_SV["format"]
    assert fmt["shortMonths"][4] == "maj" and len(fmt["months"]) == 12
    assert fmt["days"][0] == "söndag" and fmt["shortDays"][1] == "mån"  # d3: Sunday first
    assert fmt["decimal"] == "," and fmt["thousands"] == "\u00a0"
