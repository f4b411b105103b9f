"""Årsuppföljning: every focus area's before/after at once.

After a year the EST partners ask the same question of each focus area: did the problems
go down where we acted, more than elsewhere? :func:`focus_followup` answers it for all
focus areas with the same rules as the Före/efter page (:mod:`.evaluation`): the date is
the area's first measure, equal windows before and after (12 months unless told), the
standard categories, comparison areas that do not touch the area and the neighbours as
buffer. :func:`followup_table` turns the answers into one Swedish row per area, worded
by :func:`est_data.evaluation.summary_sv.verdict` from the same verdict and model effect as
``evaluate --json`` (the rules of :mod:`.wording`); :func:`followup_numbers` is the same
as numbers (the CSV download).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from est_data.core import fmt
from est_data.core.config import MUNICIPALITY_NAME
from est_data.core.html import esc
from est_data.core.spreadsheet import csv_bytes
from est_data.evaluation import report, templates
from est_data.evaluation.chart import svg_chart
from est_data.evaluation.evaluate import Evaluation, evaluate
from est_data.evaluation.explain_sv import glossary_html, power_sentence
from est_data.evaluation.plans import Plan, plan_for, plan_line
from est_data.evaluation.selection import (
    EvaluationError, EvaluationSpec, months_to_days, standard_categories)
from est_data.store.sqlutil import fetch_df
from est_data.evaluation.summary_sv import (
    caveats, change_text, headline, relative_text, summary_sentences, verdict)
from est_data.evaluation.wording import enough_events, headline_effect


@dataclass(frozen=True)
class FocusResult:
    """One focus area's follow-up: its measures and the evaluation (or why there is none)."""

    area_id: str
    name: str
    first_measure: dt.date | None
    measures: int
    first_measure_id: str | None = None
    evaluation: Evaluation | None = None
    problem: str | None = None
    plan: Plan | None = None          # the first measure's plan, when it was followed


def focus_followup(con: duckdb.DuckDBPyConnection, months: int = 12,
                   categories: tuple[str, ...] | None = None,
                   now: dt.datetime | None = None) -> list[FocusResult]:
    """Evaluate every focus area from its first measure (see the module docstring).

    With the defaults (12 months, ``categories`` None) each area follows its first
    measure's evaluation plan (:mod:`.plans`); other choices are an exploratory
    follow-up on the standard rules (``plan`` None). ``categories`` None means the
    standard ones (störning, inbrott) that occur in the data.
    """
    planned = months == 12 and categories is None
    if categories is None:
        categories = standard_categories(con)
    focus = fetch_df(con, """
        SELECT a.area_id, a.name, min(m.started_on) AS first_measure,
               arg_min(m.intervention_id, (m.started_on, m.intervention_id)) AS first_id,
               count(m.intervention_id) AS measures
        FROM areas a LEFT JOIN interventions m ON m.area_id = a.area_id
        WHERE a.is_focus GROUP BY a.area_id, a.name ORDER BY a.name, a.area_id""")
    days = months_to_days(months)
    out = []
    for r in focus.itertuples():
        if pd.isna(r.first_measure):
            out.append(FocusResult(r.area_id, r.name, None, 0,
                                   problem="Inga insatser är registrerade i området."))
            continue
        first = pd.Timestamp(r.first_measure).date()
        plan = plan_for(con, r.first_id) if planned else None
        spec = plan.spec if plan is not None else EvaluationSpec(
            targets=(r.area_id,), date=first, before_days=days, after_days=days,
            categories=categories)
        try:
            ev = evaluate(con, spec, now=now)
        except EvaluationError as exc:
            out.append(FocusResult(r.area_id, r.name, first, int(r.measures), r.first_id,
                                   problem=exc.sv, plan=plan))
            continue
        out.append(FocusResult(r.area_id, r.name, first, int(r.measures), r.first_id,
                               evaluation=ev, plan=plan))
    return out


def followup_table(results: list[FocusResult]) -> pd.DataFrame:
    """One row per focus area, in Swedish: what was measured and what it says."""
    rows = []
    for res in results:
        ev = res.evaluation
        row = {"Fokusområde": res.name,
               "Första insats": fmt.date(res.first_measure) if res.first_measure else "–",
               "Insatser": res.measures, "Plan": plan_short(res.plan)}
        if ev is None:
            row.update({"Före → efter": "–", "Förändring": "–", "Jämförelseområden": "–",
                        "Bedömd förändring": "–", "Bedömning": res.problem or "–"})
        else:
            row.update({
                "Före → efter": f"{fmt.count(ev.target.before, fmt.SUPPRESS_BELOW)} → "
                                f"{fmt.count(ev.target.after, fmt.SUPPRESS_BELOW)}",
                "Förändring": change_text(ev, ev.target, ev.stats.target_rr),
                "Jämförelseområden": change_text(ev, ev.control, ev.stats.control_rr),
                "Bedömd förändring": relative_text(ev),
                "Bedömning": verdict(ev),
            })
        rows.append(row)
    columns = ["Fokusområde", "Första insats", "Insatser", "Före → efter", "Förändring",
               "Jämförelseområden", "Bedömd förändring", "Bedömning", "Plan"]
    return pd.DataFrame(rows, columns=columns)


NUMBER_COLUMNS = ["fokusomrade", "forsta_insats", "insatser", "fore", "efter",
                  "dagar_fore_med_data", "dagar_efter_med_data", "bedomning",
                  "forandring_pct", "ki_lag_pct", "ki_hog_pct", "modell", "placebo_p",
                  "chans_30_12m", "chans_30_24m", "plan_version", "bedomning_text"]


def plan_short(plan: Plan | None) -> str:
    """The plan column: ``fastställd 2025-05-01``, ``ändrad 2025-09-01 (v2)``,
    ``standard`` (no stored plan) or ``–`` (not followed: other choices)."""
    if plan is None:
        return "–"
    if not plan.fixed:
        return "standard (ej sparad)"
    when = fmt.date(plan.created_at.date()) if plan.created_at else "?"
    return f"fastställd {when}" if plan.version == 1 else f"ändrad {when} (v{plan.version})"


def _number_row(res: FocusResult) -> dict:
    ev = res.evaluation
    row = {"fokusomrade": res.name, "forsta_insats": res.first_measure,
           "insatser": res.measures, "bedomning_text": verdict(ev) if ev else res.problem}
    if ev is None:
        return row
    # Counts of 1-2 leave the app empty (the table shows "<3"): the file is shared.
    shown = [None if 0 < n < fmt.SUPPRESS_BELOW else n
             for n in (ev.target.before, ev.target.after)]
    effect = headline_effect(ev) if enough_events(ev.target) else None
    row.update({"fore": shown[0], "efter": shown[1],
                "dagar_fore_med_data": round(ev.before_days_observed),
                "dagar_efter_med_data": round(ev.after_days_observed),
                "bedomning": ev.verdict, "modell": None if ev.model is None else ev.model.design,
                "placebo_p": None if ev.placebo is None else ev.placebo.p,
                "chans_30_12m": ev.power.get("detect_30_12m"),
                "chans_30_24m": ev.power.get("detect_30_24m"),
                "plan_version": None if res.plan is None else res.plan.version})
    if effect is not None:
        row.update(zip(("forandring_pct", "ki_lag_pct", "ki_hog_pct"),
                       (round(x * 100, 1) for x in effect)))
    return row


def followup_numbers(results: list[FocusResult]) -> pd.DataFrame:
    """The Årsuppföljning as numbers, one row per focus area: counts (1-2 left empty),
    observed days, the verdict code of ``evaluate --json``, the model's change in percent
    with its interval (empty when :mod:`.wording` allows no percentage), the model's
    design, the placebo p and the row's Swedish verdict."""
    frame = pd.DataFrame([_number_row(r) for r in results], columns=NUMBER_COLUMNS)
    for col in ("fore", "efter", "dagar_fore_med_data", "dagar_efter_med_data"):
        frame[col] = frame[col].astype("Int64")
    for col in ("forandring_pct", "ki_lag_pct", "ki_hog_pct", "placebo_p", "chans_30_12m",
                "chans_30_24m"):
        frame[col] = frame[col].astype("Float64")
    frame["plan_version"] = frame["plan_version"].astype("Int64")
    return frame


def table_csv(results: list[FocusResult]) -> bytes:
    """:func:`followup_numbers` as the page's CSV download (Swedish Excel, numeric columns,
    no live formula: a focus area's name is typed by an administrator)."""
    return csv_bytes(followup_numbers(results))


# --- The printable report --------------------------------------------------------------------

def render_html(results: list[FocusResult], database: str | None = None,
                now: dt.datetime | None = None) -> str:
    """The Årsuppföljning as one self-contained HTML document that prints well: the
    table of all focus areas, then per area its summary, chart and measures, then the
    method, caveats and references (shared with the single-evaluation report)."""
    created = (now or dt.datetime.now()).replace(microsecond=0)
    overview = followup_table(results).drop(columns=["Jämförelseområden"])
    areas = []
    for res in results:
        ev = res.evaluation
        if ev is None:
            areas.append(f"<section><h2>{esc(res.name)}</h2><p>{esc(res.problem or '–')}</p></section>")
            continue
        said = summary_sentences(ev) + [p for p in [power_sentence(ev.power)] if p]
        summary = "".join(f"<p>{esc(s)}</p>" for s in said)
        warns = "".join(f'<p class="caveat">{esc(c)}</p>' for c in caveats(ev))
        plan = "" if res.plan is None else f'<p class="meta">{esc(plan_line(res.plan))}</p>'
        areas.append(f"""<section>
<h2>{esc(res.name)}</h2>
<p class="meta">{esc(headline(ev))}</p>{plan}
<div class="summary"><p><b>{esc(verdict(ev))}</b></p>{summary}{warns}</div>
<figure>{svg_chart(ev)}
<figcaption>Antal per månad som index (medel under föreperioden = 100) i fokusområdet och
jämförelseområdena. Lodrät linje: första insatsen.</figcaption></figure>
<h3>Insatser i området</h3>
{templates.html_table(report.measures_table(ev))}
</section>""")
    db_text = f" · databas {database}" if database else ""
    meta = (f"EST Lägesbild · {MUNICIPALITY_NAME} · skapad "
            f"{created.strftime('%Y-%m-%d %H:%M')}{db_text}")
    body = f"""<section>
<h2>Alla fokusområden</h2>
<p>Varje fokusområde enligt utvärderingsplanen för sin första insats (sparad när insatsen
loggades): lika långa perioder före och efter, jämfört med de områden som liknade det mest
före insatsen. Förändringar med 95 % konfidensintervall. Bedömd förändring är modellens
effekt (med årstid och variation mellan månader), samma tal som bedömningen bygger på; en
minskning räknas bara om den håller även när hur mycket områden utan insats varierar
räknas in (placebotest). Procent visas först med minst 10 händelser i varje period och en
hel efterperiod.</p>
{templates.html_table(overview)}
</section>
{''.join(areas)}
<section>
<h2>Begrepp</h2>
{glossary_html()}
</section>"""
    return templates.document("Årsuppföljning av fokusområdena",
                              f"Årsuppföljning av fokusområdena ({fmt.date(created)})", meta, body)


def report_for(con: duckdb.DuckDBPyConnection, database: str | None = None) -> bytes:
    """Follow up every focus area on ``con`` and render the report (for a download)."""
    return render_html(focus_followup(con), database).encode("utf-8")
