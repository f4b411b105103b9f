"""The evaluation as a self-contained HTML report that prints well (A4).

One file, no external links (styles inline, the chart as inline SVG), so it can be
mailed to the EST partners, opened offline and printed or saved as PDF from the
browser. The tables here are also what the Före/efter page shows.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import numbers

import pandas as pd

from est_data.core import fmt
from est_data.core.config import MUNICIPALITY_NAME
from est_data.evaluation.evaluate import Evaluation
from est_data.evaluation.chart import svg_chart
from est_data.evaluation.stats import RateRatio
from est_data.evaluation.summary_sv import (
    GENERAL_CAVEATS, buffer_place, caveats, summary_sentences)
from est_data.core.taxonomy import labels

GROUP_LABELS = {"target": "Målområde", "control": "Jämförelseområden", "buffer": "Buffert"}
WDQ_REASONS = {
    "zero_comparison_count": "Kan inte beräknas: jämförelseområdena saknar händelser i en av perioderna.",
    "zero_success_measure": "Odefinierad: målområdet utvecklades precis som jämförelseområdena.",
    "no_relative_decrease": "Inte meningsfull: målområdet minskade inte relativt jämförelseområdena.",
}


# --- Formatting ------------------------------------------------------------------------------

def ratio(value: float | None, decimals: int = 2) -> str:
    """``0.6545`` → ``0,65``; negatives with a real minus sign."""
    if value is None or not math.isfinite(value):
        return "–"
    return fmt.num(value, decimals).replace("-", "\u2212")


def ratio_ci(low: float | None, high: float | None, decimals: int = 2) -> str:
    if low is None or high is None:
        return "–"
    high_text = "∞" if not math.isfinite(high) else fmt.num(high, decimals)
    return f"{ratio(low, decimals)}–{high_text}"


def p_text(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return "–"
    return "p < 0,001" if p < 0.001 else f"p = {fmt.num(p, 3)}"


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
                    "Förändring": _change_pct(rr),
                    f"{fmt.num(ev.spec.conf_level * 100)} % KI": _change_ci(rr)})
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


def statistics_table(ev: Evaluation) -> pd.DataFrame:
    """Every statistic with value, interval/uncertainty and a plain explanation."""
    s = ev.stats
    conf = fmt.num(ev.spec.conf_level * 100)
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
                          "jämförelseområdena.",
        })
    else:
        rows.append({"Mått": "Relativ effektstorlek, RES", "Värde": "–", "Osäkerhet": "–",
                     "Förklaring": "Kan inte beräknas när något av de fyra antalen är noll."})
    w = s.wdd
    rows.append({
        "Mått": "Viktad förflyttningsdifferens, WDD",
        "Värde": fmt.signed(w.local_estimate, 0),
        "Osäkerhet": f"SE {fmt.num(w.local_se, 1)}; z = {ratio(w.z)}; {p_text(w.p_value)}",
        "Förklaring": "Antal händelser färre (−) eller fler (+) i målområdet än "
                      "jämförelseområdenas utveckling ger, räknat i antal. Förutsätter att "
                      "mål- och jämförelseområdena har ungefär lika många händelser.",
    })
    if ev.stats.buffer_res is not None and ev.buffer is not None:
        b = ev.stats.buffer_res
        rows.append({
            "Mått": "Buffertens relativa effekt (RES)",
            "Värde": ratio(b.estimate),
            "Osäkerhet": f"{conf} % KI {ratio_ci(b.ci_low, b.ci_high)}; {p_text(b.p_value)}",
            "Förklaring": "Under 1 = bufferten ökade mer än jämförelseområdena (förflyttning); "
                          "över 1 = spridning av positiva effekter.",
        })
    if s.wdq is not None:
        rows.append({
            "Mått": "Viktad förflyttningskvot, WDQ",
            "Värde": ratio(s.wdq.wdq),
            "Osäkerhet": "Inget osäkerhetsmått",
            "Förklaring": wdq_text(ev),
        })
        if s.wdq.total_net_effect is not None:
            rows.append({
                "Mått": "Nettoeffekt (mål + buffert)",
                "Värde": fmt.signed(s.wdq.total_net_effect, 0),
                "Osäkerhet": "Inget osäkerhetsmått",
                "Förklaring": "Undvikna händelser (+) i målområdet och bufferten sammantaget, "
                              "jämfört med jämförelseområdenas utveckling.",
            })
    return pd.DataFrame(rows)


def buffer_areas_table(ev: Evaluation) -> pd.DataFrame:
    """Buffer areas one by one, relative to the comparison areas."""
    t = ev.buffer_by_area
    if t is None or t.empty:
        return pd.DataFrame()
    out = pd.DataFrame({
        "Område": t["name"], "Före": t["before"], "Efter": t["after"],
        "Relativt jämförelse": [fmt.pct(None if pd.isna(v) else v * 100) for v in t["rel_change"]],
        f"{fmt.num(ev.spec.conf_level * 100)} % KI": [
            "–" if pd.isna(lo) else f"{_bound(lo * 100)} till {_bound(hi * 100)}{fmt.NBSP}%"
            for lo, hi in zip(t["ci_low"], t["ci_high"])],
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
    rows = [
        ("Målområde", area_list(ev, sel.targets)),
        ("Insatsdatum", fmt.date(spec.date)),
        ("Före", fmt.period(w.before_start, w.before_end - dt.timedelta(days=1))),
        ("Efter", fmt.period(w.after_start, w.after_end - dt.timedelta(days=1))),
    ]
    if w.gap_days:
        rows.append(("Genomförandetid (utesluten)",
                     fmt.period(w.before_end, w.after_start - dt.timedelta(days=1))))
    rows.append(("Kategorier", category_text(spec.categories)))
    default = " (standard: områden som inte gränsar till målområdet eller bufferten)"
    rows.append((f"Jämförelseområden ({len(sel.controls)})",
                 area_list(ev, sel.controls) + (default if sel.controls_default else "")))
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


# --- HTML ------------------------------------------------------------------------------------------

METHOD = (
    ("Perioder", "Händelserna räknas i en period före och en lika lång period efter "
     "insatsdatumet. En genomförandetid kan uteslutas mellan perioderna. Bara unika "
     "händelser räknas: samma händelse rapporterad av flera aktörer räknas en gång."),
    ("Områden", "Målområdet jämförs med jämförelseområden (standard: statistikområden som inte "
     "gränsar till målområdet eller bufferten). Förflyttning undersöks i en buffert: "
     "grannområdena (statistikområdena som rymmer eller gränsar till målområdet) eller en "
     "ring på N meter runt det. Händelser i målområdet räknas aldrig i bufferten eller "
     "jämförelsen, och andra fokusområden med egna insatser räknas inte alls."),
    ("Förändring i målområdet", "Kvoten mellan antal per dag efter och före, med exakt "
     "konfidensintervall (Clopper–Pearson för hur Tb + Ta fördelar sig på perioderna) och "
     "tvåsidigt exakt p-värde (Fay 2010)."),
    ("Relativ effekt", "RES = (Tb·Ca)/(Ta·Cb) (Farrington & Welsh 2002). RES över 1 betyder att "
     "målområdet minskade relativt jämförelseområdena; relativ förändring = 1/RES − 1. "
     "Intervallet bygger på Var(ln RES) = 1/Tb + 1/Ta + 1/Cb + 1/Ca."),
    ("Förflyttning", "Buffertens förändring jämförs med jämförelseområdenas på samma sätt (RES). "
     "Enskilda grannområden nämns bara om skillnaden håller även med hänsyn till att flera "
     "områden prövas (Bonferroni). WDQ = (Da/Ca − Db/Cb)/(Ta/Ca − Tb/Cb) (Bowers & Johnson 2003) "
     "redovisas utan osäkerhetsmått."),
    ("WDD", "WDD = (Ta − Tb) − (Ca − Cb) med SE = √(Ta + Tb + Ca + Cb) (Wheeler & Ratcliffe 2018)."),
    ("Få händelser", "Med färre än 10 händelser i en period anges ingen procentuell förändring; "
     "resultatet beskrivs som osäkert."),
)
REFERENCES = (
    "Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and "
    "diffusion of benefit effects of crime prevention activity. Journal of Quantitative "
    "Criminology, 19(3), 275–301.",
    "Farrington, D. P. & Welsh, B. C. (2002). Improved street lighting and crime prevention. "
    "Justice Quarterly, 19(2), 313–342.",
    "Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete "
    "data. The R Journal, 2(1), 53–58.",
    "Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test "
    "to evaluate place based crime interventions. Crime Science, 7(1), 11.",
)

CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --line: #d9d9d9; --accent: #1f4e9c; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; font-size: 11pt; line-height: 1.45; }
main { max-width: 190mm; margin: 0 auto; padding: 12mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; color: var(--accent); }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid var(--line); padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
p.meta { color: var(--muted); margin: 0; font-size: 9.5pt; }
.summary { background: #f3f6fb; border-left: 4px solid var(--accent); padding: 3mm 4mm; }
.summary p { margin: 0 0 2mm; font-size: 11.5pt; }
.caveat { color: #7a4b00; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 1mm 0 3mm; }
th, td { text-align: left; padding: 1.2mm 2mm; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
table.kv th { width: 32%; background: none; font-weight: 600; }
figure { margin: 2mm 0; }
figure svg { width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 9pt; }
ul, ol { margin: 1mm 0 2mm; padding-left: 6mm; }
footer { color: var(--muted); font-size: 8.5pt; margin-top: 8mm; border-top: 1px solid var(--line);
         padding-top: 2mm; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  main { padding: 0; max-width: none; }
  section, table, figure, .summary { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text))


NUMERIC_HEADERS = {"Före", "Efter", "Värde", "Förändring", "Relativt jämförelse", "p",
                   "Kostnad (kr)", "Före → efter", "Jämförelseområden", "Insatser"}


def html_table(df: pd.DataFrame) -> str:
    """A table as escaped HTML (numbers right-aligned, whole numbers in Swedish form)."""
    """A table as escaped HTML (numbers right-aligned, whole numbers in Swedish form)."""
    if df is None or df.empty:
        return "<p>–</p>"
    classes = ["num" if c in NUMERIC_HEADERS or c.endswith("före → efter")
               else "date" if c in ("Start", "Slut", "Första insats") else "" for c in df.columns]

    def cls(c: str) -> str:
        return f' class="{c}"' if c else ""

    head = "".join(f"<th{cls(k)}>{_e(c)}</th>" for c, k in zip(df.columns, classes))
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for value, k in zip(row, classes):
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                value = fmt.num(value)
            cells.append(f"<td{cls(k)}>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def title(ev: Evaluation) -> str:
    return f"Före/efter-utvärdering: {area_list(ev, ev.selection.targets)}"


def filename(ev: Evaluation) -> str:
    """A safe file name: ``utvardering_fokus_kyrkgatan_2025-11-01.html``."""
    key = "_".join(ev.selection.targets[:3])
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in key)
    return f"utvardering_{safe}_{ev.spec.date.isoformat()}.html"


def appendix_html() -> str:
    """Method, general caveats and references: the end of every evaluation report."""
    method = "".join(f"<h3>{_e(h)}</h3><p>{_e(t)}</p>" for h, t in METHOD)
    general = "".join(f"<li>{_e(c)}</li>" for c in GENERAL_CAVEATS)
    refs = "".join(f"<li>{_e(r)}</li>" for r in REFERENCES)
    return (f"<section>\n<h2>Metod</h2>\n{method}\n</section>\n"
            f"<section>\n<h2>Förbehåll</h2>\n<ul>{general}</ul>\n</section>\n"
            f"<section>\n<h2>Referenser</h2>\n<ol>{refs}</ol>\n</section>")


def document(heading: str, page_title: str, meta: str, body: str) -> str:
    """A whole report page: the shared styles, a heading with a line of facts (``meta``,
    escaped here), the ``body`` (HTML), the appendix and the footer."""
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(page_title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header>
<h1>{_e(heading)}</h1>
<p class="meta">{_e(meta)}</p>
</header>
{body}
{appendix_html()}
<footer>Rapporten är skapad med EST Lägesbild (Effektiv samordning för trygghet).
Siffrorna avser händelser som aktörerna rapporterat, inte all brottslighet.</footer>
</main>
</body>
</html>
"""


def render_html(ev: Evaluation, database: str | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    created = ev.created_at or dt.datetime.now().replace(microsecond=0)
    summary = "".join(f"<p>{_e(s)}</p>" for s in summary_sentences(ev))
    warns = "".join(f'<p class="caveat">{_e(c)}</p>' for c in caveats(ev))
    selection = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in selection_rows(ev))
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
</section>"""
    return document(title(ev), f"{title(ev)} ({fmt.date(ev.spec.date)})", meta, body)


def render_bytes(ev: Evaluation, database: str | None = None) -> bytes:
    return render_html(ev, database).encode("utf-8")


def report_for(con, spec, database: str | None = None) -> bytes:
    """Evaluate ``spec`` on ``con`` and render the report (for cached page reads)."""
    from est_data.evaluation.evaluate import evaluate

    return render_bytes(evaluate(con, spec), database)
