"""Plain Swedish for the evaluation's terms and for what its power means (issue 14,
items 4 and 8).

The partners who read a Före/efter result are not statisticians: every term the page,
the report and the Årsuppföljning use (KI, RES, WDD, WDQ, p, placebotest, matchade
jämförelseområden, styrka) is explained here once, and the texts take it from here.
The power sentences are written from :attr:`.evaluate.Evaluation.power`
(:mod:`.power`), the same numbers as ``evaluate --json``'s ``power``.
"""
from __future__ import annotations

from est_data.core import fmt
from est_data.core.html import esc
from est_data.evaluation.power import ENOUGH

GLOSSARY: dict[str, str] = {
    "KI": "Konfidensintervall: det spann som den verkliga förändringen med 95 % säkerhet "
          "ligger inom. Korsar det noll går det inte att säga om det blev bättre eller sämre.",
    "Modell": "Förändringen räknas i en modell över månader som tar hänsyn till årstiden och "
              "till att antalet händelser varierar mer mellan månader än ren slump.",
    "Matchade jämförelseområden": "Områden utan insatsen som före insatsen liknade målområdet "
                                  "mest i nivå och utveckling. Ett område som väljs för att "
                                  "det hade många händelser brukar sjunka lite av sig självt; "
                                  "lika områden sjunker på samma sätt.",
    "Placebotest": "Varje jämförelseområde prövas som om det hade fått insatsen. Om många av "
                   "dem ”minskade” lika mycket utan någon insats är minskningen i målområdet "
                   "inte ovanlig. Bedömningen räknar in hur mycket områden varierar mellan åren.",
    "Placebotest i tid": "Samma utvärdering med insatsdatumet flyttat till mitten av "
                         "föreperioden. Ändrades målområdet redan då, kan förändringen "
                         "efter insatsen vara en fortsättning.",
    "p": "Andelen av områdena utan insats (målområdet inräknat) som minskade lika mycket "
         "eller mer. Litet p = ovanlig minskning.",
    "Styrka": "Chansen att en verklig minskning av en viss storlek syns som en säkerställd "
              "minskning med så här många händelser och så lång efterperiod.",
    "RES": "Relativ effektstorlek: målområdets förändring jämfört med jämförelseområdenas. "
           "Under 1 betyder att målområdet gick bättre.",
    "WDD": "Viktad förflyttningsskillnad: nettoeffekten i antal händelser när målområdets "
           "förändring räknas mot jämförelsen och grannområdena (förflyttning).",
    "WDQ": "Viktad förflyttningskvot: visar om grannområdena fick mer (förflyttning, under 0) "
           "eller mindre (spridning av nytta, över 0) i förhållande till vinsten i målområdet.",
}


def glossary_markdown(terms: tuple[str, ...] | None = None) -> str:
    """The terms as a Markdown list (all of them, or ``terms`` in that order)."""
    keys = terms or tuple(GLOSSARY)
    return "\n".join(f"- **{k}**: {GLOSSARY[k]}" for k in keys)


def pct_abs(x: float) -> str:
    """A share as a whole percent without sign: ``0.384`` → ``38``."""
    return fmt.num(abs(x) * 100)


def signed_pct(x: float) -> str:
    """``+12``, ``−3``; a value that rounds to zero is plain ``0``."""
    return "0" if round(x * 100) == 0 else fmt.signed(x * 100)


def interval(low: float, high: float) -> str:
    """Changes as shares: ``20–52 %`` when both bounds have one sign (without it), else
    ``−30 till +8 %``."""
    if low >= 0 and high >= 0:
        return f"{pct_abs(low)}–{pct_abs(high)}{fmt.NBSP}%"
    if low <= 0 and high <= 0:
        return f"{pct_abs(high)}–{pct_abs(low)}{fmt.NBSP}%"
    return f"{signed_pct(low)} till {signed_pct(high)}{fmt.NBSP}%"


def pre_trend_caveat(ev) -> str | None:
    """The placebo test in time (:mod:`.placebo_time`): a change inside the before-window
    itself, relative to the comparison areas, as a caveat; None when there is none."""
    pt = ev.pre_trend
    if pt is None or ev.verdict in ("incomplete", "uncertain"):
        return None
    if not (pt.ci_high < 1 or pt.ci_low > 1):
        return None
    way = "minskade" if pt.ci_high < 1 else "ökade"
    return (f"Redan före insatsen {way} målområdet relativt jämförelseområdena (andra halvan "
            f"av föreperioden mot den första: {signed_pct(pt.effect - 1)}{fmt.NBSP}%, KI "
            f"{interval(pt.ci_low - 1, pt.ci_high - 1)}; placebotest i tid). En förändring i "
            f"samma riktning efter insatsen kan vara en fortsättning, och räknas inte som "
            f"säkerställd.")


def glossary_html() -> str:
    """The terms as an HTML definition list (the reports)."""
    return "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
                            for k, v in GLOSSARY.items()) + "</dl>"


def months_text(months: int | None) -> str:
    """``ungefär 14 månader`` / ``mer än fem år``."""
    if months is None:
        return "mer än fem år"
    return f"ungefär {fmt.num(months)} {'månad' if months == 1 else 'månader'}"


def power_sentence(power: dict) -> str | None:
    """``Med nuvarande nivå finns 45 % chans att en minskning med 30 % syns som
    säkerställd efter 12 månader (68 % efter 24); en minskning med 30 % säkerställs med
    80 % chans efter ungefär 20 månader.`` or None without a power table."""
    if not power or power.get("detect_30_12m") is None:
        return None
    pct = lambda x: f"{fmt.num(round(x * 100))}{fmt.NBSP}%"  # noqa: E731
    assumed = (" (med antagen variation: för få händelser eller områden för att mäta den)"
               if power.get("assumed") else "")
    first = (f"Med nuvarande nivå finns {pct(power['detect_30_12m'])} chans att en minskning "
             f"med 30{fmt.NBSP}% syns som säkerställd efter 12 månader "
             f"({pct(power['detect_30_24m'])} efter 24){assumed}.")
    for drop in (30, 40):
        months = power.get(f"months_to_detect_{drop}")
        if months is not None:
            return (f"{first} En minskning med {drop}{fmt.NBSP}% säkerställs med "
                    f"{round(ENOUGH * 100)}{fmt.NBSP}% chans efter {months_text(months)}.")
    return (f"{first} Inte ens en minskning med 40{fmt.NBSP}% säkerställs med "
            f"{round(ENOUGH * 100)}{fmt.NBSP}% chans inom fem år: områdena varierar för "
            f"mycket eller har för få händelser.")


def no_change_reason(power: dict) -> str:
    """Why ``Ingen säkerställd förändring``: too early (or too few events) to find a 30 %
    drop with this after-window, or a change smaller than one that would have been found."""
    now = power.get("detect_30_now") if power else None
    if now is None or now < ENOUGH:
        chance = "" if now is None else (f" (chansen att se en minskning med 30{fmt.NBSP}% "
                                         f"var {fmt.num(round(now * 100))}{fmt.NBSP}%)")
        return (f"Det är för tidigt eller för få händelser för att säga om insatsen "
                f"fungerade{chance}.")
    return (f"Efterperioden var lång nog för att en minskning med 30{fmt.NBSP}% troligen "
            f"hade synts, så en eventuell effekt är troligen mindre än så.")
