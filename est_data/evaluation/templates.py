"""The frame every evaluation report shares: styles, the page around a report's body,
the method/caveats/references appendix and escaped HTML tables.

Used by the single evaluation (:mod:`est_data.evaluation.report`) and the Årsuppföljning
(:mod:`est_data.evaluation.followup`); the page shows :data:`METHOD` too. Every text
from the data passes :func:`est_data.core.html.esc`.
"""
from __future__ import annotations

import numbers

import pandas as pd

from est_data.core import fmt
from est_data.core.html import esc

METHOD = (
    ("Perioder", "Händelserna räknas i en period före och en lika lång period efter "
     "insatsdatumet. En genomförandetid kan uteslutas mellan perioderna. Bara unika "
     "händelser räknas: samma händelse rapporterad av flera aktörer räknas en gång."),
    ("Områden", "Målområdet jämförs med jämförelseområden (standard: de åtta "
     "statistikområden, bland dem som inte gränsar till målområdet eller bufferten, som "
     "liknade målområdet mest före insatsen i nivå och utveckling). Förflyttning undersöks i en buffert: "
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


NUMERIC_HEADERS = {"Före", "Efter", "Värde", "Förändring", "Relativt jämförelse", "Bedömd förändring", "p",
                   "Kostnad (kr)", "Före → efter", "Jämförelseområden", "Insatser"}


def html_table(df: pd.DataFrame) -> str:
    """A table as escaped HTML (numbers right-aligned, whole numbers in Swedish form)."""
    if df is None or df.empty:
        return "<p>–</p>"
    classes = ["num" if c in NUMERIC_HEADERS or c.endswith("före → efter")
               else "date" if c in ("Start", "Slut", "Första insats") else "" for c in df.columns]

    def cls(c: str) -> str:
        return f' class="{c}"' if c else ""

    head = "".join(f"<th{cls(k)}>{esc(c)}</th>" for c, k in zip(df.columns, classes))
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for value, k in zip(row, classes):
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                value = fmt.num(value)
            cells.append(f"<td{cls(k)}>{esc(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def appendix_html() -> str:
    """Method, general caveats and references: the end of every evaluation report."""
    method = "".join(f"<h3>{esc(h)}</h3><p>{esc(t)}</p>" for h, t in METHOD)
    general = "".join(f"<li>{esc(c)}</li>" for c in GENERAL_CAVEATS)
    refs = "".join(f"<li>{esc(r)}</li>" for r in REFERENCES)
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
<title>{esc(page_title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header>
<h1>{esc(heading)}</h1>
<p class="meta">{esc(meta)}</p>
</header>
{body}
{appendix_html()}
<footer>Rapporten är skapad med EST Lägesbild (Effektiv samordning för trygghet).
Siffrorna avser händelser som aktörerna rapporterat, inte all brottslighet.</footer>
</main>
</body>
</html>
"""


GENERAL_CAVEATS = (
    "Fokusområden väljs ofta för att nivån var ovanligt hög. Sådana toppar brukar sjunka "
    "av sig själva (regression mot medelvärdet), så en del av minskningen kan ha kommit "
    "ändå. Därför jämförs målområdet med de områden som liknade det mest före insatsen "
    "(matchade), och varje kandidatområde prövas som om det vore målområdet (placebotest). "
    "Hur mycket de ändras av sig själva från år till år, och hur mycket ett område som "
    "valts för sina många händelser väntas sjunka ändå (räknat ur antalen), räknas in i "
    "bedömningen: en minskning räknas bara om den håller även då.",
    "Antalet rapporter speglar också hur mycket som rapporteras: mer närvaro (polis, "
    "nattvandrare, fastighetsvärdar) kan ge fler rapporter även om det inträffar mindre.",
    "Intervallen i tabellerna bygger på antagandet att händelserna är oberoende (Poisson). "
    "Händelser som hänger ihop (samma grupp, samma kväll) gör den verkliga osäkerheten "
    "större; bedömningen överst tar hänsyn till det och till årstiden med en modell på "
    "månadsantal.",
    "Händelser som bara är kända på område eller kommun kan inte placeras i ett fokusområde "
    "eller i en ring; de räknas i sitt statistikområde eller inte alls.",
)
