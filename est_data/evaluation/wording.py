"""What an evaluation may say, in one place (issue 14, item 5; DESIGN.md §8 "Claims").

Every page, report, export and CLI text of an evaluation asks these rules before it
writes a word or a number; none of them decides on its own:

- **Claims**: a change is asserted ("minskade", "ökade") only when its interval excludes
  no change (:func:`claim`); otherwise the text says it is not established.
- **Percentages** appear only when the after-window is whole and every window they are
  computed from has at least :data:`MIN_EVENTS` events (:func:`shows_percent`): cards,
  tiles, tables, reports and the CLI.
- **The headline percentage** is the model's relative effect (:mod:`.did`), the same
  number ``evaluate --json`` gives as ``model.effect`` (:func:`headline_effect`); the
  exact rate ratios and the RES are details.
- **WDD** counts events, so it is only comparable when the comparison areas are about as
  busy as the target: when their before-count is more than :data:`WDD_SIZE_RATIO` times
  the target's, it carries a warning (:func:`wdd_warning`).
- **WDQ** divides the buffer's change by the target's success; it is shown only when that
  success is itself established (:func:`wdq_meaningful`): the target fell relative to the
  comparison areas with an interval that excludes no change (RES interval above 1), and the
  target, comparison and buffer each have :data:`MIN_EVENTS` events in both windows.
"""
from __future__ import annotations

from est_data.core import fmt
from est_data.evaluation.counts import Counts

# ``ev`` below is an :class:`.evaluate.Evaluation`; it is not imported here, because the
# evaluation itself decides its verdict with :func:`claim` (no import cycle).

MIN_EVENTS = fmt.MIN_EVENTS_FOR_PERCENT  # 10
# A comparison more than three times as busy as the target before the measure: a WDD of
# "−20 events" then mostly measures the comparison's size, not the target's change.
WDD_SIZE_RATIO = 3.0

# The verdict codes of ``evaluate --json`` and their short Swedish labels (cards, tables).
VERDICT_LABELS = {
    "decrease": "Minskning",
    "increase": "Ökning",
    "no_change": "Ingen säkerställd förändring",
    "uncertain": "Osäkert",
    "incomplete": "Efterperioden är inte hel ännu",
}


def claim(low: float, high: float) -> str | None:
    """``"decrease"``/``"increase"`` when the interval of a ratio (1 = no change) lies
    wholly below/above 1, else None: then nothing may be asserted."""
    if high < 1:
        return "decrease"
    if low > 1:
        return "increase"
    return None


def enough_events(*counts: Counts | None) -> bool:
    """True when every given window (before and after of each Counts) has at least
    :data:`MIN_EVENTS` events; a missing group (None) fails."""
    return all(c is not None and min(c.before, c.after) >= MIN_EVENTS for c in counts)


def shows_percent(ev, *counts: Counts | None) -> bool:
    """May a percentage computed from ``counts`` be shown for this evaluation? Only when
    the after-window is whole and each window has enough events."""
    return ev.verdict != "incomplete" and enough_events(*counts)


def headline_effect(ev) -> tuple[float, float, float] | None:
    """The headline change as shares ``(estimate, low, high)`` (−0.4 = −40 %): the
    model's effect and interval, or None when no percentage may be shown (incomplete,
    uncertain, no model)."""
    m = ev.model
    if m is None or ev.verdict in ("incomplete", "uncertain"):
        return None
    if not shows_percent(ev, ev.target) or (m.design == "did" and not enough_events(ev.control)):
        return None
    return m.effect - 1, m.ci_low - 1, m.ci_high - 1


def metric_delta(ev, counts: Counts | None, ratio: float) -> str | None:
    """Text for a card's delta (``"-40 %"``, ASCII minus for Streamlit's arrow) from a rate
    ratio after/before, or None when no percentage may be shown."""
    if counts is None or not shows_percent(ev, counts):
        return None
    return fmt.ratio_delta(ratio, counts.before)


def wdd_warning(target: Counts, control: Counts) -> str | None:
    """The Swedish warning for the WDD when the comparison areas had more than
    :data:`WDD_SIZE_RATIO` times the target's before-count, else None."""
    if control.before <= WDD_SIZE_RATIO * max(target.before, 0):
        return None
    times = control.before / target.before if target.before else float("inf")
    size = "många" if times == float("inf") else f"{times:.0f} gånger så många"
    return (f"Jämförelseområdena hade {size} händelser före som målområdet; WDD räknar i "
            f"antal och blir då mest ett mått på jämförelseområdenas storlek. Läs "
            f"bedömningen och RES i stället.")


def wdq_meaningful(ev) -> bool:
    """May the WDQ be shown (see the module docstring)?"""
    res = ev.stats.res
    return (ev.buffer is not None and ev.stats.wdq is not None and ev.stats.wdq.wdq is not None
            and shows_percent(ev, ev.target, ev.control, ev.buffer)
            and res is not None and res.ci_low > 1)
