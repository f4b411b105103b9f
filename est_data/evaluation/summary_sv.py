"""The plain Swedish summary of an evaluation, which never claims more than the data do.

The headline and the one-line verdict of the Årsuppföljning are written from
``Evaluation.verdict`` and ``Evaluation.model`` (:func:`.evaluate.verdict_code`: the
quasi-Poisson difference-in-differences model of :mod:`.did`), never from separate
logic; an after-window the data do not yet cover gives "Efterperioden är inte hel ännu
(N av M dagar)" and no percentage at all. The sentences after the headline are the details
(exact rate ratios and RES). Rules (95 % intervals unless the evaluation says otherwise):

- the rules of :mod:`.wording`: a change is asserted only when its interval excludes no
  change (else "inte statistiskt säkerställd", no verb of direction); no percentage with
  too few events; the table row's change relative to the comparison is the model's effect;
- displacement is judged against the comparison areas (buffer relative to comparison);
  single buffer areas are mentioned only with a correction for many tests;
- short windows get a seasonality warning; partners that stopped reporting are named."""
from __future__ import annotations

import datetime as dt

from est_data.core import fmt
from est_data.evaluation.counts import Counts
from est_data.evaluation.evaluate import Evaluation
from est_data.evaluation.explain_sv import (
    interval as _interval, no_change_reason, pct_abs as _p, pre_trend_caveat,
    signed_pct as _signed_pct)
from est_data.evaluation.reporting import reporting_caveat
from est_data.evaluation.stats import RateRatio, RelativeEffectSize
from est_data.core.taxonomy import labels
from est_data.evaluation.wording import MIN_EVENTS as FEW_EVENTS, VERDICT_LABELS, claim, headline_effect
STEADY_BAND = 0.10  # an interval inside ±10 % counts as "i stort sett oförändrad"
ALPHA = 0.05

# Definite plural ("Inbrotten minskade …") and indefinite plural ("störningar och
# inbrott") forms of the standard categories; other codes fall back to their label.
DEFINITE = {
    "storning": "Störningarna", "inbrott": "Inbrotten", "klotter": "Klottret",
    "skadegorelse": "Skadegörelsen", "stold": "Stölderna", "brand": "Bränderna",
    "nedskrapning": "Nedskräpningen", "narkotika": "Narkotikahändelserna",
    "vald_hot": "Händelserna med våld och hot", "otrygg_plats": "Rapporterna om otrygga platser",
    "samling": "Samlingarna", "obehorig": "Händelserna med obehöriga",
    "ovrigt": "Övriga händelser",
}
PLURAL = {
    "storning": "störningar", "inbrott": "inbrott", "klotter": "klotter",
    "skadegorelse": "skadegörelse", "stold": "stölder", "brand": "bränder",
    "nedskrapning": "nedskräpning", "narkotika": "narkotikahändelser",
    "vald_hot": "våld och hot", "otrygg_plats": "otrygga platser", "samling": "samlingar",
    "obehorig": "obehöriga i fastigheter", "ovrigt": "övrigt",
}
RES_REASONS = {
    "zero_count": "något av antalen i mål- eller jämförelseområdet är noll",
}


# --- Words and numbers ------------------------------------------------------------------------

def subject(categories: tuple[str, ...]) -> str:
    """What changed, as the sentence's subject: "Inbrotten", "Störningar och inbrott"."""
    if not categories:
        return "Händelserna"
    if len(categories) == 1:
        code = categories[0]
        return DEFINITE.get(code, f"Händelserna i kategorin {labels().get(code, code).lower()}")
    if len(categories) > 3:
        return "Händelserna i de valda kategorierna"
    words = [PLURAL.get(c, labels().get(c, c).lower()) for c in categories]
    text = ", ".join(words[:-1]) + " och " + words[-1]
    return text[0].upper() + text[1:]


def _ki(conf: float) -> str:
    return f"{fmt.num(conf * 100)}{fmt.NBSP}% KI"


def _few(c: Counts) -> bool:
    return min(c.before, c.after) < FEW_EVENTS


def _rr_change(rr: RateRatio) -> tuple[float, float, float]:
    """Change after/before as ``(estimate, low, high)`` shares (−0.38 = −38 %)."""
    return rr.estimate - 1, rr.ci_low - 1, rr.ci_high - 1


def _res_change(res: RelativeEffectSize) -> tuple[float, float, float]:
    """The target's (or buffer's) change relative to the comparison areas, as shares."""
    return 1 / res.estimate - 1, 1 / res.ci_high - 1, 1 / res.ci_low - 1


# --- The sentences ------------------------------------------------------------------------------

def target_sentence(ev: Evaluation) -> str:
    t, rr, conf = ev.target, ev.stats.target_rr, ev.spec.conf_level
    if t.total == 0:
        return "Inga händelser i målområdet under perioderna: det finns inget att utvärdera."
    if _few(t):
        return (f"Resultatet är osäkert: målområdet hade bara {fmt.num(t.before)} händelser "
                f"före och {fmt.num(t.after)} efter, för få för att ange en förändring i procent.")
    who = subject(ev.spec.categories)
    together = " sammantaget" if len(ev.spec.categories) > 1 else ""
    est, low, high = _rr_change(rr)
    said = claim(rr.ci_low, rr.ci_high)
    if said:
        verb = "minskade" if said == "decrease" else "ökade"
        return f"{who} {verb}{together} med {_p(est)}{fmt.NBSP}% ({_ki(conf)} {_interval(low, high)})."
    return (f"Förändringen av {who.lower()} i målområdet, {_signed_pct(est)}{fmt.NBSP}%, är "
            f"inte statistiskt säkerställd ({_ki(conf)} {_interval(low, high)}).")


def control_sentence(ev: Evaluation) -> str:
    c, conf = ev.control, ev.spec.conf_level
    if not ev.selection.controls:
        return "Inga jämförelseområden valdes, så utvecklingen kan inte jämföras med omgivningen."
    if _few(c):
        return (f"I jämförelseområdena var händelserna för få ({fmt.num(c.before)} före, "
                f"{fmt.num(c.after)} efter) för att jämföra med.")
    est, low, high = _rr_change(ev.stats.control_rr)
    ki = f"{_ki(conf)} {_interval(low, high)}"
    target_est, _, target_high = _rr_change(ev.stats.target_rr)
    target_down = not _few(ev.target) and target_high < 0
    if high < 0:
        also = " också" if target_down else ""
        return f"I jämförelseområdena minskade nivån{also}, med {_p(est)}{fmt.NBSP}% ({ki})."
    if low > 0:
        return f"I jämförelseområdena ökade nivån med {_p(est)}{fmt.NBSP}% ({ki})."
    if low >= -STEADY_BAND and high <= STEADY_BAND:
        return (f"I jämförelseområdena var nivån i stort sett oförändrad "
                f"({_signed_pct(est)}{fmt.NBSP}%, {ki}).")
    return (f"I jämförelseområdena ändrades nivån inte säkerställt "
            f"({_signed_pct(est)}{fmt.NBSP}%, {ki}).")


def relative_sentence(ev: Evaluation) -> str | None:
    """The target against the comparison areas (relative effect size)."""
    if _few(ev.target) or _few(ev.control) or not ev.selection.controls:
        return None
    res, conf = ev.stats.res, ev.spec.conf_level
    if res is None:
        reason = RES_REASONS.get(ev.stats.res_error or "", "något av antalen saknas")
        return f"Den relativa effekten kan inte beräknas eftersom {reason}."
    est, low, high = _res_change(res)
    ki = f"{_ki(conf)} {_interval(low, high)}"
    said = claim(1 + low, 1 + high)
    if said and said == ev.verdict:
        what = "minskningen" if said == "decrease" else "ökningen"
        return f"Relativt jämförelseområdena är {what} {_p(est)}{fmt.NBSP}% ({ki})."
    if said:  # the exact RES alone would claim what the verdict does not
        return (f"Med det exakta intervallet (RES, som antar oberoende händelser) är skillnaden "
                f"mot jämförelseområdena {_signed_pct(est)}{fmt.NBSP}% ({ki}), men bedömningen "
                f"ovan räknar den inte som säkerställd.")
    target_high = ev.stats.target_rr.ci_high - 1
    if target_high < 0:
        return (f"Minskningen i målområdet skiljer sig inte säkert från utvecklingen i "
                f"jämförelseområdena (relativt {_signed_pct(est)}{fmt.NBSP}%, {ki}), så den "
                f"kan inte säkert tillskrivas insatserna.")
    return (f"Skillnaden mot jämförelseområdena är inte statistiskt säkerställd "
            f"(relativt {_signed_pct(est)}{fmt.NBSP}%, {ki}).")


def buffer_place(ev: Evaluation) -> str:
    sel = ev.selection
    if sel.ring_m is not None:
        return f"ringen {fmt.num(sel.ring_m)}{fmt.NBSP}m runt målområdet"
    return "grannområdena" if sel.buffers_default else "buffertområdena"


def buffer_sentences(ev: Evaluation) -> list[str]:
    """Displacement (or diffusion of benefits) into the buffer, against the comparison."""
    b, conf = ev.buffer, ev.spec.conf_level
    if b is None:
        return ["Förflyttning har inte undersökts (ingen buffert vald)."]
    place = buffer_place(ev)
    if _few(b):
        return [f"För få händelser i {place} ({fmt.num(b.before)} före, {fmt.num(b.after)} "
                f"efter) för att bedöma förflyttning."]
    if _few(ev.control) or ev.stats.buffer_res is None:
        return [f"Förflyttning till {place} kan inte bedömas utan tillräckligt många "
                f"händelser i jämförelseområdena."]
    est, low, high = _res_change(ev.stats.buffer_res)
    ki = f"{_ki(conf)} {_interval(low, high)}"
    if low > 0:
        out = [f"Tecken på förflyttning: i {place} ökade nivån med {_p(est)}{fmt.NBSP}% "
               f"relativt jämförelseområdena ({ki})."]
    elif high < 0:
        out = [f"I {place} minskade nivån med {_p(est)}{fmt.NBSP}% relativt "
               f"jämförelseområdena ({ki}), vilket kan tyda på att effekten spred sig dit "
               f"snarare än att händelserna flyttade."]
    else:
        whole = " som helhet" if len(ev.selection.buffers) > 1 else ""
        out = [f"Inga tecken på förflyttning till {place}{whole} "
               f"(relativt jämförelseområdena {_signed_pct(est)}{fmt.NBSP}%, {ki})."]
    out += single_area_sentences(ev)
    return out


def single_area_sentences(ev: Evaluation) -> list[str]:
    """Buffer areas that rose more than the comparison areas, with a Bonferroni check."""
    table = ev.buffer_by_area
    if table is None or len(table) < 2:
        return []
    k = len(table)
    rising = table[(table["rel_change"].notna()) & (table["rel_change"] > 0)
                   & (table["p_value"] < ALPHA)
                   & (table[["before", "after"]].min(axis=1) >= FEW_EVENTS)]
    out = []
    for row in rising.sort_values("p_value").itertuples():
        ki = f"{_ki(ev.spec.conf_level)} {_interval(row.ci_low, row.ci_high)}"
        if row.p_value * k < ALPHA:
            out.append(f"I {row.name} ökade nivån dock mer än i jämförelseområdena "
                       f"({_signed_pct(row.rel_change)}{fmt.NBSP}%, {ki}), vilket kan tyda på "
                       f"förflyttning dit.")
        else:
            out.append(f"I {row.name} ökade nivån mer än i jämförelseområdena "
                       f"({_signed_pct(row.rel_change)}{fmt.NBSP}%, {ki}), men med {k} "
                       f"grannområden kan en sådan skillnad uppstå av en slump.")
    return out


def headline(ev: Evaluation) -> str:
    """One line saying what was evaluated: areas, date, windows, categories."""
    w, names = ev.windows, ev.selection.names
    areas = ", ".join(names.get(a, a) for a in ev.selection.targets)
    cats = ", ".join(labels().get(c, c) for c in ev.spec.categories) or "alla kategorier"
    before = f"{fmt.date(w.before_start)} – {fmt.date(w.before_end - dt.timedelta(days=1))}"
    after = f"{fmt.date(w.after_start)} – {fmt.date(w.after_end - dt.timedelta(days=1))}"
    return (f"{areas}, insats {fmt.date(ev.spec.date)}. Före: {before}. Efter: {after}. "
            f"Kategorier: {cats}.")


def incomplete_text(ev: Evaluation) -> str:
    """``Efterperioden är inte hel ännu (200 av 365 dagar)``."""
    return (f"Efterperioden är inte hel ännu ({fmt.num(int(ev.after_days_observed))} av "
            f"{fmt.num(ev.windows.after_days)} dagar)")


def verdict_sentence(ev: Evaluation) -> str:
    """The headline, written from ``ev.verdict`` and the model (never from other logic)."""
    code, m, conf = ev.verdict, ev.model, ev.spec.conf_level
    if code == "incomplete":
        return (f"{incomplete_text(ev)}: det går ännu inte att bedöma effekten, och "
                f"antalen efter är inte jämförbara med antalen före.")
    shown = headline_effect(ev)
    if code == "uncertain" or m is None or shown is None:
        return ("Bedömning: osäkert. Det finns för få händelser för att säga om insatserna "
                "gav någon effekt.")
    against = ("relativt jämförelseområdena" if m.design == "did"
               else "jämfört med föreperioden (utan jämförelseområden)")
    est, low, high = shown
    ki = f"{_ki(conf)} {_interval(low, high)}"
    how = "modell med årstid och variation mellan månader"
    if code in ("decrease", "increase"):
        label = VERDICT_LABELS[code].lower()
        return f"Bedömning: {label}, {_p(est)}{fmt.NBSP}% {against} ({ki}; {how})."
    reason = no_change_reason(ev.power)
    pt = ev.pre_trend
    if high < 0 and pt is not None and pt.ci_high < 1 and ev.verdict_ci.high < 1:
        return (f"Bedömning: ingen säkerställd förändring. Modellen visar en minskning med "
                f"{_p(est)}{fmt.NBSP}% {against} ({ki}; {how}), men målområdet minskade "
                f"redan före insatsen (placebotest i tid), så minskningen kan vara en "
                f"fortsättning av den utvecklingen.")
    if high < 0 and ev.verdict_ci is not None:
        return _placebo_sentence(ev, f"{_p(est)}{fmt.NBSP}% {against} ({ki}; {how})")
    return (f"Bedömning: ingen säkerställd förändring {against} ({_signed_pct(est)}{fmt.NBSP}%, "
            f"{ki}; {how}). {reason}")


def _placebo_sentence(ev: Evaluation, shown: str) -> str:
    """The model shows a decrease that the verdict's wider interval does not confirm."""
    pl, vi = ev.placebo, ev.verdict_ci
    if pl is not None:
        before = pl.rank - 1
        rank = (f"placebotest: {fmt.num(before)} av {fmt.num(pl.n)} jämförelseområden "
                f"minskade lika mycket eller mer utan insatsen" if before else
                f"placebotest: inget av {fmt.num(pl.n)} jämförelseområden minskade lika mycket")
    else:
        rank = "för få jämförelseområden för att mäta det, så en vanlig variation är antagen"
    by_itself = "" if pl is None or abs(pl.expected - 1) < 0.02 else (
        f" Ett område med så många händelser före väntas ändras med "
        f"{_signed_pct(pl.expected - 1)}{fmt.NBSP}% av sig självt (återgång mot "
        f"medelvärdet).")
    return (f"Bedömning: ingen säkerställd förändring. Modellen visar en minskning med {shown}, "
            f"men områden utan insatsen ändras också från år till år ({rank}).{by_itself} "
            f"Med det inräknat är intervallet {_interval(vi.low - 1, vi.high - 1)}, och "
            f"det utesluter inte att minskningen är sådan som ett område med en topp får ändå.")


def summary_sentences(ev: Evaluation) -> list[str]:
    """The summary, sentence by sentence (without the caveats): the verdict first, then
    the details. An incomplete after-window gives the verdict alone (no percentages)."""
    if ev.verdict == "incomplete":
        return [verdict_sentence(ev)]
    out = [verdict_sentence(ev), target_sentence(ev), control_sentence(ev)]
    relative = relative_sentence(ev)
    if relative:
        out.append(relative)
    return out + buffer_sentences(ev)


def summary_text(ev: Evaluation) -> str:
    """The summary as one paragraph, followed by the caveats that apply."""
    return " ".join(summary_sentences(ev) + caveats(ev))


# --- Short forms for one row of a table (the Årsuppföljning) ---------------------------------

def _row_interval(est: float, low: float, high: float) -> str:
    return f"{_signed_pct(est)}{fmt.NBSP}% ({_signed_pct(low)} till {_signed_pct(high)})"


def change_text(ev: Evaluation, c: Counts, rr: RateRatio) -> str:
    """A window's change after/before with its interval, ``−40 % (−63 till −5)``, or
    why there is none (incomplete after-window; no events; too few in a window)."""
    if ev.verdict == "incomplete":
        return "–"
    if c.total == 0:
        return "inga händelser"
    if _few(c):
        return "för få händelser"
    return _row_interval(*_rr_change(rr))


def relative_text(ev: Evaluation) -> str:
    """The headline change (the model's effect, relative to the comparison areas or to
    the before-period alone) with its interval, or ``–`` (:func:`.wording.headline_effect`)."""
    shown = headline_effect(ev)
    return "–" if shown is None else _row_interval(*shown)


# Every row starts with the verdict's label (:data:`.wording.VERDICT_LABELS`).
VERDICT_ROW = {code: (f"{VERDICT_LABELS[code]}{more}.", f"{VERDICT_LABELS[code]}.")
               for code, more in (("decrease", ", mer än i jämförelseområdena"),
                                  ("increase", ", mer än i jämförelseområdena"), ("no_change", ""))}


def verdict(ev: Evaluation) -> str:
    """One sentence for a table, written from ``ev.verdict`` (the model's interval, the
    10-event rule and whether the after-window is whole)."""
    if ev.verdict == "incomplete":
        return incomplete_text(ev) + "."
    if ev.target.total == 0:
        return "Inga händelser under perioderna."
    if ev.verdict == "uncertain" or ev.model is None:
        return "Osäkert: för få händelser för en slutsats."
    did, alone = VERDICT_ROW[ev.verdict]
    if ev.verdict == "no_change" and ev.model.ci_high < 1:
        return f"{VERDICT_LABELS['no_change']}: {_why_not_a_decrease(ev)}."
    return did if ev.model.design == "did" else alone


def _why_not_a_decrease(ev: Evaluation) -> str:
    """Why the model's decrease is not the verdict: the verdict's interval (areas change
    by themselves) reaches zero, or the target was already falling before the measure."""
    vi = ev.verdict_ci
    if vi is None or vi.high >= 1:
        parts = ([] if vi is None else
                 [f"bedömningens intervall {_interval(vi.low - 1, vi.high - 1)}"])
        if ev.placebo is not None:
            parts.append(f"placebotest, p = {fmt.num(ev.placebo.p, 2)}")
        shown = f" ({'; '.join(parts)})" if parts else ""
        return ("minskningen håller inte när det räknas in hur mycket områden utan insats "
                f"ändras av sig själva{shown}")
    return "målområdet minskade redan före insatsen (placebotest i tid)"


# --- Caveats ----------------------------------------------------------------------------------

def covers_whole_years(days: int) -> bool:
    """True for 365/366, 730/731, … days (within 1,5 days of whole years)."""
    years = round(days / 365.25)
    return years >= 1 and abs(days - years * 365.25) <= 1.5


def caveats(ev: Evaluation) -> list[str]:
    """Warnings that apply to this evaluation, in Swedish."""
    w = ev.windows
    out = [c for c in (reporting_caveat(ev.reporting), pre_trend_caveat(ev)) if c]
    seen_before, seen_after = round(ev.before_days_observed), round(ev.after_days_observed)
    if not (covers_whole_years(seen_before) and covers_whole_years(seen_after)):
        out.append("Obs: perioderna täcker inte hela år, så årstidsvariationer (till exempel "
                   "mörker på vintern och sommarkvällar) kan påverka skillnaden mellan före och "
                   "efter.")
    if seen_before != seen_after:
        out.append(f"Obs: föreperioden ({fmt.num(seen_before)} dagar) och efterperioden "
                   f"({fmt.num(seen_after)} dagar) med data är olika långa. Förändringen "
                   f"räknas per dag, men WDD förutsätter lika långa perioder.")
    last_day = w.after_end - dt.timedelta(days=1)
    if ev.data_last is not None and last_day > ev.data_last:
        out.append(f"Obs: efterperioden slutar {fmt.date(last_day)} men data finns bara till "
                   f"{fmt.date(ev.data_last)}; bara dagarna med data räknas.")
    if ev.data_first is not None and w.before_start < ev.data_first:
        out.append(f"Obs: föreperioden börjar {fmt.date(w.before_start)} men data finns först "
                   f"från {fmt.date(ev.data_first)}; bara dagarna med data räknas.")
    others = ev.other_measures
    if others is not None and len(others):
        titles = ", ".join(f"{r.title} ({r.area_name})" for r in others.head(3).itertuples())
        more = f" med flera ({fmt.num(len(others))} st.)" if len(others) > 3 else ""
        out.append(f"Obs: under perioderna gjordes också insatser i jämförelse- eller "
                   f"buffertområdena: {titles}{more}.")
    return out
