"""Veckans lägesbild i text: a short Swedish narrative for the minutes.

Five to eight sentences written from the meeting view's own figures (the same
:func:`~est_data.overview.briefing.briefing`, the same tiles from
:func:`~est_data.overview.display.meeting_tiles`, the same alerts), so every number in
the text is a number on the screen. The rules are those of every shared number
(DESIGN.md §8, :mod:`est_data.evaluation.wording`):

- small counts as "<3" and no change beside a count not shown, whoever reads it;
- a change is called an increase or a decrease only when the exact interval of the
  rate ratio (:func:`est_data.evaluation.stats.rate_ratio`, the period against the same
  number of days before) excludes no change (:func:`~est_data.evaluation.wording.claim`);
  otherwise the text says it is not established, and whether the counts are too few;
- a percentage only with at least :data:`~est_data.evaluation.wording.MIN_EVENTS`
  events in both periods.

Shown in Mötesläge, on the lägesbild PDF's second page, and by
``python -m est_data lagesbild --text``.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core import fmt, privacy
from est_data.core.filters import IncidentFilter
from est_data.evaluation import wording
from est_data.evaluation.stats import rate_ratio
from est_data.overview import display, since
from est_data.overview.briefing import briefing
from est_data.trends import alerts as alerting

TOP_INCREASES = 3


def gather(con: duckdb.DuckDBPyConnection, view: IncidentFilter, new_from: dt.date | None) -> dict:
    """What the text is written from: ``b`` (the briefing), ``alerts`` (the week's
    unusual counts, small ones hidden), ``new_alerts`` (those not flagged on the last
    meeting's day) and ``news`` (:func:`.since.news`)."""
    alerts = alerting.area_alerts(con, view, limit=privacy.SUPPRESS_BELOW)
    before = None
    if new_from is not None:
        before = alerting.area_alerts(con, view.with_period(view.start, new_from - dt.timedelta(days=1)),
                                      limit=privacy.SUPPRESS_BELOW)
    return {"b": briefing(con, view, new_from), "alerts": alerts,
            "new_alerts": since.new_alert_keys(alerts, before), "news": since.news(con, new_from)}


def total_sentence(heading: str, view: IncidentFilter, totals: dict) -> str:
    """The period's incidents against the days before, with what may be said of it."""
    now, before = totals["current"], totals["previous"]
    marks = (privacy.mark_of(totals, "current", privacy.SUPPRESS_BELOW),
             privacy.mark_of(totals, "previous", privacy.SUPPRESS_BELOW))
    head = (f"{heading} ({fmt.date(view.start)} – {fmt.date(view.end)}) registrerades "
            f"{privacy.text(now, marks[0])} händelser")
    if privacy.hides(*marks):
        return head + "; för få för att jämföra med perioden före."
    change = fmt.signed(now - before)
    if min(now, before) >= wording.MIN_EVENTS:
        change += f", {fmt.pct((now - before) / before * 100)}"
    text = f"{head}, mot {fmt.num(before)} de {fmt.num(view.days)} dagarna före ({change})"
    rr = rate_ratio(int(before), int(now), view.days, view.days)
    said = wording.claim(rr.ci_low, rr.ci_high)
    if said == "increase":
        return text + ": en ökning som är större än slumpen förklarar."
    if said == "decrease":
        return text + ": en minskning som är större än slumpen förklarar."
    if min(now, before) < wording.MIN_EVENTS:
        return text + ": ingen säkerställd förändring, händelserna är för få för att avgöra."
    return text + ": ingen säkerställd förändring, skillnaden ryms i den vanliga variationen."


def tile_phrase(tile: dict, b_row) -> str:
    """``"Störning 13 (+5 mot 8)"``: a tile's label, value and change as on the screen."""
    label = tile["label"].replace(display.FOCUS_MARK, "")
    if tile["change"] is None:
        return f"{label} {tile['value']}"
    return f"{label} {tile['value']} ({fmt.signed(tile['change'])} mot {fmt.num(b_row['previous'])})"


def tile_sentences(b: dict) -> list[str]:
    """The focus areas' and the top categories' tiles, in words."""
    tiles = display.meeting_tiles(b)[1:]
    rows = [r for _, r in b["focus"].iterrows()] + [r for _, r in b["categories"].iterrows()]
    n_focus = len(b["focus"])
    focus = [tile_phrase(t, r) for t, r in zip(tiles[:n_focus], rows[:n_focus])]
    cats = [tile_phrase(t, r) for t, r in zip(tiles[n_focus:], rows[n_focus:])]
    out = []
    if focus:
        out.append("I fokusområdena: " + ", ".join(focus) + ".")
    if cats:
        out.append("Vanligaste kategorierna: " + ", ".join(cats) + ".")
    return out


def increase_sentence(up: pd.DataFrame) -> str:
    if up.empty:
        return "Inget område har fler händelser än perioden före."
    parts = [f"{r['name']} {fmt.num(r['previous'])} → {fmt.num(r['current'])}"
             for _, r in up.head(TOP_INCREASES).iterrows()]
    return "Störst ökning: " + ", ".join(parts) + "."


def alert_sentence(alerts: pd.DataFrame, new: set[tuple]) -> str:
    if alerts.empty:
        return "Inget område har ovanligt många händelser senaste veckan."
    n_new = sum(k in new for k in zip(alerts["level"], alerts["area_id"], alerts["category"]))
    first = alerts["sentence"].iloc[0].rstrip(".")
    count = f"{fmt.num(len(alerts))} {'ovanlig vecka' if len(alerts) == 1 else 'ovanliga veckor'}"
    return (f"Ovanligt mycket senaste veckan: {count} ({fmt.num(n_new)} nya sedan förra "
            f"mötet), främst {first[0].lower() + first[1:]}.")


def measure_sentence(measures: pd.DataFrame, news: dict) -> str:
    new = measures[measures["is_new"]] if not measures.empty else measures
    running = len(measures) - len(new)
    text = ("Nya åtgärder sedan förra mötet: " + "; ".join(
        f"{r['title']} ({r['area_name']}, {fmt.date(r['started_on'])})" for _, r in new.iterrows())
            + "." if len(new) else "Inga nya åtgärder sedan förra mötet.")
    if running:
        text += f" {fmt.num(running)} {'åtgärd pågår' if running == 1 else 'åtgärder pågår'}."
    if news["imports"]:
        text += (f" Ny data: {fmt.num(news['imports'])} "
                 f"{'import' if news['imports'] == 1 else 'importer'} sedan förra mötet.")
    return text


def sentences(heading: str, view: IncidentFilter, g: dict) -> list[str]:
    """The narrative from :func:`gather`'s figures, one sentence (or two) per item."""
    b = g["b"]
    return [total_sentence(heading, view, b["totals"]), *tile_sentences(b),
            increase_sentence(b["increases"]), alert_sentence(g["alerts"], g["new_alerts"]),
            measure_sentence(b["measures"], g["news"]), scope_sentence(view)]


def scope_sentence(view: IncidentFilter) -> str:
    """What the figures count: the meeting view never filters; a lägesbild made from
    Översikt may (then the text must not read as the whole picture)."""
    if view == since.meeting_base_filter(view):
        return "Siffrorna gäller alla unika händelser; antal under 3 visas som <3."
    parts = [p for p, on in (("en ritad yta på kartan", view.shape is not None),
                             (f"sökordet ”{view.text}”", bool(view.text))) if on]
    also = f", här {' och '.join(parts)}" if parts else ""
    return (f"Siffrorna gäller bara det valda filtret (kategorier, aktörer, områden, tider, "
            f"ritad yta, sökord eller dubbletter{also}); antal under 3 visas som <3.")


def period_text(con: duckdb.DuckDBPyConnection, view: IncidentFilter, heading: str,
                new_from: dt.date | None) -> str:
    """The narrative of ``view`` as one paragraph."""
    return " ".join(sentences(heading, view, gather(con, view, new_from)))


def meeting_text(con: duckdb.DuckDBPyConnection, anchor: dt.date,
                 f: IncidentFilter | None = None) -> str:
    """The narrative of the meeting view on ``anchor`` (the data's last day), as
    Mötesläge shows it (``f``'s period counts only when no meeting is stored)."""
    period = since.meeting_period(con, f or IncidentFilter(anchor - dt.timedelta(days=27), anchor),
                                  anchor)
    return period_text(con, period.view, period.heading(), period.new_from)
