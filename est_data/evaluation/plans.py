"""Evaluation plans fixed in advance (issue 14, item 8).

Nothing stops an evaluator from trying dates, windows and areas until one gives a
"significant" result. So when a measure is logged, the evaluation it will get is stored
with it: target, comparison (matched by default, or named areas), categories, start date,
windows, gap and buffer (table ``evaluation_plans``). The Årsuppföljning and the report
use the plan. A plan can be changed, but only as a new version with a reason, audited;
the report says so. An evaluation on other choices is shown as *utforskande*
(exploratory), with what differs.

A measure logged before plans existed (or imported from a file) has no stored plan: its
:func:`plan_for` is the default plan (version 0), labelled as not fixed in advance.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Mapping

import duckdb

from est_data.core import fmt
from est_data.core.taxonomy import labels
from est_data.evaluation.evaluate import evaluate
from est_data.evaluation.explain_sv import power_sentence
from est_data.evaluation.selection import (
    DEFAULT_CATEGORIES, EvaluationError, EvaluationSpec, standard_categories)
from est_data.measures.store import add_intervention
from est_data.store.audit import audited_as, now_local
from est_data.store.sqlutil import fetch_df, fetch_row, fetch_value

PLAN_DAYS = 365


@dataclass(frozen=True)
class Plan:
    """One version of a measure's evaluation plan (version 0: the default, not stored)."""

    intervention_id: str
    version: int
    spec: EvaluationSpec
    created_at: dt.datetime | None = None
    created_by: str | None = None
    reason: str | None = None

    @property
    def fixed(self) -> bool:
        """Stored when the measure was logged (or changed since, with a reason)."""
        return self.version > 0


def default_spec(con: duckdb.DuckDBPyConnection, area_id: str, started_on: dt.date) -> EvaluationSpec:
    """The plan a measure gets unless told otherwise: its area from its start date, 12
    months before and after, störning and inbrott (those in the data), matched comparison
    areas and the neighbours as buffer."""
    cats = standard_categories(con) or DEFAULT_CATEGORIES
    return EvaluationSpec(targets=(area_id,), date=started_on, before_days=PLAN_DAYS,
                          after_days=PLAN_DAYS, categories=cats)


def spec_json(spec: EvaluationSpec) -> dict[str, Any]:
    """The stored fields of a plan's spec."""
    return {"targets": list(spec.targets), "controls": list(spec.controls),
            "comparison": spec.comparison, "categories": list(spec.categories),
            "start_date": spec.date, "before_days": spec.before_days,
            "after_days": spec.after_days, "gap_days": spec.gap_days, "buffer": spec.buffer,
            "buffers": list(spec.buffers), "buffer_m": spec.buffer_m}


def _insert(con, intervention_id: str, version: int, spec: EvaluationSpec, user: str,
            reason: str | None, at: dt.datetime | None = None) -> None:
    fields = spec_json(spec)
    for key in ("targets", "controls", "categories", "buffers"):
        fields[key] = json.dumps(fields[key], ensure_ascii=False)
    con.execute(
        "INSERT INTO evaluation_plans (intervention_id, version, created_at, created_by, "
        "reason, targets, controls, comparison, categories, start_date, before_days, "
        "after_days, gap_days, buffer, buffers, buffer_m) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [intervention_id, version, at or now_local(), user, reason, fields["targets"],
         fields["controls"], fields["comparison"], fields["categories"],
         fields["start_date"], fields["before_days"], fields["after_days"],
         fields["gap_days"], fields["buffer"], fields["buffers"], fields["buffer_m"]])


@audited_as("interventions.add_intervention")
def add_measure_with_plan(con: duckdb.DuckDBPyConnection, raw: Mapping[str, Any],
                          user: str = "app") -> str:
    """Store a new measure and its default plan (version 1) in the caller's write."""
    new_id = add_intervention(con, raw)
    area_id, started = fetch_row(con, "SELECT area_id, started_on FROM interventions "
                                      "WHERE intervention_id = ?", [new_id])
    _insert(con, new_id, 1, default_spec(con, area_id, started), user, None)
    return new_id


def store_default_plans(con: duckdb.DuckDBPyConnection, user: str) -> int:
    """Give every measure without a plan its default plan (version 1), dated the day the
    measure started: for measures logged in bulk (the demo's). Returns how many."""
    missing = fetch_df(con, "SELECT intervention_id, area_id, started_on FROM interventions "
                            "WHERE intervention_id NOT IN (SELECT intervention_id FROM "
                            "evaluation_plans)")
    for r in missing.itertuples():
        started = r.started_on.date() if hasattr(r.started_on, "date") else r.started_on
        _insert(con, r.intervention_id, 1, default_spec(con, r.area_id, started), user, None,
                at=dt.datetime.combine(started, dt.time(9, 0)))
    return len(missing)


@audited_as("evaluation.change_plan")
def change_plan(con: duckdb.DuckDBPyConnection, intervention_id: str, spec: EvaluationSpec,
                reason: str, user: str = "app") -> int:
    """Store ``spec`` as the measure's next plan version; returns the version."""
    if not reason or not reason.strip():
        raise EvaluationError("a changed plan needs a reason",
                              "Skriv varför planen ändras: ändringen visas i rapporten.")
    version = int(fetch_value(con, "SELECT coalesce(max(version), 0) FROM evaluation_plans "
                                   "WHERE intervention_id = ?", [intervention_id]))
    _insert(con, intervention_id, version + 1, spec, user, reason.strip())
    return version + 1


def _from_row(r: Mapping[str, Any]) -> Plan:
    spec = EvaluationSpec(
        targets=tuple(json.loads(r["targets"])), date=r["start_date"],
        before_days=int(r["before_days"]), after_days=int(r["after_days"]),
        gap_days=int(r["gap_days"]), categories=tuple(json.loads(r["categories"])),
        controls=tuple(json.loads(r["controls"])), buffer=r["buffer"],
        buffers=tuple(json.loads(r["buffers"])), buffer_m=float(r["buffer_m"]),
        comparison=r["comparison"])
    return Plan(r["intervention_id"], int(r["version"]), spec, r["created_at"],
                r["created_by"], r["reason"])


def plan_history(con: duckdb.DuckDBPyConnection, intervention_id: str) -> list[Plan]:
    """Every stored version of the measure's plan, oldest first."""
    rows = fetch_df(con, "SELECT * FROM evaluation_plans WHERE intervention_id = ? "
                         "ORDER BY version", [intervention_id])
    return [_from_row(r) for r in rows.to_dict("records")]


def plan_for(con: duckdb.DuckDBPyConnection, intervention_id: str) -> Plan | None:
    """The measure's current plan; the default (version 0) when none was stored; None for
    an unknown measure."""
    history = plan_history(con, intervention_id)
    if history:
        return history[-1]
    row = fetch_row(con, "SELECT area_id, started_on FROM interventions "
                         "WHERE intervention_id = ?", [intervention_id])
    if row is None or row[0] is None:
        return None
    return Plan(intervention_id, 0, default_spec(con, row[0], row[1]))


def differences(plan: EvaluationSpec, spec: EvaluationSpec,
                names: Mapping[str, str] | None = None) -> list[str]:
    """What ``spec`` changes from the plan, in Swedish (empty: it is the plan)."""
    names = names or {}
    cat = labels()

    def areas(ids) -> str:
        return ", ".join(names.get(a, a) for a in ids) or "standard"

    checks = [
        ("målområde", areas(plan.targets), areas(spec.targets)),
        ("insatsdatum", fmt.date(plan.date), fmt.date(spec.date)),
        ("period före", f"{plan.before_days} dagar", f"{spec.before_days} dagar"),
        ("period efter", f"{plan.after_days} dagar", f"{spec.after_days} dagar"),
        ("genomförandetid", f"{plan.gap_days} dagar", f"{spec.gap_days} dagar"),
        ("kategorier", ", ".join(cat.get(c, c) for c in plan.categories) or "alla",
         ", ".join(cat.get(c, c) for c in spec.categories) or "alla"),
        ("jämförelse", comparison_text(plan, names), comparison_text(spec, names)),
        ("buffert", f"{plan.buffer} {areas(plan.buffers)} {plan.buffer_m:g}",
         f"{spec.buffer} {areas(spec.buffers)} {spec.buffer_m:g}"),
    ]
    return [f"{what}: {new} (planen: {old})" for what, old, new in checks if old != new]


COMPARISON_SV = {"matched": "matchade jämförelseområden",
                 "all": "alla områden som inte gränsar till målområdet"}


def comparison_text(spec: EvaluationSpec, names: Mapping[str, str] | None = None) -> str:
    """How the plan's comparison areas are chosen, in Swedish."""
    if spec.controls:
        return "valda områden: " + ", ".join((names or {}).get(a, a) for a in spec.controls)
    return COMPARISON_SV.get(spec.comparison, spec.comparison)


def plan_line(plan: Plan) -> str:
    """``Plan fastställd 2025-05-01 (version 1)`` / ``… ändrad 2025-09-01 (version 2): skäl``."""
    if not plan.fixed:
        return ("Standardplan: ingen plan sparades när insatsen loggades, så standardvalen "
                "används (12 månader före och efter, störningar och inbrott, matchade "
                "jämförelseområden).")
    when = fmt.date(plan.created_at.date()) if plan.created_at else "okänt datum"
    if plan.version == 1:
        return f"Plan fastställd {when} när insatsen loggades (version 1)."
    return f"Planen ändrad {when} (version {plan.version}): {plan.reason}"


EXPLORATORY = "Utforskande utvärdering"


def plan_note(plan: Plan | None, spec: EvaluationSpec,
              names: Mapping[str, str] | None = None) -> str:
    """What the report and the page say about the plan: the plan's line when ``spec`` is
    the plan, else that the evaluation is exploratory and what differs."""
    if plan is None:
        return (f"{EXPLORATORY}: den följer ingen sparad plan (eget datum eller egna val). "
                f"Resultatet är en undersökning, inte planens utvärdering.")
    diffs = differences(plan.spec, spec, names)
    if not diffs:
        return plan_line(plan)
    return (f"{EXPLORATORY}: avviker från insatsens plan ({'; '.join(diffs)}). Resultatet "
            f"är en undersökning, inte planens utvärdering.")


def plan_preview(con: duckdb.DuckDBPyConnection, intervention_id: str) -> list[str]:
    """What a coordinator is told when a measure is logged: its plan and how likely the
    plan is to find a 30 % drop, and when (:mod:`.power`, from the before-level)."""
    plan = plan_for(con, intervention_id)
    if plan is None:
        return []
    lines = [plan_line(plan)]
    try:
        said = power_sentence(evaluate(con, plan.spec).power)
    except EvaluationError:
        said = None
    return lines + ([said] if said else [])
