"""What a signed-in user can see on a page run by AppTest, and where it shows a count of
1 or 2 (the meeting role's walk, tests/app/test_mote_walk.py).

A finding is a short text naming the place and the value. Numbers that are not counts
(dates, hours, "1 000 invånare", measure numbers) are told apart by where they stand:
table columns of counts, chart values, and the phrases the app writes counts in.
"""
from __future__ import annotations

import json
import re

import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from json_util import readable

SMALL = {1, 2}
#: Table columns that hold counts, and those derived from counts (change, rate).
COUNT_COLUMNS = {"Antal", "Föregående", "Föreg.", "Nu", "Före", "current", "previous",
                 "Antal i perioden", "count", "n"}
DERIVED_COLUMNS = {"Förändring", "Förändr.", "Ökning", "change", "change_pct", "per_1000",
                   "change_prev", "change_prev_pct", "change_year", "change_year_pct",
                   "Per 1 000", "%"}
#: A rate is made from the count now only (a rate beside a hidden count before is fine).
RATE_COLUMNS = {"per_1000", "Per 1 000"}
HIDDEN_TEXTS = {"<3", "dolt", "–"}
#: Phrases with a count in them, as the app writes them.
COUNT_PHRASES = [
    r"(?<![\d,.:–\-/])[12] händelse",             # "1 händelse", "2 händelser"
    r"\([12] under perioden\)",                   # the weekday x hour peak
    r"före: [12]\)",                              # a meeting tile's delta
    r"Händelser: [12](?![\d,])",                  # area tooltips
    r"föregående period [12](?![\d,])",
    r"(?<![\d,])[12] i rutan",                    # hot spot tooltips
    r": [12] (?:senaste|\(normalt)",              # alert sentences
    r"\*\*[12]\*\* händelser",                    # Karta's caption
    r"(?<![\d,.])[12] (?:har en plats|är bara kända)",
    r"<b>[^<]*</b> \([12]\)",                     # small multiples' titles
    r"(?<![\d,.:–\-/ +−±])[12] \((?:[+−±]|före)",  # "2 (+1)" in lists
    r"normalt 0,[12](?!\d)",                      # a mean of 1-2 incidents in 12 weeks
    r"(?<![\d,.])[12] →|→ [12](?![\d,])",          # "2 → 0" before and after
]


def _number(value) -> float | None:
    if isinstance(value, str):
        text = value.replace("\u00a0", "").strip()
        return float(text) if re.fullmatch(r"\d+", text) else None
    if value is None or isinstance(value, bool) or pd.isna(value):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def table_findings(where: str, df: pd.DataFrame) -> list[str]:
    """Counts of 1-2 in count columns, and changes or rates beside a hidden count."""
    out = []
    counts = [c for c in df.columns if c in COUNT_COLUMNS]
    derived = [c for c in df.columns if c in DERIVED_COLUMNS]
    for _, row in df.iterrows():
        if "trend" in df.columns and any(_number(v) in SMALL for v in list(row["trend"])):
            out.append(f"{where}: trend = {list(row['trend'])}")
        for c in counts:
            if _number(row[c]) in SMALL:
                out.append(f"{where}: {c} = {row[c]!r} ({dict(row)})")
        now_hidden = any(str(row[c]) in HIDDEN_TEXTS for c in counts if c in ("current", "Antal", "Nu"))
        if any(str(row[c]) in HIDDEN_TEXTS for c in counts):
            for c in derived:
                if c in RATE_COLUMNS and not now_hidden:
                    continue
                if _number(row[c]) is not None or re.search(r"\d", str(row[c])):
                    out.append(f"{where}: {c} = {row[c]!r} beside a hidden count")
    return out


def text_findings(where: str, text: str) -> list[str]:
    return [f"{where}: {m.group(0)!r} in {text[max(0, m.start() - 60):m.end() + 40]!r}"
            for pattern in COUNT_PHRASES for m in re.finditer(pattern, text)]


def plotly_findings(where: str, spec: dict) -> list[str]:
    """Bars, points and heat cells of 1-2, and counts in hover and title texts."""
    out = []
    for trace in spec.get("data", []):
        name = str(trace.get("name", ""))
        if name.startswith("Glidande"):
            continue
        for axis in ("y", "z"):
            values = trace.get(axis)
            flat = pd.Series(values).explode().explode().tolist() if values is not None else []
            small = [v for v in flat if _number(v) in SMALL]
            if small:
                out.append(f"{where}: trace {name!r} has {axis} values {small[:5]}")
    strings = json.dumps(spec, ensure_ascii=False)
    out += text_findings(where, strings)
    return out


def _vega_frames(element) -> list[pd.DataFrame]:
    proto = element.proto
    frames = []
    if proto.HasField("data") and proto.data.data:
        frames.append(dataframe_util.convert_arrow_bytes_to_pandas_df(proto.data.data))
    for ds in proto.datasets:
        frames.append(dataframe_util.convert_arrow_bytes_to_pandas_df(ds.data.data))
    return frames


def map_scripts(at: AppTest) -> list[str]:
    return [readable(json.loads(c.proto.json_args)["script"]) for c in at.get("component_instance")]


def findings(at: AppTest, page: str) -> list[str]:
    """Every place on the page run ``at`` where a count of 1 or 2 can be seen."""
    out = []
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    texts += [e.value for kind in ("info", "warning", "success", "error") for e in at.get(kind)]
    texts += [e.label for e in at.expander] + [t.value for t in at.title]
    for text in texts:
        out += text_findings(page, str(text))
    for m in at.metric:
        if _number(m.value) in SMALL:
            out.append(f"{page}: metric {m.label!r} = {m.value!r}")
        out += text_findings(f"{page} metric {m.label!r}", f"{m.value} {m.proto.delta} {m.proto.help}")
    for i, df in enumerate(at.dataframe):
        out += table_findings(f"{page} dataframe {i}", df.value)
    for i, table in enumerate(at.table):
        out += table_findings(f"{page} table {i}", table.value)
    for chart in at.get("plotly_chart"):
        out += plotly_findings(f"{page} chart", json.loads(chart.proto.spec))
    for chart in at.get("arrow_vega_lite_chart"):
        for frame in _vega_frames(chart):
            out += table_findings(f"{page} bar chart", frame)
    for script in map_scripts(at):
        out += text_findings(f"{page} map", script)
    return out
