"""Charts of an evaluation: monthly counts, target against comparison, indexed.

Both charts show the same thing: each group's monthly rate as an index (its mean
before the measure = 100), the measure date (and the implementation gap), the
before/after means, and every measure in the target areas on the time axis.
:func:`plotly_figure` is interactive for the page; :func:`svg_chart` is a static,
self-contained SVG (matplotlib) for the printable report.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import plotly.graph_objects as go

from est_data.core import fmt
from est_data.core.html import esc
from est_data.evaluation.evaluate import Evaluation

TARGET_COLOR = "#1f4e9c"
CONTROL_COLOR = "#8a8a8a"
MEASURE_COLOR = "#2ca02c"
GAP_COLOR = "#f2e6c9"
LABELS = {"target": "Målområde", "control": "Jämförelseområden"}


def _ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


def mean_segments(ev: Evaluation) -> list[dict]:
    """Before/after means in index units: before = 100, after = 100 × rate ratio."""
    w = ev.windows
    out = []
    for group, rr in (("target", ev.stats.target_rr), ("control", ev.stats.control_rr)):
        counts = getattr(ev, group)
        if counts.before == 0:
            continue
        out.append({"group": group, "period": "before", "x0": _ts(w.before_start),
                    "x1": _ts(w.before_end), "y": 100.0})
        out.append({"group": group, "period": "after", "x0": _ts(w.after_start),
                    "x1": _ts(w.after_end), "y": 100.0 * rr.estimate})
    return out


def measures_on_axis(ev: Evaluation) -> pd.DataFrame:
    """Measures in the target areas that started inside the chart's time range."""
    m = ev.measures
    if m is None or m.empty:
        return pd.DataFrame(columns=["started_on", "label"])
    w = ev.windows
    starts = pd.to_datetime(m["started_on"])
    keep = (starts >= _ts(w.before_start)) & (starts < _ts(w.after_end))
    m = m[keep.to_numpy()]
    labels = [f"{fmt.date(r.started_on)} · {r.kind}: {r.title} ({r.area_name})"
              for r in m.itertuples()]
    return pd.DataFrame({"started_on": pd.to_datetime(m["started_on"]).to_numpy(),
                         "label": labels})


def _broken_series(mon: pd.DataFrame, column: str) -> tuple[list, list]:
    """x/y with a gap between the before and after windows, so no line crosses the date."""
    xs: list = []
    ys: list = []
    for period in ("before", "after"):
        part = mon[mon["period"] == period]
        if xs:
            xs.append(None)
            ys.append(None)
        xs += list(part["mid"])
        ys += [None if pd.isna(v) else float(v) for v in part[column]]
    return xs, ys


def _y_top(ev: Evaluation) -> float:
    values = pd.concat([ev.monthly.get("target_index", pd.Series(dtype=float)),
                        ev.monthly.get("control_index", pd.Series(dtype=float))]).dropna()
    return max(150.0, float(values.max()) * 1.08 if len(values) else 150.0)


def plotly_figure(ev: Evaluation) -> go.Figure:
    """Interactive chart for the Före/efter page."""
    mon, w = ev.monthly, ev.windows
    fig = go.Figure()
    top = _y_top(ev)
    if w.gap_days:
        fig.add_vrect(x0=_ts(w.before_end), x1=_ts(w.after_start), fillcolor=GAP_COLOR,
                      opacity=0.7, line_width=0, annotation_text="Genomförande",
                      annotation_position="top left")
    for group, color, dash in (("control", CONTROL_COLOR, "solid"),
                               ("target", TARGET_COLOR, "solid")):
        xs, ys = _broken_series(mon, f"{group}_index")
        _, counts = _broken_series(mon, group)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=LABELS[group],
            line=dict(color=color, width=3 if group == "target" else 2, dash=dash),
            customdata=[[c] for c in counts],
            hovertemplate=(f"{LABELS[group]}<br>%{{x|%Y-%m-%d}}<br>Index %{{y:.0f}}"
                           "<br>%{customdata[0]} händelser<extra></extra>")))
    for seg in mean_segments(ev):
        color = TARGET_COLOR if seg["group"] == "target" else CONTROL_COLOR
        name = f"Medel {'före' if seg['period'] == 'before' else 'efter'}"
        fig.add_trace(go.Scatter(
            x=[seg["x0"], seg["x1"]], y=[seg["y"], seg["y"]], mode="lines",
            line=dict(color=color, width=2, dash="dash"), showlegend=False,
            hovertemplate=f"{LABELS[seg['group']]}: {name.lower()} %{{y:.0f}}<extra></extra>"))
    fig.add_vline(x=_ts(ev.spec.date), line=dict(color="#444", width=2))
    fig.add_annotation(x=_ts(ev.spec.date), y=1, yref="paper", text=f"Insats {fmt.date(ev.spec.date)}",
                       showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=12))
    marks = measures_on_axis(ev)
    if len(marks):
        for start in marks["started_on"]:
            fig.add_vline(x=start, line=dict(color=MEASURE_COLOR, width=1, dash="dot"))
        fig.add_trace(go.Scatter(
            x=marks["started_on"], y=[top * 0.97] * len(marks), mode="markers",
            name="Insatser i målområdet",
            marker=dict(symbol="triangle-down", size=12, color=MEASURE_COLOR),
            text=marks["label"], hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(
        height=420, margin=dict(l=10, r=10, t=40, b=10), separators=", ",
        legend=dict(orientation="h", yanchor="bottom", y=1.06, x=0),
        yaxis=dict(title="Index (medel före = 100)", range=[0, top], rangemode="tozero"),
        xaxis=dict(title=None, tickformat="%Y-%m", hoverformat="%Y-%m-%d"),
        hovermode="closest", plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eee")
    fig.update_yaxes(showgrid=True, gridcolor="#eee")
    return fig


# --- Static SVG for the report ---------------------------------------------------------------

_SVG_HEADER = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<metadata>.*?</metadata>", re.DOTALL)
_SVG_NS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def svg_chart(ev: Evaluation, width_in: float = 9.0, height_in: float = 3.8) -> str:
    """The chart as inline SVG text: no header, no namespace URLs, no external links."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    mon, w = ev.monthly, ev.windows
    with plt.rc_context({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.hashsalt": "est"}):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        try:
            top = _y_top(ev)
            if w.gap_days:
                ax.axvspan(_ts(w.before_end), _ts(w.after_start), color=GAP_COLOR, lw=0,
                           label="Genomförande")
            for group, color, lw in (("control", CONTROL_COLOR, 1.6), ("target", TARGET_COLOR, 2.4)):
                for k, period in enumerate(("before", "after")):
                    part = mon[mon["period"] == period]
                    ax.plot(part["mid"], part[f"{group}_index"], marker="o", ms=3, color=color,
                            lw=lw, label=LABELS[group] if k == 0 else None)
            for seg in mean_segments(ev):
                color = TARGET_COLOR if seg["group"] == "target" else CONTROL_COLOR
                ax.plot([seg["x0"], seg["x1"]], [seg["y"], seg["y"]], ls="--", lw=1.4,
                        color=color)
            ax.axvline(_ts(ev.spec.date), color="#444", lw=1.5)
            ax.annotate(f"Insats {fmt.date(ev.spec.date)}", (_ts(ev.spec.date), top),
                        xytext=(4, -10), textcoords="offset points", fontsize=8)
            marks = measures_on_axis(ev)
            for i, start in enumerate(marks["started_on"]):
                ax.axvline(start, color=MEASURE_COLOR, lw=0.9, ls=":")
                ax.plot([start], [top * 0.93], marker="v", color=MEASURE_COLOR, ms=7,
                        label="Insatser i målområdet" if i == 0 else None)
            ax.set_ylim(0, top)
            ax.set_ylabel("Index (medel före = 100)")
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
            ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2 if len(mon) > 14 else 1))
            ax.tick_params(axis="x", labelrotation=45)
            ax.grid(True, color="#eee")
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), fontsize=8, frameon=False,
                      ncol=4)
            fig.tight_layout()
            buf = io.StringIO()
            fig.savefig(buf, format="svg")
        finally:
            plt.close(fig)
    svg = _SVG_NS.sub("", _SVG_HEADER.sub("", buf.getvalue())).strip()
    title = esc(f"Index per månad, målområde och jämförelseområden kring {fmt.date(ev.spec.date)}")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)
