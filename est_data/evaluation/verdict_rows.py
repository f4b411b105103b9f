"""The verdict's numbers as table rows (the page's and the report's "Mått"): the model,
the interval the verdict is read from, the placebo tests in space and in time. The same
numbers as ``evaluate --json``'s ``model`` and ``placebo``.
"""
from __future__ import annotations

import math

from est_data.core import fmt


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


def _row(what: str, value: str, spread: str, why: str) -> dict:
    return {"Mått": what, "Värde": value, "Osäkerhet": spread, "Förklaring": why}


def model_rows(ev) -> list[dict]:
    """The model's effect, the verdict's interval, the placebo rank and the pre-trend."""
    m, conf = ev.model, fmt.num(ev.spec.conf_level * 100)
    if m is None:
        return [_row("Effekt enligt modellen (bedömningen)", "–", "–",
                     "Kan inte skattas: för få händelser i någon period.")]
    against = "jämförelseområdenas utveckling" if m.design == "did" else "föreperioden"
    rows = [_row("Effekt enligt modellen (bedömningen)", ratio(m.effect),
                 f"{conf} % KI {ratio_ci(m.ci_low, m.ci_high)}; spridning "
                 f"{fmt.num(m.dispersion, 1)} × Poisson",
                 f"Kvot mot {against}, med årstid och variationen mellan månader "
                 f"(kvasi-Poisson). Under 1 = färre händelser än väntat.")]
    vi, pl = ev.verdict_ci, ev.placebo
    if vi is not None:
        how = ("antagen variation mellan år (för få jämförelseområden för att mäta den)"
               if vi.assumed else f"variation mellan år {fmt.num(vi.tau, 2)} (mätt)")
        level = ("" if pl is None or abs(pl.expected - 1) < 0.005 else
                 f" Ett område med så många händelser före väntas ändras av sig självt "
                 f"med kvoten {ratio(pl.expected)} (återgång mot medelvärdet); det är "
                 f"räknat bort.")
        rows.append(_row("Bedömningens intervall", "–",
                         f"{conf} % KI {ratio_ci(vi.low, vi.high)}; {how}",
                         "Modellens effekt med hur mycket områden utan insats ändras från "
                         "år till år inräknat. En minskning räknas bara om både detta "
                         "och modellens intervall ligger under 1." + level))
    if pl is not None:
        rows.append(_row("Placebotest i rummet", f"plats {pl.rank} av {pl.n + 1}",
                         p_text(pl.p),
                         "Varje kandidatområde prövat som om det vore målområdet. Plats 1 "
                         "= inget av dem minskade lika mycket."))
    pt = ev.pre_trend
    if pt is not None:
        rows.append(_row("Placebotest i tid", ratio(pt.effect),
                         f"{conf} % KI {ratio_ci(pt.ci_low, pt.ci_high)}",
                         "Samma modell med insatsen flyttad till mitten av föreperioden. "
                         "Under 1 med intervallet under 1: målområdet minskade redan före "
                         "insatsen, och en minskning efter räknas inte."))
    return rows
