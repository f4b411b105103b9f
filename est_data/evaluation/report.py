"""The evaluation as a self-contained HTML report that prints well (A4).

One file, no external links (styles inline, the chart as inline SVG), so it can be
mailed to the EST partners, opened offline and printed or saved as PDF from the
browser. The tables here are also what the Före/efter page shows; the page frame, styles and
appendix are in :mod:`est_data.evaluation.templates`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd

from est_data.core import fmt
from est_data.core.config import MUNICIPALITY_NAME
from est_data.core.html import esc
from est_data.evaluation.evaluate import Evaluation
from est_data.evaluation.explain_sv import glossary_html, power_sentence
from est_data.evaluation.verdict_rows import model_rows, p_text, ratio, ratio_ci
from est_data.evaluation.plans import EXPLORATORY, plan_for, plan_note
from est_data.evaluation.chart import svg_chart
from est_data.evaluation.counts import Counts
from est_data.evaluation.stats import RateRatio
from est_data.evaluation.summary_sv import buffer_place, caveats, summary_sentences
from est_data.evaluation.templates import document, html_table
from est_data.core.taxonomy import labels
from est_data.evaluation.wording import enough_events, shows_percent, wdd_warning, wdq_meaningful

GROUP_LABELS = {"target": "Målområde", "control": "Jämförelseområden", "buffer": "Buffert"}
WDQ_REASONS = {
    "zero_comparison_count": "Kan inte beräknas: jämförelseområdena saknar händelser i en av perioderna.",
    "zero_success_measure": "Odefinierad: målområdet utvecklades precis som jämförelseområdena.",
    "no_relative_decrease": "Inte meningsfull: målområdet minskade inte relativt jämförelseområdena.",
}


# --- Formatting ------------------------------------------------------------------------------

def _change_pct(rr: RateRatio) -> str:
    return "–" if not math.isfinite(rr.estimate) else fmt.pct((rr.estimate - 1) * 100)


def _bound(x: float) -> str:
    return "0" if round(x) == 0 else fmt.signed(x)


def _change_ci(rr: RateRatio) -> str:
    low = _bound((rr.ci_low - 1) * 100)
    high = "+∞" if not math.isfinite(rr.ci_high) else _bound((rr.ci_high - 1) * 100)
    return f"{low} till {high}{fmt.NBSP}%"


def area_list(ev: Evaluation, ids: tuple[str, ...]) -> str:
    names = ev.selection.names
    return ", ".join(names.get(a, a) for a in ids) or "–"


def category_text(categories: tuple[str, ...]) -> str:
    if not categories:
        return "Alla kategorier"
    lab = labels()
    return ", ".join(lab.get(c, c) for c in categories)


# --- Tables shared by the page and the report ----------------------------------------------------

def counts_table(ev: Evaluation) -> pd.DataFrame:
    """Before/after counts per group with the change and its exact interval."""
    s = ev.stats
    rows = [("target", ev.target, s.target_rr), ("control", ev.control, s.control_rr)]
    if ev.buffer is not None:
        rows.append(("buffer", ev.buffer, s.buffer_rr))
    out = []
    for group, counts, rr in rows:
        label = GROUP_LABELS[group]
        if group == "buffer":
            label = f"Buffert ({buffer_place(ev)})"
        # The report leaves the app: a count of 1 or 2 shows as "<3" (README, "Personal data").
        out.append({"Grupp": label, "Före": fmt.count(counts.before, fmt.SUPPRESS_BELOW),
                    "Efter": fmt.count(counts.after, fmt.SUPPRESS_BELOW),
                    "Förändring": _change_pct(rr) if shows_percent(ev, counts) else "–",
                    f"{fmt.num(ev.spec.conf_level * 100)} % KI":
                        _change_ci(rr) if shows_percent(ev, counts) else "–"})
    return pd.DataFrame(out)


def wdq_text(ev: Evaluation) -> str:
    q = ev.stats.wdq
    if q is None:
        return "Ingen buffert vald."
    if q.wdq is None:
        return WDQ_REASONS.get(q.reason_code or "", "Kan inte beräknas.")
    if q.wdq > 1:
        return "Spridning av positiva effekter till bufferten, större än den direkta effekten."
    if q.wdq > 0.05:
        return "Viss spridning av positiva effekter till bufferten."
    if q.wdq >= -0.05:
        return "Varken förflyttning eller spridning av betydelse."
    if q.wdq >= -1:
        return "Viss förflyttning till bufferten, mindre än den direkta effekten."
    return "Förflyttningen är större än den direkta effekten (nettoförsämring)."


def _rate_rows(ev: Evaluation, conf: str) -> list[dict]:
    s = ev.stats
    rows = [{
        "Mått": "Kvot efter/före i målområdet (per dag)",
        "Värde": ratio(s.target_rr.estimate),
        "Osäkerhet": f"{conf} % KI {ratio_ci(s.target_rr.ci_low, s.target_rr.ci_high)}; "
                     f"{p_text(s.target_rr.p_value)}",
        "Förklaring": "Under 1 = färre händelser per dag efter än före. Exakt intervall.",
    }]
    if s.res is not None:
        rows.append({
            "Mått": "Relativ effektstorlek, RES",
            "Värde": ratio(s.res.estimate),
            "Osäkerhet": f"{conf} % KI {ratio_ci(s.res.ci_low, s.res.ci_high)}; {p_text(s.res.p_value)}",
            "Förklaring": "Över 1 = målområdet minskade mer (eller ökade mindre) än "
                          "jämförelseområdena. Exakt intervall som antar oberoende händelser.",
        })
    else:
        rows.append({"Mått": "Relativ effektstorlek, RES", "Värde": "–", "Osäkerhet": "–",
                     "Förklaring": "Kan inte beräknas när något av de fyra antalen är noll."})
    return rows


def _wdd_row(ev: Evaluation) -> dict:
    w = ev.stats.wdd
    warning = wdd_warning(ev.target, ev.control)
    return {
        "Mått": "Viktad förflyttningsdifferens, WDD",
        "Värde": fmt.signed(w.local_estimate, 0),
        "Osäkerhet": f"SE {fmt.num(w.local_se, 1)}; z = {ratio(w.z)}; {p_text(w.p_value)}",
        "Förklaring": "Antal händelser färre (−) eller fler (+) i målområdet än "
                      "jämförelseområdenas utveckling ger, räknat i antal. Förutsätter att "
                      "mål- och jämförelseområdena har ungefär lika många händelser."
                      + (f" Varning: {warning}" if warning else ""),
    }


def _wdq_rows(ev: Evaluation) -> list[dict]:
    s = ev.stats
    if s.wdq is None:
        return []
    if s.wdq.wdq is not None and not wdq_meaningful(ev):
        why = ("för få händelser i någon period" if not enough_events(
            ev.target, ev.control, ev.buffer) or ev.verdict == "incomplete"
            else "målområdets minskning relativt jämförelseområdena är inte säkerställd")
        return [{"Mått": "Viktad förflyttningskvot, WDQ", "Värde": "–", "Osäkerhet": "–",
                 "Förklaring": f"Visas inte: {why}, så kvoten mot den har ingen mening."}]
    rows = [{"Mått": "Viktad förflyttningskvot, WDQ", "Värde": ratio(s.wdq.wdq),
             "Osäkerhet": "Inget osäkerhetsmått", "Förklaring": wdq_text(ev)}]
    if s.wdq.total_net_effect is not None:
        rows.append({
            "Mått": "Nettoeffekt (mål + buffert)",
            "Värde": fmt.signed(s.wdq.total_net_effect, 0),
            "Osäkerhet": "Inget osäkerhetsmått",
            "Förklaring": "Undvikna händelser (+) i målområdet och bufferten sammantaget, "
                          "jämfört med jämförelseområdenas utveckling.",
        })
    return rows


def statistics_table(ev: Evaluation) -> pd.DataFrame:
    """Every statistic with value, interval/uncertainty and a plain explanation: the
    verdict's model and placebo first, then the exact details (rate ratio, RES, WDD,
    buffer RES, WDQ when :func:`.wording.wdq_meaningful`)."""
    conf = fmt.num(ev.spec.conf_level * 100)
    rows = model_rows(ev) + _rate_rows(ev, conf) + [_wdd_row(ev)]
    if ev.stats.buffer_res is not None and ev.buffer is not None:
        b = ev.stats.buffer_res
        rows.append({
            "Mått": "Buffertens relativa effekt (RES)",
            "Värde": ratio(b.estimate),
            "Osäkerhet": f"{conf} % KI {ratio_ci(b.ci_low, b.ci_high)}; {p_text(b.p_value)}",
            "Förklaring": "Under 1 = bufferten ökade mer än jämförelseområdena (förflyttning); "
                          "över 1 = spridning av positiva effekter.",
        })
    return pd.DataFrame(rows + _wdq_rows(ev))


def buffer_areas_table(ev: Evaluation) -> pd.DataFrame:
    """Buffer areas one by one, relative to the comparison areas."""
    t = ev.buffer_by_area
    if t is None or t.empty:
        return pd.DataFrame()
    # Percentages only where wording allows them (whole window, enough events).
    ok = [shows_percent(ev, Counts(int(b), int(a)), ev.control)
          for b, a in zip(t["before"], t["after"])]
    out = pd.DataFrame({
        "Område": t["name"], "Före": t["before"], "Efter": t["after"],
        "Relativt jämförelse": [fmt.pct(v * 100) if k and pd.notna(v) else "–"
                                for v, k in zip(t["rel_change"], ok)],
        f"{fmt.num(ev.spec.conf_level * 100)} % KI": [
            "–" if pd.isna(lo) or not k else f"{_bound(lo * 100)} till {_bound(hi * 100)}{fmt.NBSP}%"
            for lo, hi, k in zip(t["ci_low"], t["ci_high"], ok)],
        "p": [p_text(None if pd.isna(p) else p) for p in t["p_value"]],
    })
    return out


def category_table(ev: Evaluation) -> pd.DataFrame:
    """Before → after per category (rows) and group (columns), e.g. ``35 → 19``."""
    t = ev.by_category
    if t is None or t.empty:
        return pd.DataFrame()
    lab = labels()
    wide = t.pivot_table(index="category", columns="grp", values=["before", "after"],
                         aggfunc="sum", fill_value=0)
    out = pd.DataFrame({"Kategori": [lab.get(c, c) for c in wide.index]})
    for group in ("target", "control", "buffer"):
        if ("before", group) in wide.columns:
            out[f"{GROUP_LABELS[group]}, före → efter"] = [
                f"{fmt.num(b)} → {fmt.num(a)}" for b, a in
                zip(wide[("before", group)].astype(int), wide[("after", group)].astype(int))]
    return out


def selection_rows(ev: Evaluation) -> list[tuple[str, str]]:
    """The evaluator's choices as (label, value) pairs."""
    w, sel, spec = ev.windows, ev.selection, ev.spec
    rows = [("Utvärderingsplan", ev.plan_note)] if ev.plan_note else []
    rows += [
        ("Målområde", area_list(ev, sel.targets)),
        ("Insatsdatum", fmt.date(spec.date)),
        ("Före", fmt.period(w.before_start, w.before_end - dt.timedelta(days=1))),
        ("Efter", fmt.period(w.after_start, w.after_end - dt.timedelta(days=1))),
    ]
    if w.gap_days:
        rows.append(("Genomförandetid (utesluten)",
                     fmt.period(w.before_end, w.after_start - dt.timedelta(days=1))))
    rows.append(("Kategorier", category_text(spec.categories)))
    default = {"matched": " (standard: de som liknade målområdet mest före insatsen, i nivå "
                          "och utveckling, bland områden som inte gränsar till det)",
               "all": " (alla områden som inte gränsar till målområdet eller bufferten)"}
    rows.append((f"Jämförelseområden ({len(sel.controls)})",
                 area_list(ev, sel.controls) + default.get(sel.comparison, "")))
    if sel.ring_m is not None:
        rows.append(("Buffert", f"Ring {fmt.num(sel.ring_m)} m runt målområdet"))
    elif spec.buffer == "none":
        rows.append(("Buffert", "Ingen"))
    else:
        note = " (standard: grannområdena)" if sel.buffers_default else ""
        rows.append((f"Buffert ({len(sel.buffers)})", area_list(ev, sel.buffers) + note))
    if sel.excluded_focus:
        rows.append(("Ej medräknade fokusområden", area_list(ev, sel.excluded_focus)))
    rows.append(("Händelser", "Unika händelser (samma händelse från flera aktörer räknas en gång)"))
    if ev.data_first and ev.data_last:
        rows.append(("Data i databasen", f"{fmt.date(ev.data_first)} – {fmt.date(ev.data_last)}"))
    return rows


def measures_table(ev: Evaluation) -> pd.DataFrame:
    m = ev.measures
    if m is None or m.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Start": [fmt.date(d) for d in m["started_on"]],
        "Slut": [fmt.date(d) if isinstance(d, dt.date) else "pågår" for d in m["ended_on"]],
        "Område": m["area_name"], "Typ": m["kind"], "Titel": m["title"],
        "Ansvarig": m["actor"].fillna(""),
        "Kostnad (kr)": [fmt.num(c) if pd.notna(c) else "" for c in m["cost_sek"]],
    })


def title(ev: Evaluation) -> str:
    kind = " (utforskande)" if (ev.plan_note or "").startswith(EXPLORATORY) else ""
    return f"Före/efter-utvärdering{kind}: {area_list(ev, ev.selection.targets)}"


def filename(ev: Evaluation) -> str:
    """A safe file name: ``utvardering_fokus_kyrkgatan_2025-11-01.html``."""
    key = "_".join(ev.selection.targets[:3])
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in key)
    return f"utvardering_{safe}_{ev.spec.date.isoformat()}.html"


def render_html(ev: Evaluation, database: str | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    created = ev.created_at or dt.datetime.now().replace(microsecond=0)
    said = summary_sentences(ev) + [p for p in [power_sentence(ev.power)] if p]
    summary = "".join(f"<p>{esc(s)}</p>" for s in said)
    warns = "".join(f'<p class="caveat">{esc(c)}</p>' for c in caveats(ev))
    selection = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in selection_rows(ev))
    buffer_areas = buffer_areas_table(ev)
    buffer_html = ""
    if not buffer_areas.empty and len(buffer_areas) > 1:
        buffer_html = ("<h3>Buffertområdena var för sig</h3>" + html_table(buffer_areas)
                       + "<p class=\"meta\">Förändring relativt jämförelseområdena. Med många "
                         "områden blir någon skillnad \u201dsignifikant\u201d av en slump; "
                         "sammanfattningen tar hänsyn till det (Bonferroni).</p>")
    db_text = f" · databas {database}" if database else ""
    meta = (f"EST Lägesbild · {MUNICIPALITY_NAME} · insatsdatum {fmt.date(ev.spec.date)} · "
            f"skapad {created.strftime('%Y-%m-%d %H:%M')}{db_text}")
    body = f"""<section>
<h2>Sammanfattning</h2>
<div class="summary">{summary}{warns}</div>
</section>
<section>
<h2>Urval</h2>
<table class="kv"><tbody>{selection}</tbody></table>
</section>
<section>
<h2>Antal före och efter</h2>
{html_table(counts_table(ev))}
{buffer_html}
</section>
<section>
<h2>Utveckling per månad</h2>
<figure>{svg_chart(ev)}
<figcaption>Antal per månad som index (medel under föreperioden = 100) i målområdet och
jämförelseområdena. Streckade linjer: medel före och efter. Lodrät linje: insatsdatum.
Gröna markeringar: insatser i målområdet.</figcaption></figure>
</section>
<section>
<h2>Mått</h2>
{html_table(statistics_table(ev))}
</section>
<section>
<h2>Per kategori</h2>
{html_table(category_table(ev))}
</section>
<section>
<h2>Insatser i målområdet</h2>
{html_table(measures_table(ev))}
</section>
<section>
<h2>Begrepp</h2>
{glossary_html()}
</section>"""
    return document(title(ev), f"{title(ev)} ({fmt.date(ev.spec.date)})", meta, body)


def render_bytes(ev: Evaluation, database: str | None = None) -> bytes:
    return render_html(ev, database).encode("utf-8")


def planned_evaluation(con, spec, intervention_id: str | None = None) -> Evaluation:
    """Evaluate ``spec`` and say whether it follows the measure's plan (:mod:`.plans`);
    without a measure it is exploratory."""
    from est_data.evaluation.evaluate import evaluate

    ev = evaluate(con, spec)
    plan = plan_for(con, intervention_id) if intervention_id else None
    return dataclasses.replace(ev, plan_note=plan_note(plan, spec, ev.selection.names))


def report_for(con, spec, database: str | None = None,
               intervention_id: str | None = None) -> bytes:
    """Evaluate ``spec`` on ``con`` and render the report (for cached page reads)."""
    return render_bytes(planned_evaluation(con, spec, intervention_id), database)
