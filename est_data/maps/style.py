"""Colours, class breaks and the map legend (our own HTML: branca's legend needs d3
from a CDN). Every text that goes into HTML is escaped here or by the caller."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
import numpy as np

from est_data.core import fmt
from est_data.core.html import esc

#: Sequential blues for areas (ColorBrewer "Blues", 5 classes): the warm colours are
#: kept for heat and hot spots, so both can be on at once.
AREA_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE_COLOR = "#d9d9d9"
#: Diverging blue-grey-red for the change against the previous period (ColorBrewer
#: "RdBu", reversed): fewer is blue, unchanged near white, more is red.
CHANGE_COLORS = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")
#: Heat gradient, light yellow to dark red (ColorBrewer "YlOrRd").
HEAT_GRADIENT = {0.2: "#ffffb2", 0.45: "#fecc5c", 0.65: "#fd8d3c", 0.85: "#f03b20", 1.0: "#bd0026"}
FOCUS_COLOR = "#111111"
MEASURE_COLOR = "#6a1b9a"
LABEL_COLOR = "#222222"
BACKGROUND_NO_TILES = "#f4f2ec"

# Gi* hot spot classes (Swedish, shown in the UI), from hottest to coldest.
HOT_99 = "Signifikant het punkt (99 %)"
HOT_95 = "Signifikant het punkt (95 %)"
HOT_90 = "Signifikant het punkt (90 %)"
NOT_SIGNIFICANT = "Ej signifikant"
COLD_90 = "Signifikant kall punkt (90 %)"
COLD_95 = "Signifikant kall punkt (95 %)"
COLD_99 = "Signifikant kall punkt (99 %)"
#: Ordered hot spot classes of the normal approximation (``inference="normal"``).
HOTSPOT_CLASSES = [HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, COLD_90, COLD_95, COLD_99]
#: The false discovery rate of the map's hot spots, and the classes of the exact test.
HOTSPOT_FDR = 0.10
_FDR_TEXT = f"FDR {round(HOTSPOT_FDR * 100)} %"
#: A cell is tested only when its neighbourhood (the cell and its neighbours) holds at
#: least this many events. Why 5: a "cluster" of fewer events is not something a
#: partner can act on (two or three incidents in adjacent blocks is what a random town
#: looks like), and below it the randomisation distribution is so coarse that a lone
#: event in an empty area is the most extreme value possible. Used by
#: :mod:`est_data.maps.gi_exact` and said in the legend.
MIN_NEIGHBOURHOOD_EVENTS = 5
HOT_FDR = f"Signifikant kluster ({_FDR_TEXT})"
COLD_FDR = f"Signifikant kall fläck ({_FDR_TEXT})"
NOT_TESTED = "Ej prövad (för få händelser i grannskapet)"
HOTSPOT_FDR_CLASSES = [HOT_FDR, NOT_SIGNIFICANT, NOT_TESTED, COLD_FDR]
#: Diverging colours (red = hot, blue = cold), the usual hot spot map scheme.
HOTSPOT_COLORS = {
    HOT_99: "#d7191c",
    HOT_95: "#f07c4a",
    HOT_90: "#fec980",
    NOT_SIGNIFICANT: "#f0f0f0",
    COLD_90: "#c7e6db",
    COLD_95: "#75b8d4",
    COLD_99: "#2c7bb6",
    HOT_FDR: "#d7191c",
    NOT_TESTED: "#f0f0f0",
    COLD_FDR: "#2c7bb6",
}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def safe_color(value: str, default: str = "#888888") -> str:
    """A ``#rrggbb`` colour, or ``default`` (colours come from an editable TOML file and
    end up inside CSS, so anything else is refused)."""
    return value if isinstance(value, str) and _HEX.match(value) else default


@dataclass(frozen=True)
class Classes:
    """Class breaks: value ``v`` falls in the first class with ``v <= upper[i]``."""

    upper: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]

    def color_of(self, value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_VALUE_COLOR
        for limit, color in zip(self.upper, self.colors):
            if value <= limit:
                return color
        return self.colors[-1]


_NICE_STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10)


def _nice(value: float, decimals: int) -> float:
    """Round up to a number a person reads easily (one significant digit, or 1.5/2.5)."""
    if value <= 0:
        return 0.0
    if not decimals:
        value = math.ceil(value)
        if value <= 10:
            return float(value)
    power = 10 ** math.floor(math.log10(value))
    out = next(step * power for step in _NICE_STEPS if value <= step * power + 1e-12)
    return round(out, decimals) if decimals else float(math.ceil(out))


def class_breaks(values, k: int = 5, decimals: int = 0) -> Classes:
    """Up to ``k`` classes from quantiles of the values, rounded up to nice limits.

    ``decimals`` 0 for counts (labels ``0–3``, ``4–5`` ...), 1 for rates.
    Missing values are ignored (they get :data:`NO_VALUE_COLOR`).
    """
    v = np.asarray([x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))],
                   dtype=float)
    top = float(v.max()) if v.size else 0.0
    if top <= 0:
        return Classes((0.0,), (AREA_COLORS[0],), (fmt.num(0, decimals),))
    top = round(top, decimals) if decimals else float(math.ceil(top))
    qs = np.quantile(v, [i / k for i in range(1, k)]) if v.size > 1 else np.array([])
    limits = sorted({_nice(q, decimals) for q in qs if q > 0})
    upper = tuple(lim for lim in limits if lim < top) + (top,)
    step = 10 ** -decimals
    labels = []
    low = 0.0
    for up in upper:
        a, b = fmt.num(low, decimals), fmt.num(up, decimals)
        labels.append(a if a == b else f"{a}–{b}")
        low = round(up + step, decimals)
    # Spread the palette when there are fewer classes than colours.
    idx = np.round(np.linspace(0, len(AREA_COLORS) - 1, len(upper))).astype(int) if len(upper) > 1 \
        else [len(AREA_COLORS) // 2]
    colors = tuple(AREA_COLORS[i] for i in idx)
    return Classes(upper, colors, tuple(labels))


def change_classes(values) -> Classes:
    """Five classes for a change in count against the previous period, diverging
    around zero: at least ``b`` fewer, 1 to ``b``−1 fewer, unchanged, 1 to ``b``−1
    more, at least ``b`` more.

    ``b`` is the median size of the non-zero changes rounded up to a number a person
    reads easily (at least 2), so about half of the areas that changed at all fall in
    the strong classes. Missing values (a change withheld because the counts are too
    small to show) are ignored and get :data:`NO_VALUE_COLOR`.
    """
    v = np.abs(np.asarray([x for x in values if x is not None and not (
        isinstance(x, float) and math.isnan(x))], dtype=float))
    v = v[v > 0]
    b = max(2, int(_nice(float(np.median(v)), 0))) if v.size else 2
    small = fmt.num(1) if b == 2 else f"1–{fmt.num(b - 1)}"
    labels = (f"minst {fmt.num(b)} färre", f"{small} färre", "oförändrat",
              f"{small} fler", f"minst {fmt.num(b)} fler")
    return Classes((-b, -1, 0, b - 1, math.inf), CHANGE_COLORS, labels)


# --- Legend ------------------------------------------------------------------------------

def swatch(color: str, label: str, shape: str = "box") -> str:
    color = safe_color(color)
    if shape == "line":
        mark = f'<span class="est-sw" style="border:3px dashed {FOCUS_COLOR};background:none"></span>'
    elif shape == "diamond":
        mark = f'<span class="est-sw est-dia" style="background:{color}"></span>'
    elif shape == "dot":
        mark = f'<span class="est-sw est-dot" style="background:{color}"></span>'
    elif shape == "hot":
        mark = f'<span class="est-sw" style="background:{color};border:2px solid #7f0000"></span>'
    else:
        mark = f'<span class="est-sw" style="background:{color}"></span>'
    return f'<div class="est-row">{mark}{esc(label)}</div>'


def legend_html(sections: list[tuple[str, list[str]]], note: str | None = None) -> str:
    """The legend box: a heading and rows per section (rows are already HTML)."""
    parts = ['<div class="est-legend">']
    for title, rows in sections:
        parts.append(f'<div class="est-lh">{esc(title)}</div>')
        parts.extend(rows)
    if note:
        parts.append(f'<div class="est-note">{esc(note)}</div>')
    parts.append("</div>")
    return "".join(parts)


def area_rows(classes: Classes, missing: str | None = None, note: str | None = None) -> list[str]:
    """Legend rows of the area colours; ``missing`` labels the grey of areas without a
    value, ``note`` is a small line under them."""
    rows = [swatch(c, lab) for c, lab in zip(classes.colors, classes.labels)]
    if missing:
        rows.append(swatch(NO_VALUE_COLOR, missing))
    if note:
        rows.append(f'<div class="est-note">{esc(note)}</div>')
    return rows


def heat_rows(cell_m: int) -> list[str]:
    stops = ", ".join(f"{safe_color(c)} {int(p * 100)}%" for p, c in HEAT_GRADIENT.items())
    bar = f'<div class="est-grad" style="background:linear-gradient(to right, {stops})"></div>'
    return [bar, '<div class="est-row est-ends"><span>färre</span><span>fler</span></div>',
            f'<div class="est-note">Räknat i rutor om {esc(fmt.num(cell_m))} m.</div>']


def hotspot_rows(cell_m: int | None) -> list[str]:
    """The hot spot legend: one class, and what its threshold means."""
    rows = [swatch(HOTSPOT_COLORS[HOT_FDR], HOT_FDR, "hot")]
    if cell_m:
        rows.append(f'<div class="est-note">Rutor om {esc(fmt.num(cell_m))} m där rutan och '
                    "dess grannrutor har fler händelser än slumpen brukar ge (Getis-Ord Gi*, "
                    f"exakt test). Högst {esc(_FDR_TEXT[4:])} av de markerade rutorna väntas "
                    f"vara slumpfynd ({esc(_FDR_TEXT)}). Rutor med färre än "
                    f"{MIN_NEIGHBOURHOOD_EVENTS} händelser i grannskapet prövas inte.</div>")
    return rows


def category_rows(categories: list[tuple[str, str]]) -> list[str]:
    """``(label, colour)`` per category present among the drawn incidents (two columns)."""
    cells = "".join(swatch(color, label, "dot") for label, color in categories)
    return [f'<div class="est-cols">{cells}</div>']


#: The legend's heading for each area measure.
AREA_TITLES = {"count": "Händelser per område", "rate": "Händelser per 1 000 invånare",
               "change": "Förändring mot föregående period"}


@dataclass(frozen=True)
class LegendFacts:
    """What the legend tells about the map's data (taken from a ``maps.data.MapData``)."""

    area_measure: str
    heat_cell: int | None
    hot_cell: int | None
    municipality_only: int
    #: The count as published (small counts suppressed for the meeting role); "–" when
    #: the split is withheld (then the note never says whether there are any).
    municipality_text: str | None = None


def legend_for(facts: LegendFacts, area_legend: list[str],
               point_legend: list[tuple[str, str]], drawn: set[str]) -> str:
    """The legend of a map: a section per drawn layer (``drawn`` holds their keys), and
    a note on the incidents known only by municipality."""
    sections = []
    if "areas" in drawn:
        sections.append((AREA_TITLES[facts.area_measure], area_legend))
    if "heat" in drawn:
        sections.append(("Täthet", heat_rows(facts.heat_cell)))
    if "hotspots" in drawn:
        sections.append(("Heta punkter (Gi*)", hotspot_rows(facts.hot_cell)))
    symbols = []
    if "focus" in drawn:
        symbols.append(swatch(FOCUS_COLOR, "Fokusområde", "line"))
    if "measures" in drawn:
        symbols.append(swatch(MEASURE_COLOR, "Åtgärd", "diamond"))
    if symbols:
        sections.append(("Symboler", symbols))
    if "points" in drawn:
        sections.append(("Enskilda händelser", category_rows(point_legend)))
    hidden, text = facts.municipality_only, facts.municipality_text or fmt.num(facts.municipality_only)
    note = (f"{text} händelser är bara kända på kommunnivå och syns inte på kartan."
            if hidden and text != "–" else None)
    if text == "–":
        note = "Händelser som bara är kända på kommunnivå syns inte på kartan."
    return legend_html(sections, note)


LEGEND_CSS = f"""
.est-legend {{background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.35 "Source Sans Pro", "DejaVu Sans",
  Arial, sans-serif; color: #111; max-width: 260px; max-height: 52vh; overflow-y: auto;}}
.est-legend.est-large {{font-size: 17px; max-width: 330px; max-height: none;}}
.est-cols {{display: grid; grid-template-columns: auto auto; column-gap: 8px;}}
.est-cols .est-row {{font-size: 0.92em;}}
.est-lh {{font-weight: 700; margin: 5px 0 2px;}}
.est-lh:first-child {{margin-top: 0;}}
.est-row {{display: flex; align-items: center; gap: 6px; white-space: nowrap;}}
.est-sw {{display: inline-block; width: 14px; height: 14px; border: 1px solid #555;
  flex: none; box-sizing: border-box;}}
.est-large .est-sw {{width: 20px; height: 20px;}}
.est-dot {{border-radius: 50%;}}
.est-dia {{transform: rotate(45deg) scale(0.8); border: 2px solid #fff; outline: 1px solid #333;}}
.est-grad {{height: 10px; border: 1px solid #999; margin-top: 2px;}}
.est-ends {{justify-content: space-between; font-size: 0.9em;}}
.est-note {{font-size: 0.85em; color: #444; white-space: normal; margin-top: 2px;}}
.est-label {{background: none; border: none;}}
.est-label span {{display: inline-block; transform: translate(-50%, -50%); white-space: nowrap;
  font: 600 12px "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; color: {LABEL_COLOR};
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff;}}
.est-large-map .est-label span {{font-size: 17px;}}
.est-label.est-focus-label span {{font-weight: 700; font-style: italic;
  background: rgba(255, 255, 255, 0.92); padding: 0 5px; border-radius: 3px;
  box-shadow: 0 0 0 1px #555;}}
.est-pin {{background: none; border: none;}}
.est-pin div {{width: 12px; height: 12px; border-radius: 50%; border: 1.5px solid #fff;
  box-shadow: 0 0 0 1px #333; box-sizing: border-box;}}
.est-measure {{background: none; border: none;}}
.est-measure div {{width: 18px; height: 18px; transform: rotate(45deg);
  background: {MEASURE_COLOR}; border: 2px solid #fff; box-shadow: 0 0 0 1.5px #222;
  color: #fff; box-sizing: border-box;}}
.est-measure div span {{display: block; transform: rotate(-45deg); text-align: center;
  font: 700 10px/14px Arial, sans-serif;}}
.est-large-map .est-measure div {{width: 24px; height: 24px;}}
.est-large-map .est-measure div span {{font-size: 13px; line-height: 20px;}}
.est-pop {{font: 13px/1.4 "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; min-width: 180px;}}
.est-pop b {{font-size: 14px;}}
.est-pop .est-muted {{color: #555;}}
.leaflet-heatmap-layer {{pointer-events: none;}}
html, body {{overflow: hidden;}}
.marker-cluster-small, .marker-cluster-medium, .marker-cluster-large {{
  background-color: rgba(30, 30, 30, 0.22);}}
.marker-cluster-small div, .marker-cluster-medium div, .marker-cluster-large div {{
  background-color: rgba(30, 30, 30, 0.78); color: #fff; font-weight: 600;}}
.leaflet-tooltip {{font: 13px/1.35 "Source Sans Pro", "DejaVu Sans", Arial, sans-serif;}}
"""
